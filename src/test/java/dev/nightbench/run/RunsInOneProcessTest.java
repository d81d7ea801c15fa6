package dev.nightbench.run;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.support.JobTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs one after another in one Spring context, as {@code serve} runs them: each run's progress and counts are its
 * own (nothing of the first run's step-scoped state survives into the second), and every log line of a run, on the
 * job's thread and on the load workers, carries its run id and model in the log context (MDC).
 */
class RunsInOneProcessTest extends JobTestSupport {

    SimulatedServer server;

    @BeforeEach
    void startServer() {
        server = new SimulatedServer()
                .script("steady", Script.stream().role().content("Paris").content(" is the capital.").finish("stop")
                        .usage(7, 2).done())
                .script("garbage", Script.raw("<html>definitely not json</html>"))
                .start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void aSecondRunInTheSameProcessCountsItsOwnProgressAndFailuresFromZero(@TempDir Path dir) throws Exception {
        Path failing = plan(dir, "failing", List.of("steady", "garbage"), 2, "");
        Path clean = plan(dir, "clean", List.of("steady"), 2, "");

        List<LogCapture.Line> first;
        List<LogCapture.Line> second;
        JobExecution a;
        JobExecution b;
        try (LogCapture progress = LogCapture.of(Progress.class.getName())) {
            a = launch(failing);
            first = progress.lines();
        }
        try (LogCapture progress = LogCapture.of(Progress.class.getName())) {
            b = launch(clean);
            second = progress.lines();
        }

        assertThat(a.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(b.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        // run A: 2 cells, garbage's 2 requests failed
        assertThat(first).last().extracting(LogCapture.Line::message)
                .isEqualTo("pairs 2/2 (100%), failed requests 2, ETA done");
        // run B: its own cell and its own (zero) failures, not A's
        assertThat(second).extracting(LogCapture.Line::message)
                .containsExactly("pairs 1/1 (100%), failed requests 0, ETA done");
        assertThat(second).allSatisfy(l -> assertThat(l.mdc()).containsEntry("runId", String.valueOf(runId(b))));
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND status <> 'ok'", runId(b))).isZero();
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND status = 'ok'", runId(b))).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND status <> 'ok'", runId(a))).isEqualTo(2);
        // run.warmup: 0: no cold start, and the note says why
        assertThat(jdbc.sql("SELECT cold_start_note FROM run_models WHERE run_id = ? AND cold_start_ms IS NULL")
                .param(runId(b)).query(String.class).list()).containsExactly("no warm-up requests planned (run.warmup: 0)");
    }

    @Test
    void aLogLineWrittenByALoadWorkerCarriesTheRunIdAndTheModel(@TempDir Path dir) throws Exception {
        Path plan = plan(dir, "workers", List.of("garbage"), 1, "load: {concurrency: [2], requests: 4}\n");

        JobExecution execution;
        List<LogCapture.Line> lines;
        try (LogCapture log = LogCapture.of("dev.nightbench")) {
            execution = launch(plan);
            lines = log.lines();
        }

        long runId = runId(execution);
        List<LogCapture.Line> fromWorkers = lines.stream().filter(l -> l.thread().startsWith("nightbench-load-")).toList();
        assertThat(fromWorkers).as("log lines from load workers in %s", lines).isNotEmpty()
                .allSatisfy(l -> assertThat(l.mdc()).containsEntry("runId", String.valueOf(runId))
                        .containsEntry("model", "garbage"));
        assertThat(fromWorkers).anySatisfy(l -> assertThat(l.message()).startsWith("Model garbage failed"));
        // on the job's thread too, and the log context is cleared when the job ends
        assertThat(lines).filteredOn(l -> l.message().startsWith("Model garbage at concurrency 2"))
                .isNotEmpty().allSatisfy(l -> assertThat(l.mdc()).containsEntry("runId", String.valueOf(runId))
                        .containsEntry("model", "garbage"));
        assertThat(MDC.get("runId")).isNull();
        assertThat(MDC.get("model")).isNull();
    }

    private Path plan(Path dir, String name, List<String> models, int rounds, String load) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                name: %s
                endpoints: [{name: e, base_url: "%s"}]
                models:
                """.formatted(name, server.baseUrl()));
        models.forEach(m -> yaml.append("  - {alias: ").append(m).append("}\n"));
        yaml.append("""
                prompts: [{id: capital, text: "What is the capital of France?"}]
                run: {warmup: 0, rounds: %d, fail_after: 2}
                retry: {default: {attempts: 1}}
                """.formatted(rounds)).append(load);
        return Files.writeString(dir.resolve(name + ".yaml"), yaml);
    }
}
