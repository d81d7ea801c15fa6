package dev.nightbench.run;

import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole job, end to end: a real PostgreSQL, the simulated endpoint on loopback, real streaming. */
@ExtendWith(SimTimeScale.class)
class NightlyBenchmarkJobTest extends JobTestSupport {

    static final String PLAN = """
            name: %s
            endpoints: [{name: sim, type: simulated}]
            models:
              - {alias: sim-fast}
              - {alias: sim-medium}
              %s
            prompts:
              - {id: capital, text: "What is the capital of France?"}
              - {id: haiku, text: "Write a haiku about the night.", system: "Be brief."}
            run: {warmup: 1, rounds: 2, max_tokens: 16}
            """;

    @Test
    void aWholeRunStoresEveryRequestItsAggregatesAndAReport(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("whole.yaml"), PLAN.formatted("whole", ""));

        JobExecution execution = launch(plan);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        assertThat(jdbc.sql("SELECT status FROM runs WHERE run_id = ?").param(runId).query(String.class).single())
                .isEqualTo("COMPLETED");
        assertThat(jdbc.sql("SELECT simulated FROM runs WHERE run_id = ?").param(runId).query(Boolean.class).single()).isTrue();
        // 2 models x 2 prompts x 2 rounds, every one answered, with its figures
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND status = 'ok'", runId)).isEqualTo(8);
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND ttft_ms > 0 AND e2e_ms >= ttft_ms "
                + "AND total_ms >= e2e_ms AND output_tokens > 0 AND tokens_source = 'usage' AND simulated", runId)).isEqualTo(8);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND phase = 'warmup'", runId)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM run_models WHERE run_id = ? AND cold_start_ms > 0 AND availability = 'available'",
                runId)).isEqualTo(2);
        // per model (prompt '*') and per model x prompt
        assertThat(count("SELECT count(*) FROM summaries WHERE run_id = ? AND prompt_id = '*' AND requests = 4 "
                + "AND ok_requests = 4 AND ttft_ms_p50 > 0 AND ttft_ms_p95 >= ttft_ms_p50", runId)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM summaries WHERE run_id = ? AND prompt_id <> '*' AND requests = 2", runId)).isEqualTo(4);
        // aggregates agree with the rows they come from
        Double p50 = jdbc.sql("""
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY e2e_ms) FROM measured_requests
                WHERE run_id = ? AND model_alias = 'sim-fast' AND status = 'ok'""").param(runId).query(Double.class).single();
        assertThat(jdbc.sql("SELECT e2e_ms_p50 FROM model_summaries WHERE run_id = ? AND model_alias = 'sim-fast'")
                .param(runId).query(Double.class).single()).isEqualTo(p50);
        Path reportDir = ReportDirs.of(reports, "2026-11-22_" + runId);
        assertThat(reportDir.resolve("report.md")).content().contains("|Model|Status|Success|Requests|n|e2e mean ± 95 % CI|").contains("sim-medium")
                .contains("SIMULATED");
        assertThat(reportDir.resolve("summary.csv")).exists();
        assertThat(Files.readAllLines(reportDir.resolve("requests.csv"))).hasSize(1 + 8 + 2);
        assertThat(reports.resolve("latest.md")).exists();
    }

    @Test
    void aModelTheServerDoesNotListIsMarkedUnavailableAndItsPairsSkippedWhileTheOthersFinish(@TempDir Path dir)
            throws Exception {
        Path plan = Files.writeString(dir.resolve("missing.yaml"), PLAN.formatted("missing", "- {alias: ghost, model: sim-ghost}"));

        JobExecution execution = launch(plan);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        assertThat(jdbc.sql("SELECT failure_reason FROM run_models WHERE run_id = ? AND model_alias = 'ghost' AND availability = 'unavailable'")
                .param(runId).query(String.class).single()).contains("does not list model 'sim-ghost'");
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND model_alias = 'ghost' AND status = 'skipped'", runId))
                .isEqualTo(4);
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND status = 'ok'", runId)).isEqualTo(8);
        assertThat(count("SELECT failed_models FROM runs WHERE run_id = ?", runId)).isEqualTo(1);
    }

    @Test
    void runningAgainAddsASecondRunToTheSameHistory(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("twice.yaml"), PLAN.formatted("twice", ""));

        launch(plan);
        launch(plan);

        assertThat(jdbc.sql("SELECT count(*) FROM runs WHERE plan_name = 'twice' AND status = 'COMPLETED'")
                .query(Long.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM model_trend WHERE plan_name = 'twice'").query(Long.class).single())
                .isEqualTo(4);
    }

}
