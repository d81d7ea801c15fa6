package dev.nightbench.run;

import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.LoadPlans;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A whole run with a {@code load:} plan on a real PostgreSQL and the simulated endpoint: load rows, load phases,
 * throughput and goodput aggregates, and a sweep that stops. sim-flaky fails about one request in four and its
 * first sweep level runs one request at a time, so with retries off its error rate breaks the 5 % limit there,
 * the same way every run (the simulator's failures are seeded by request number).
 */
class LoadJobTest extends JobTestSupport {


    @Test
    void aRunWithALoadPlanStoresLoadRowsPhasesThroughputGoodputAndTheSweepResult(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("load-job.yaml"), LoadPlans.smallLoadPlan("load-job"));

        JobExecution execution = launch(plan);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        assertThat(jdbc.sql("SELECT slo_e2e_ms FROM runs WHERE run_id = ?").param(runId).query(Double.class).single())
                .isEqualTo(60_000);

        // load rows: every request with its load, prompts cycled, no round
        assertThat(count("""
                SELECT count(*) FROM measured_requests WHERE run_id = ? AND model_alias = 'sim-fast'
                AND load_mode = 'concurrency' AND round IS NULL AND status = 'ok'""", runId)).isEqualTo(24);
        assertThat(count("""
                SELECT count(DISTINCT prompt_id) FROM measured_requests WHERE run_id = ? AND load_mode = 'rate'""", runId))
                .isEqualTo(2);
        assertThat(count("""
                SELECT count(*) FROM measured_requests WHERE run_id = ? AND load_mode = 'rate' AND load_level = 20
                AND scheduled_lag_ms >= 0""", runId)).isEqualTo(12);
        assertThat(count("""
                SELECT count(*) FROM measured_requests WHERE run_id = ? AND load_mode = 'serial'
                AND scheduled_lag_ms IS NULL""", runId)).isEqualTo(8);

        // one phase per load cell, in plan order after the 4 latency cells
        assertThat(jdbc.sql("""
                        SELECT cell_index || ' ' || model_alias || ' ' || load_mode || ' ' || load_level || ' ' || status
                               || ' ' || coalesce(held::text, '-')
                        FROM load_phases WHERE run_id = ? ORDER BY cell_index""").param(runId).query(String.class).list())
                .containsExactly("4 sim-fast concurrency 1 ran true", "5 sim-fast concurrency 4 ran true",
                        "6 sim-fast rate 20 ran true", "7 sim-flaky concurrency 1 ran false",
                        "8 sim-flaky concurrency 2 skipped -", "9 sim-flaky concurrency 4 skipped -");
        assertThat(jdbc.sql("SELECT max_in_flight FROM load_phases WHERE run_id = ? AND cell_index = 5").param(runId)
                .query(Integer.class).single()).isEqualTo(4);
        assertThat(jdbc.sql("SELECT skip_reason FROM load_phases WHERE run_id = ? AND cell_index = 9").param(runId)
                .query(String.class).single()).startsWith("sweep stopped: SLO error rate ").endsWith(" broke at concurrency 1");
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND error_type = 'sweep_stopped'", runId))
                .isEqualTo(32);

        // throughput and goodput per model and load, from the phases' wall time
        for (Map<String, Object> s : jdbc.sql("""
                        SELECT s.*, p.wall_ms AS phase_wall_ms FROM summaries s JOIN load_phases p
                          ON p.run_id = s.run_id AND p.model_alias = s.model_alias AND p.load_mode = s.load_mode
                         AND p.load_level = s.load_level
                        WHERE s.run_id = ? AND s.prompt_id = '*' AND s.model_alias = 'sim-fast'""")
                .param(runId).query().listOfRows()) {
            double seconds = (Double) s.get("phase_wall_ms") / 1000;
            assertThat(s).containsEntry("requests", 12).containsEntry("ok_requests", 12);
            assertThat((Double) s.get("request_throughput")).isCloseTo(12 / seconds, within(1e-9));
            assertThat((Double) s.get("output_token_throughput"))
                    .isCloseTo(((Number) s.get("output_tokens")).doubleValue() / seconds, within(1e-9)).isPositive();
            assertThat((Double) s.get("goodput")).isEqualTo(1.0);
            assertThat((Double) s.get("error_rate")).isZero();
        }
        Map<String, Object> rate = jdbc.sql("""
                        SELECT * FROM load_summaries WHERE run_id = ? AND model_alias = 'sim-fast' AND load_mode = 'rate'""")
                .param(runId).query().singleRow();
        assertThat(rate).containsEntry("offered_rate", 20.0).containsEntry("held", true);
        assertThat((Double) rate.get("scheduled_lag_ms_mean")).isNotNull().isGreaterThanOrEqualTo(0.0);
        assertThat((Double) rate.get("scheduled_lag_ms_p95")).isGreaterThanOrEqualTo(0.0);
        // the sweep: nothing held, broke at its first level, the two levels above never offered
        Map<String, Object> sweep = jdbc.sql("SELECT * FROM sweep_results WHERE run_id = ?").param(runId).query().singleRow();
        assertThat(sweep).containsEntry("model_alias", "sim-flaky").containsEntry("max_level_held", null)
                .containsEntry("broke_at_level", 1.0).containsEntry("levels_run", 1L).containsEntry("levels_skipped", 2L);
        assertThat(count("SELECT count(*) FROM summaries WHERE run_id = ? AND model_alias = 'sim-flaky' AND load_level > 1",
                runId)).isZero();
        // serial latency cells: confidence intervals around their means, no throughput
        Map<String, Object> serial = jdbc.sql("""
                        SELECT * FROM model_summaries WHERE run_id = ? AND model_alias = 'sim-fast' AND load_mode = 'serial'""")
                .param(runId).query().singleRow();
        assertThat(serial).containsEntry("ttft_ms_n", 4).containsEntry("request_throughput", null);
        assertThat((Double) serial.get("ttft_ms_ci95_low")).isLessThanOrEqualTo((Double) serial.get("ttft_ms_mean"));
        assertThat((Double) serial.get("ttft_ms_ci95_high")).isGreaterThanOrEqualTo((Double) serial.get("ttft_ms_mean"));
        assertThat((Double) serial.get("ttft_ms_cv")).isPositive();
    }

    private long count(String sql, long runId) {
        return jdbc.sql(sql).param(runId).query(Long.class).single();
    }
}
