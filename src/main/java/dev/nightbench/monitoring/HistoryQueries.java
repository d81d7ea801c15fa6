package dev.nightbench.monitoring;

import dev.nightbench.monitoring.HistoryTally.RequestKey;
import dev.nightbench.monitoring.HistoryTally.RunCounts;
import dev.nightbench.monitoring.HistoryTally.RunRow;
import dev.nightbench.monitoring.HistoryTally.StepTotal;
import dev.nightbench.store.RunStatus;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reads behind {@code serve}'s Prometheus metrics. Runs may be written by other processes ({@code nightbench run}
 * from cron, workers), so everything comes from the database: {@code runs} (one row per run), the measured requests
 * of given runs through the {@code requests_run_model} index, and their Spring Batch step executions through the
 * job-execution indexes of V29. Every statement but the first names its runs, so its cost follows the runs counted,
 * never the length of the history.
 */
final class HistoryQueries {

    private final JdbcClient jdbc;

    HistoryQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<RunRow> runs() {
        return jdbc.sql("SELECT run_id, plan_name, status, finished_at FROM runs")
                .query((rs, i) -> {
                    Timestamp finished = rs.getTimestamp("finished_at");
                    return new RunRow(rs.getLong("run_id"), rs.getString("plan_name"),
                            RunStatus.from(rs.getString("status")), finished == null ? null : finished.toInstant());
                }).list();
    }

    /** The measured requests by model and status, and the ended step executions by step, of {@code runIds}. */
    Map<Long, RunCounts> counts(List<Long> runIds) {
        Long[] ids = runIds.toArray(Long[]::new);
        Map<Long, Map<RequestKey, Long>> requests = new HashMap<>();
        jdbc.sql("""
                        SELECT run_id, model_alias, status, count(*) AS n FROM requests
                        WHERE run_id = ANY(?) AND phase = 'measure' AND is_final
                        GROUP BY run_id, model_alias, status""")
                .param(ids)
                .query(rs -> {
                    requests.computeIfAbsent(rs.getLong("run_id"), k -> new HashMap<>())
                            .put(new RequestKey(rs.getString("model_alias"), rs.getString("status")), rs.getLong("n"));
                });
        Map<Long, Map<String, StepTotal>> steps = new HashMap<>();
        jdbc.sql("""
                        SELECT r.run_id, s.step_name, count(*) AS n,
                               sum(extract(epoch FROM s.end_time - s.start_time)) AS seconds
                        FROM runs r
                        JOIN batch_job_execution e ON e.job_instance_id = r.job_instance_id
                        JOIN batch_step_execution s ON s.job_execution_id = e.job_execution_id
                        WHERE r.run_id = ANY(?) AND s.start_time IS NOT NULL AND s.end_time IS NOT NULL
                        GROUP BY r.run_id, s.step_name""")
                .param(ids)
                .query(rs -> {
                    steps.computeIfAbsent(rs.getLong("run_id"), k -> new HashMap<>())
                            .merge(HistoryTally.stepLabel(rs.getString("step_name")),
                                    new StepTotal(rs.getLong("n"), rs.getDouble("seconds")), StepTotal::plus);
                });
        Map<Long, RunCounts> counts = new HashMap<>();
        for (Long id : runIds) {
            Map<RequestKey, Long> r = requests.getOrDefault(id, Map.of());
            Map<String, StepTotal> s = steps.getOrDefault(id, Map.of());
            if (!r.isEmpty() || !s.isEmpty()) {
                counts.put(id, new RunCounts(r, s));
            }
        }
        return counts;
    }
}
