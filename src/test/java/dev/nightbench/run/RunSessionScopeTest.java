package dev.nightbench.run;

import dev.nightbench.client.ModelClient;
import dev.nightbench.plan.PlanLoader;
import dev.nightbench.support.JobTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.test.JobScopeTestUtils;
import org.springframework.batch.test.MetaDataInstanceFactory;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The run's session lives in Spring Batch's job scope: one per job execution, closed (its clients and the
 * simulated endpoint with them) when the scope ends; the run id is kept in the job execution context, saved in
 * the job repository, and the measure step's reader keeps its position in the step's.
 */
class RunSessionScopeTest extends JobTestSupport {

    private static final String PLAN = """
            name: %s
            endpoints: [{name: sim, type: simulated}]
            models: [{alias: sim-fast}]
            prompts: [{id: capital, text: "What is the capital of France?"}]
            run: {warmup: 1, rounds: 2, max_tokens: 8}
            """;

    @Autowired
    RunSession session;
    @Autowired
    JobRepository jobRepository;

    @Test
    void eachJobExecutionGetsItsOwnSessionWhoseClientsAreClosedWhenTheJobScopeEnds(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("scope.yaml"), PLAN.formatted("scope"));
        JobExecution first = execution(plan, 1L, hashOf(plan));
        JobExecution second = execution(plan, 2L, hashOf(plan));

        ModelClient client = JobScopeTestUtils.doInJobScope(first, () -> {
            ModelClient c = session.client("sim-fast");
            assertThat(c.listModels()).contains("sim-fast"); // the simulated endpoint answers while the job runs
            return c;
        });
        ModelClient other = JobScopeTestUtils.doInJobScope(second, () -> session.client("sim-fast"));

        assertThat(other).isNotSameAs(client);
        // the scope ended: the session was closed, and the simulated endpoint it started with it
        assertThatThrownBy(client::listModels).isInstanceOf(Exception.class);
    }

    @Test
    void aSessionRefusesAPlanThatChangedSinceTheRunStarted(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("changed.yaml"), PLAN.formatted("changed"));
        JobExecution execution = execution(plan, 3L, "0123456789abcdef0123");

        assertThatThrownBy(() -> JobScopeTestUtils.doInJobScope(execution, () -> session.plan()))
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .rootCause().hasMessageStartingWith("The plan " + plan + " changed since this run started (hash "
                        + "0123456789ab then, ").hasMessageEndingWith(" now). Restore it to finish this run, or start "
                        + "a new run with the changed plan.");
    }

    @Test
    void theRunIdIsKeptInTheJobExecutionContextAndTheReadersPositionInTheStepContext(@TempDir Path dir)
            throws Exception {
        Path plan = Files.writeString(dir.resolve("context.yaml"), PLAN.formatted("context"));

        JobExecution execution = launch(plan);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        JobExecution stored = jobRepository.getJobExecution(execution.getId());
        assertThat(stored.getExecutionContext().getLong(RunContext.RUN_ID)).isEqualTo(runId);
        assertThat(stored.getExecutionContext().getString(RunContext.PLAN_HASH)).isEqualTo(hashOf(plan));
        var measure = jobRepository.getLastStepExecution(execution.getJobInstance(), "measure");
        assertThat(measure.getExecutionContext().getInt("cells.read")).isEqualTo(1);
        var warmUp = jobRepository.getLastStepExecution(execution.getJobInstance(), "warmUp");
        assertThat(warmUp.getExecutionContext().getInt("warmUpCells.read")).isEqualTo(1);
    }

    private static JobExecution execution(Path plan, long id, String hash) {
        JobParams params = new JobParams("scope", plan, hash, LocalDate.of(2026, 11, 22), "scope-" + id, null);
        return MetaDataInstanceFactory.createJobExecution(NightlyBenchmarkJobConfiguration.JOB_NAME, id, id,
                params.toJobParameters());
    }

    private static String hashOf(Path plan) {
        return new PlanLoader().loadWithSnapshot(plan).plan().hash();
    }
}
