package dev.nightbench.store;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Computes a run's aggregates in SQL (percentile_cont: linear interpolation, as METRICS.md asks) from the
 * measure-phase final attempts. Idempotent: a restart recomputes them.
 */
@Repository
public class SummaryStore {

    private static final String STATS = """
            avg(%1$s), percentile_cont(0.5) WITHIN GROUP (ORDER BY %1$s), percentile_cont(0.9) WITHIN GROUP (ORDER BY %1$s),
            percentile_cont(0.95) WITHIN GROUP (ORDER BY %1$s), percentile_cont(0.99) WITHIN GROUP (ORDER BY %1$s),
            min(%1$s), max(%1$s), stddev_samp(%1$s)""";

    private static final String AGGREGATE = """
            INSERT INTO summaries
            SELECT run_id, model_alias, coalesce(prompt_id, '*'), load_mode, load_level,
                   count(*), count(*) FILTER (WHERE status = 'ok'),
                   count(*) FILTER (WHERE status = 'ok')::double precision / count(*),
                   sum(prompt_tokens) FILTER (WHERE status = 'ok'), sum(output_tokens) FILTER (WHERE status = 'ok'),
                   avg(e2e_tps) FILTER (WHERE status = 'ok'),
                   %s, %s, %s, %s
            FROM (SELECT run_id, model_alias, prompt_id, load_mode, load_level, status, prompt_tokens, output_tokens,
                         e2e_tps,
                         CASE WHEN status = 'ok' THEN ttft_ms END AS ttft_ms,
                         CASE WHEN status = 'ok' THEN tpot_ms END AS tpot_ms,
                         CASE WHEN status = 'ok' THEN e2e_ms END AS e2e_ms,
                         CASE WHEN status = 'ok' THEN decode_tps END AS decode_tps
                  FROM requests
                  WHERE run_id = ? AND phase = 'measure' AND is_final) r
            GROUP BY GROUPING SETS ((run_id, model_alias, prompt_id, load_mode, load_level),
                                    (run_id, model_alias, load_mode, load_level))
            """.formatted(STATS.formatted("ttft_ms"), STATS.formatted("tpot_ms"), STATS.formatted("e2e_ms"),
            STATS.formatted("decode_tps"));

    private final JdbcClient jdbc;

    SummaryStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Replaces the run's summaries; returns the number of summary rows written. */
    public int aggregate(long runId) {
        jdbc.sql("DELETE FROM summaries WHERE run_id = ?").param(runId).update();
        return jdbc.sql(AGGREGATE).param(runId).update();
    }
}
