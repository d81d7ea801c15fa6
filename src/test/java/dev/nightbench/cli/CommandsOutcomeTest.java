package dev.nightbench.cli;

import dev.nightbench.cli.Outcome.Line;
import dev.nightbench.plan.LoadedPlan;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.RunParams;
import dev.nightbench.report.ReportService;
import dev.nightbench.report.TrendSettings;
import dev.nightbench.run.RunLauncher;
import dev.nightbench.run.Scheduler;
import dev.nightbench.run.ServeProperties;
import dev.nightbench.run.UnfinishedRuns;
import dev.nightbench.store.RunStatus;
import dev.nightbench.store.RunStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.DataAccessResourceFailureException;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** {@link Commands} returns what to print and how it ended; it prints nothing itself. */
class CommandsOutcomeTest {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 22);

    private final JobOperator jobOperator = mock(JobOperator.class);
    private final JobRepository jobRepository = mock(JobRepository.class);
    private final RunStore runs = mock(RunStore.class);
    private final UnfinishedRuns unfinishedRuns = mock(UnfinishedRuns.class);
    private final Commands commands = new Commands(new RunLauncher(jobOperator, jobRepository, mock(Job.class),
            unfinishedRuns, runs, Clock.fixed(Instant.parse("2026-11-22T02:00:00Z"), ZoneOffset.UTC)), runs,
            mock(ReportService.class), unfinishedRuns, mock(Scheduler.class),
            new NightbenchProperties(Path.of("reports"), TrendSettings.defaults(), new ServeProperties(List.of()), null));
    private final LoadedPlan plan = mock(LoadedPlan.class);
    private final List<Line> printedAtOnce = new ArrayList<>();

    @BeforeEach
    void aPlan() {
        when(plan.plan()).thenReturn(new Plan("nightly", Path.of("jobs/nightly.yaml"), List.of(), List.of(), List.of(),
                RunParams.defaults(), "hash"));
    }

    @Test
    void aStoppedRunExits1SayingHowToFinishIt() throws Exception {
        JobExecution execution = execution(BatchStatus.STOPPED);
        when(jobOperator.start(any(Job.class), any(JobParameters.class))).thenReturn(execution);
        when(runs.runIdForJobInstance(3L)).thenReturn(Optional.of(7L));
        when(runs.find(7L)).thenReturn(Optional.of(new RunStore.RunSummary(7, 3, "nightly", NIGHT, null, false,
                RunStatus.STOPPED, 0, 4, 2, 0, Instant.now(), null)));

        Outcome outcome = commands.run(plan, NIGHT, null, false, false, printedAtOnce::add);

        assertThat(outcome.exitCode()).isEqualTo(Cli.JOB_FAILED);
        assertThat(outcome.lines()).containsExactly(
                Line.err("Run 7 stopped after 2 ok and 0 failed requests; 'nightbench restart 7' finishes it."));
        assertThat(printedAtOnce).isEmpty();
    }

    @Test
    void aCompletedNightIsRefusedWithExit2() throws Exception {
        when(jobOperator.start(any(Job.class), any(JobParameters.class)))
                .thenThrow(new JobInstanceAlreadyCompleteException("done"));
        JobInstance instance = new JobInstance(3L, "nightlyBenchmarkJob");
        when(jobRepository.getJobInstance(any(), any(JobParameters.class))).thenReturn(instance);
        when(unfinishedRuns.ofJobInstance(3L)).thenReturn(Optional.empty());
        JobExecution last = execution(BatchStatus.COMPLETED);
        when(jobRepository.getLastJobExecution(instance)).thenReturn(last);
        when(runs.runIdForJobInstance(3L)).thenReturn(Optional.of(7L));

        Outcome outcome = commands.run(plan, NIGHT, null, false, false, printedAtOnce::add);

        assertThat(outcome.exitCode()).isEqualTo(Cli.BAD_INPUT);
        assertThat(outcome.lines()).containsExactly(Line.err("nightbench run: plan 'nightly' already has a completed "
                + "run for 2026-11-22 (run 7). Use another --run-date, or omit it for an ad-hoc run."));
    }

    @Test
    void aDatabaseLostAtTheStartIsOneParagraphOnStderr() throws Exception {
        when(jobOperator.start(any(Job.class), any(JobParameters.class)))
                .thenThrow(new DataAccessResourceFailureException("connection refused."));

        Outcome outcome = commands.run(plan, NIGHT, null, false, false, printedAtOnce::add);

        assertThat(outcome.exitCode()).isEqualTo(Cli.JOB_FAILED);
        assertThat(outcome.lines()).singleElement().satisfies(line -> {
            assertThat(line.toStderr()).isTrue();
            assertThat(line.text()).startsWith("nightbench run: lost the database while running (connection refused). "
                    + "Nothing already committed is lost");
        });
    }

    @Test
    void aRestartSaysWhatItRestartsBeforeTheJobRuns() throws Exception {
        JobExecution failed = execution(BatchStatus.FAILED);
        UnfinishedRuns.Night night = new UnfinishedRuns.Night(3L, null, "nightly", NIGHT, failed);
        when(unfinishedRuns.newest()).thenReturn(Optional.of(night));
        when(jobOperator.restart(failed)).thenAnswer(invocation -> {
            assertThat(printedAtOnce).as("printed before the job runs").hasSize(1);
            return failed;
        });

        Outcome outcome = commands.restart(null, printedAtOnce::add);

        assertThat(printedAtOnce).containsExactly(Line.out("Restarting plan 'nightly' for 2026-11-22 (job instance 3, "
                + "never registered): finishing the pairs not yet committed."));
        assertThat(outcome.exitCode()).isEqualTo(Cli.JOB_FAILED); // it failed again, before registering
        assertThat(outcome.lines()).singleElement().extracting(Line::text).asString()
                .startsWith("nightbench: the job ended FAILED before the run was registered");
    }

    private static JobExecution execution(BatchStatus status) {
        JobExecution execution = mock(JobExecution.class);
        when(execution.getStatus()).thenReturn(status);
        when(execution.getJobInstanceId()).thenReturn(3L);
        when(execution.getId()).thenReturn(11L);
        when(execution.getAllFailureExceptions()).thenReturn(List.of());
        return execution;
    }
}
