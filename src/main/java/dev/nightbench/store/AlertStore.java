package dev.nightbench.store;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * What an alert after a run says (its regressions, from the {@code run_regressions} view) and what became of it
 * ({@code alert_deliveries}, V30). A webhook URL never reaches this class: only the name of its variable.
 */
@Repository
public class AlertStore {

    private final JdbcClient jdbc;

    AlertStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One regressed comparison of a run.
     *
     * @param promptId  the prompt, or null for the model's row over all prompts
     * @param loadMode  serial, concurrency or rate
     * @param criterion the rubric criterion of a judge_score row, else null
     * @param changePct relative change of the median (or proportion, or mean score), in percent
     */
    public record Regression(String modelAlias, String promptId, String loadMode, double loadLevel, String metric,
                             String criterion, Double baseline, Double current, Double changePct, Double pValue) {
    }

    /** The run's regressed rows, in the report's order (model, serial first, model-wide rows first, metric). */
    public List<Regression> regressions(long runId) {
        return jdbc.sql("""
                        SELECT g.model_alias, nullif(g.prompt_id, '*'), g.load_mode, g.load_level, g.metric,
                               g.criterion, g.baseline_median, g.current_median, g.change_pct,
                               coalesce(g.p_adjusted, g.p_value)
                        FROM run_regressions g
                        LEFT JOIN run_models rm ON rm.run_id = g.run_id AND rm.model_alias = g.model_alias
                        LEFT JOIN run_prompts rp ON rp.run_id = g.run_id AND rp.prompt_id = g.prompt_id
                        WHERE g.run_id = ?
                        ORDER BY rm.ordinal, g.model_alias, g.load_mode <> 'serial', g.load_mode, g.load_level,
                                 g.prompt_id <> '*', rp.ordinal, g.metric, g.criterion""")
                .param(runId)
                .query((rs, n) -> new Regression(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                        rs.getString(5), rs.getString(6), rs.getObject(7, Double.class), rs.getObject(8, Double.class),
                        rs.getObject(9, Double.class), rs.getObject(10, Double.class)))
                .list();
    }

    /**
     * What became of one target's alert.
     *
     * @param configured plan or global
     * @param outcome    sent, failed or no_url
     * @param error      why it failed, without the URL; null when sent
     */
    public record Delivery(long runId, String targetKind, String urlEnv, String configured, List<String> events,
                           String outcome, int attempts, Integer httpStatus, String error, Instant finishedAt) {
    }

    public void record(Delivery d) {
        jdbc.sql("""
                        INSERT INTO alert_deliveries (run_id, target_kind, url_env, configured, events, outcome,
                                                      attempts, http_status, error, finished_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(d.runId(), d.targetKind(), d.urlEnv(), d.configured(), d.events().toArray(String[]::new),
                        d.outcome(), d.attempts(), d.httpStatus(), PgText.storable(d.error()),
                        Timestamp.from(d.finishedAt()))
                .update();
    }

    /** The run's deliveries, oldest first. */
    public List<Delivery> deliveries(long runId) {
        return jdbc.sql("""
                        SELECT run_id, target_kind, url_env, configured, events, outcome, attempts, http_status, error,
                               finished_at
                        FROM alert_deliveries WHERE run_id = ? ORDER BY delivery_id""")
                .param(runId)
                .query((rs, n) -> new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        List.of((String[]) rs.getArray(5).getArray()), rs.getString(6), rs.getInt(7),
                        rs.getObject(8, Integer.class), rs.getString(9), rs.getTimestamp(10).toInstant()))
                .list();
    }
}
