package dev.nightbench.run;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.support.JobTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plan's {@code scale:} without a broker: the measure cells partitioned by endpoint run on threads of this
 * process, so two independent endpoints (two loopback servers) are measured at the same time, with exactly the
 * rows of a serial run; each row names the host that sent it.
 */
class PartitionedMeasureJobTest extends JobTestSupport {

    static final String PLAN = """
            name: %s
            endpoints: [{name: a, base_url: "%s"}, {name: b, base_url: "%s"}]
            models: [{alias: ma, endpoint: a, model: m}, {alias: mb, endpoint: b, model: m}]
            prompts:
              - {id: p0, text: "Question 0"}
              - {id: p1, text: "Question 1"}
              - {id: p2, text: "Question 2"}
            run: {warmup: 0, rounds: 2}
            %s
            """;

    static SimulatedServer slowServer() {
        return new SimulatedServer().script("m", Script.stream().role().delay(150).content("An").content(" answer.")
                .finish("stop").usage(4, 2).done()).start();
    }

    @Test
    void twoEndpointsPartitionedByEndpointAreMeasuredAtOnceWithEveryRowExactlyOnce(@TempDir Path dir) throws Exception {
        try (SimulatedServer a = slowServer(); SimulatedServer b = slowServer()) {
            Path plan = Files.writeString(dir.resolve("scaled.yaml"), PLAN.formatted("scaled", a.baseUrl(), b.baseUrl(),
                    "scale: {partition_by: endpoint, workers: 2}"));

            JobExecution execution = launch(plan);

            assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            long runId = runId(execution);
            // 2 models x 3 prompts x 2 rounds, each exactly once, each sent to its own endpoint once
            assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND status = 'ok'", runId)).isEqualTo(12);
            assertThat(count("SELECT count(DISTINCT (model_alias, prompt_id, round)) FROM measured_requests WHERE run_id = ?",
                    runId)).isEqualTo(12);
            assertThat(count("SELECT count(*) FROM answers WHERE run_id = ?", runId)).isEqualTo(12);
            assertThat(a.requestCount()).isEqualTo(6);
            assertThat(b.requestCount()).isEqualTo(6);
            assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND worker_host IS NOT NULL "
                    + "AND worker_host <> ''", runId)).isEqualTo(12);
            // one partition per endpoint, both completed, and the two endpoints' request windows overlap
            assertThat(jdbc.sql("""
                    SELECT s.STEP_NAME FROM BATCH_STEP_EXECUTION s WHERE s.JOB_EXECUTION_ID = ? AND s.STATUS = 'COMPLETED'
                    AND s.STEP_NAME LIKE 'measurePartition:%' ORDER BY 1""").param(execution.getId())
                    .query(String.class).list())
                    .containsExactly("measurePartition:endpoint-a", "measurePartition:endpoint-b");
            List<Timestamp> wa = window(runId, "ma");
            List<Timestamp> wb = window(runId, "mb");
            assertThat(wa.get(0)).isBefore(wb.get(1));
            assertThat(wb.get(0)).isBefore(wa.get(1));
            assertThat(count("SELECT count(*) FROM summaries WHERE run_id = ? AND prompt_id = '*' AND requests = 6", runId))
                    .isEqualTo(2);
        }
    }

    @Test
    void withoutScaleTheRunIsTheSingleMeasureStep(@TempDir Path dir) throws Exception {
        try (SimulatedServer a = slowServer(); SimulatedServer b = slowServer()) {
            Path plan = Files.writeString(dir.resolve("serial.yaml"), PLAN.formatted("serial", a.baseUrl(), b.baseUrl(), ""));

            JobExecution execution = launch(plan);

            assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(jdbc.sql("SELECT STEP_NAME FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = ? ORDER BY STEP_EXECUTION_ID")
                    .param(execution.getId()).query(String.class).list())
                    .containsExactly("registerRun", "probeEndpoints", "warmUp", "measure", "aggregate", "judge", "report", "notify");
            long runId = runId(execution);
            assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ?", runId)).isEqualTo(12);
            // serial: the endpoints' windows do not overlap
            assertThat(window(runId, "ma").get(1)).isBeforeOrEqualTo(window(runId, "mb").get(0));
        }
    }

    /** The first request's start and the last request's end (start + total) of a model's measured rows. */
    private List<Timestamp> window(long runId, String model) {
        return jdbc.sql("""
                SELECT min(started_at), max(started_at + total_ms * interval '1 millisecond') FROM measured_requests
                WHERE run_id = ? AND model_alias = ?""").params(runId, model)
                .query((rs, i) -> List.of(rs.getTimestamp(1), rs.getTimestamp(2))).single();
    }
}
