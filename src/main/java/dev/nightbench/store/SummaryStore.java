package dev.nightbench.store;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Computes a run's aggregates in SQL (percentile_cont: linear interpolation, as METRICS.md asks) from the
 * measure-phase final attempts. Idempotent: a restart recomputes them.
 *
 * <p>Beside the latency figures every row gets its error rate, goodput (requests that succeeded and met every
 * latency SLO of the run ÷ all requests, failures and skips included; null when the plan gives no latency SLO),
 * the scheduled lag of open-loop sends (over first attempts: a retry is not a scheduled send), and for each mean
 * its sample count, 95 % confidence interval (Student's t from the {@code t_quantile_975} SQL function of V4) and
 * coefficient of variation. Requests of a sweep level skipped because a lower level broke an SLO are left out:
 * that level was never offered. Throughput (request and output token) is set on the per-model rows of load cells
 * only, from the wall time in {@code load_phases}: a serial latency cell's "throughput" would be 1 / latency and a
 * single prompt's share of a load cell has no wall time of its own.
 */
@Repository
public class SummaryStore {

    private static final String STATS = """
            avg(%1$s), percentile_cont(0.5) WITHIN GROUP (ORDER BY %1$s), percentile_cont(0.9) WITHIN GROUP (ORDER BY %1$s),
            percentile_cont(0.95) WITHIN GROUP (ORDER BY %1$s), percentile_cont(0.99) WITHIN GROUP (ORDER BY %1$s),
            min(%1$s), max(%1$s), stddev_samp(%1$s)""";

    private static final String CI = """
            count(%1$s), avg(%1$s) - ci95_half_width(stddev_samp(%1$s), count(%1$s)),
            avg(%1$s) + ci95_half_width(stddev_samp(%1$s), count(%1$s)), stddev_samp(%1$s) / nullif(avg(%1$s), 0)""";

    private static final String STATS_COLUMNS = """
            %1$s_mean, %1$s_p50, %1$s_p90, %1$s_p95, %1$s_p99, %1$s_min, %1$s_max, %1$s_stddev""";

    private static final String CI_COLUMNS = "%1$s_n, %1$s_ci95_low, %1$s_ci95_high, %1$s_cv";

    private static final String[] METRICS = {"ttft_ms", "tpot_ms", "e2e_ms", "decode_tps"};

    private static final String AGGREGATE = """
            INSERT INTO summaries (run_id, model_alias, prompt_id, load_mode, load_level, requests, ok_requests,
                success_rate, prompt_tokens, output_tokens, e2e_tps_mean, %s, %s,
                error_rate, goodput_requests, goodput, offered_rate,
                scheduled_lag_ms_mean, scheduled_lag_ms_p95, scheduled_lag_ms_max)
            SELECT run_id, model_alias, coalesce(prompt_id, '*'), load_mode, load_level,
                   count(*) FILTER (WHERE is_final), count(*) FILTER (WHERE is_final AND status = 'ok'),
                   count(*) FILTER (WHERE is_final AND status = 'ok')::double precision
                       / nullif(count(*) FILTER (WHERE is_final), 0),
                   sum(prompt_tokens) FILTER (WHERE is_final AND status = 'ok'),
                   sum(output_tokens) FILTER (WHERE is_final AND status = 'ok'),
                   avg(e2e_tps) FILTER (WHERE is_final AND status = 'ok'),
                   %s, %s,
                   count(*) FILTER (WHERE is_final AND status <> 'ok')::double precision
                       / nullif(count(*) FILTER (WHERE is_final), 0),
                   count(*) FILTER (WHERE good),
                   CASE WHEN bool_and(has_latency_slo)
                        THEN count(*) FILTER (WHERE good)::double precision
                            / nullif(count(*) FILTER (WHERE is_final), 0) END,
                   CASE WHEN load_mode = 'rate' THEN load_level END,
                   avg(lag), percentile_cont(0.95) WITHIN GROUP (ORDER BY lag), max(lag)
            FROM (SELECT q.run_id, q.model_alias, q.prompt_id, q.load_mode, q.load_level, q.is_final, q.status,
                         q.prompt_tokens, q.output_tokens, q.e2e_tps,
                         CASE WHEN q.is_final AND q.status = 'ok' THEN q.ttft_ms END AS ttft_ms,
                         CASE WHEN q.is_final AND q.status = 'ok' THEN q.tpot_ms END AS tpot_ms,
                         CASE WHEN q.is_final AND q.status = 'ok' THEN q.e2e_ms END AS e2e_ms,
                         CASE WHEN q.is_final AND q.status = 'ok' THEN q.decode_tps END AS decode_tps,
                         CASE WHEN q.attempt = 1 THEN q.scheduled_lag_ms END AS lag,
                         (ru.slo_ttft_ms IS NOT NULL OR ru.slo_tpot_ms IS NOT NULL OR ru.slo_e2e_ms IS NOT NULL)
                             AS has_latency_slo,
                         q.is_final AND q.status = 'ok'
                             AND (ru.slo_ttft_ms IS NULL OR coalesce(q.ttft_ms <= ru.slo_ttft_ms, false))
                             AND (ru.slo_tpot_ms IS NULL OR coalesce(q.tpot_ms <= ru.slo_tpot_ms, false)
                                  OR (q.tpot_ms IS NULL AND coalesce(q.output_tokens, 0) <= 1))
                             AND (ru.slo_e2e_ms IS NULL OR coalesce(q.e2e_ms <= ru.slo_e2e_ms, false)) AS good
                  FROM requests q
                  JOIN runs ru ON ru.run_id = q.run_id
                  WHERE q.run_id = ? AND q.phase = 'measure'
                    AND NOT (q.status = 'skipped' AND q.error_type IS NOT DISTINCT FROM 'sweep_stopped')) r
            GROUP BY GROUPING SETS ((run_id, model_alias, prompt_id, load_mode, load_level),
                                    (run_id, model_alias, load_mode, load_level))
            """.formatted(columns(STATS_COLUMNS), columns(CI_COLUMNS), columns(STATS), columns(CI));

    /** Wall time and throughput of the per-model rows of load cells, from their phases. */
    private static final String THROUGHPUT = """
            UPDATE summaries s
            SET wall_ms = p.wall_ms,
                request_throughput = s.ok_requests / nullif(p.wall_ms / 1000.0, 0),
                output_token_throughput = coalesce(s.output_tokens, 0) / nullif(p.wall_ms / 1000.0, 0)
            FROM (SELECT model_alias, load_mode, load_level, sum(wall_ms) AS wall_ms
                  FROM load_phases
                  WHERE run_id = ? AND status = 'ran' AND wall_ms IS NOT NULL
                  GROUP BY model_alias, load_mode, load_level) p
            WHERE s.run_id = ? AND s.prompt_id = '*' AND s.model_alias = p.model_alias
              AND s.load_mode = p.load_mode AND s.load_level = p.load_level
            """;

    private final JdbcClient jdbc;

    SummaryStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Replaces the run's summaries; returns the number of summary rows written. */
    public int aggregate(long runId) {
        jdbc.sql("DELETE FROM summaries WHERE run_id = ?").param(runId).update();
        int rows = jdbc.sql(AGGREGATE).param(runId).update();
        jdbc.sql(THROUGHPUT).params(runId, runId).update();
        return rows;
    }

    private static String columns(String template) {
        StringBuilder sb = new StringBuilder();
        for (String metric : METRICS) {
            if (!sb.isEmpty()) {
                sb.append(",\n       ");
            }
            sb.append(template.formatted(metric));
        }
        return sb.toString();
    }
}
