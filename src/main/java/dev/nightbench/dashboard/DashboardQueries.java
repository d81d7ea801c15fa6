package dev.nightbench.dashboard;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard's own reads, all SELECTs: the runs with their failed models and stored regressions ({@code runs},
 * {@code run_models}, the {@code run_regressions} view) and the trend points of a plan's models
 * ({@code model_summaries} with {@code model_quality}, serial latency rows). The run page and the A/B page read
 * through the report package instead.
 */
@Repository
class DashboardQueries {

    private final JdbcClient jdbc;

    DashboardQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A line of the runs list.
     *
     * @param failedModels models that were unavailable or failed, e.g. {@code sim-flaky (failed)}
     * @param regressions  regressed rows of its stored comparison ({@code run_regressions})
     * @param baselineRun  the run its stored comparison used (the first when pooled), else the previous run of its
     *                     plan; null when it is the plan's first
     */
    record RunLine(long runId, String planName, LocalDate runDate, String label, String status, boolean simulated,
                   Instant startedAt, Instant finishedAt, List<String> failedModels, int regressions,
                   Long baselineRun) {
    }

    List<RunLine> runs(String plan, int limit) {
        return runs(plan, null, limit);
    }

    Optional<RunLine> run(long runId) {
        return runs(null, runId, 1).stream().findFirst();
    }

    private List<RunLine> runs(String plan, Long runId, int limit) {
        return jdbc.sql("""
                        SELECT r.run_id, r.plan_name, r.run_date, r.label, r.status, r.simulated, r.started_at,
                               r.finished_at,
                               ARRAY(SELECT m.model_alias || ' (' || m.availability || ')' FROM run_models m
                                     WHERE m.run_id = r.run_id AND m.availability IN ('unavailable', 'failed')
                                     ORDER BY m.ordinal) AS failed_models,
                               (SELECT count(*) FROM run_regressions g WHERE g.run_id = r.run_id) AS regressions,
                               coalesce((SELECT c.baseline_run_ids[1] FROM comparisons c WHERE c.run_id = r.run_id
                                         LIMIT 1),
                                        (SELECT p.run_id FROM runs p WHERE p.plan_name = r.plan_name
                                           AND (p.started_at, p.run_id) < (r.started_at, r.run_id)
                                         ORDER BY p.started_at DESC, p.run_id DESC LIMIT 1)) AS baseline_run
                        FROM runs r
                        WHERE (CAST(:plan AS text) IS NULL OR r.plan_name = :plan)
                          AND (CAST(:run AS bigint) IS NULL OR r.run_id = :run)
                        ORDER BY r.started_at DESC, r.run_id DESC
                        LIMIT :limit""")
                .param("plan", plan).param("run", runId).param("limit", limit)
                .query((rs, n) -> new RunLine(rs.getLong("run_id"), rs.getString("plan_name"),
                        rs.getObject("run_date", LocalDate.class), rs.getString("label"), rs.getString("status"),
                        rs.getBoolean("simulated"), instant(rs.getTimestamp("started_at")),
                        instant(rs.getTimestamp("finished_at")), strings(rs.getArray("failed_models")),
                        rs.getInt("regressions"), (Long) rs.getObject("baseline_run")))
                .list();
    }

    /** Plan names, the most recently run first. */
    List<String> plans() {
        return jdbc.sql("SELECT plan_name FROM runs GROUP BY plan_name ORDER BY max(started_at) DESC, plan_name")
                .query(String.class).list();
    }

    /** The plan's model aliases that have serial summaries, in the order of their newest run. */
    List<String> models(String plan) {
        return jdbc.sql("""
                        SELECT s.model_alias FROM model_summaries s
                        JOIN run_models m ON m.run_id = s.run_id AND m.model_alias = s.model_alias
                        WHERE s.plan_name = ? AND s.load_mode = 'serial'
                        GROUP BY s.model_alias
                        ORDER BY min(m.ordinal), s.model_alias""")
                .param(plan).query(String.class).list();
    }

    /** One model's figure in one run: a point of a trend chart. */
    record TrendPoint(long runId, LocalDate runDate, Instant startedAt, String label, String status,
                      String modelAlias, Double value) {
    }

    /**
     * The metric's serial-latency values of the plan's runs started from {@code from} to {@code to} (whole UTC
     * days), oldest first; {@code models} empty for all.
     */
    List<TrendPoint> trend(String plan, TrendMetric metric, List<String> models, LocalDate from, LocalDate to) {
        return jdbc.sql("SELECT s.run_id, s.run_date, s.started_at, s.label, s.run_status, s.model_alias, "
                        + metric.sql() + """
                         AS value
                        FROM model_summaries s
                        LEFT JOIN model_quality q ON q.run_id = s.run_id AND q.model_alias = s.model_alias
                        WHERE s.plan_name = :plan AND s.load_mode = 'serial'
                          AND s.started_at >= :from AND s.started_at < :to
                          AND (:models = '' OR s.model_alias = ANY (string_to_array(:models, chr(10))))
                        ORDER BY s.started_at, s.run_id, s.model_alias""")
                .param("plan", plan).param("models", String.join("\n", models))
                .param("from", Timestamp.from(from.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()))
                .param("to", Timestamp.from(to.plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()))
                .query((rs, n) -> new TrendPoint(rs.getLong("run_id"), rs.getObject("run_date", LocalDate.class),
                        instant(rs.getTimestamp("started_at")), rs.getString("label"), rs.getString("run_status"),
                        rs.getString("model_alias"), (Double) rs.getObject("value")))
                .list();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
