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
 *
 * <p>A request flagged by the plausibility rules (measure/Plausibility: a burst read, an impossible decode rate)
 * keeps its TTFT and E2E in the aggregates but not its tpot_ms and decode_tps, which describe the client's read;
 * {@code flagged_requests} says how many were left out of those. Retries, backoff, reconnects and TTFO are set by
 * {@link #VISIBILITY}.
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
                         CASE WHEN q.is_final AND q.status = 'ok' AND cardinality(q.flags) = 0 THEN q.tpot_ms END AS tpot_ms,
                         CASE WHEN q.is_final AND q.status = 'ok' THEN q.e2e_ms END AS e2e_ms,
                         CASE WHEN q.is_final AND q.status = 'ok' AND cardinality(q.flags) = 0 THEN q.decode_tps END AS decode_tps,
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

    /**
     * Retries, reconnects, plausibility flags and TTFO (V7) of every summaries row, over the same groups. Retry figures
     * count the requests that were sent (skipped ones left out); flag counts are over final ok requests, whose
     * tpot_ms and decode_tps {@link #AGGREGATE} leaves out when flagged; the ttfo_ms figures are set only where a
     * request's first token was reasoning (ttfo_ms after ttft_ms, or no content at all).
     */
    private static final String VISIBILITY = """
            UPDATE summaries s
            SET attempts = v.attempts, retried_requests = v.retried_requests, backoff_ms_total = v.backoff_ms_total,
                reconnects = v.reconnects, flagged_requests = v.flagged_requests, burst_requests = v.burst_requests,
                implausible_decode_requests = v.implausible_decode_requests, reasoning_requests = v.reasoning_requests,
                ttfo_ms_mean = v.ttfo_ms_mean, ttfo_ms_p50 = v.ttfo_ms_p50, ttfo_ms_p90 = v.ttfo_ms_p90,
                ttfo_ms_p95 = v.ttfo_ms_p95, ttfo_ms_p99 = v.ttfo_ms_p99, ttfo_ms_min = v.ttfo_ms_min,
                ttfo_ms_max = v.ttfo_ms_max, ttfo_ms_stddev = v.ttfo_ms_stddev, ttfo_ms_n = v.ttfo_ms_n
            FROM (SELECT run_id, model_alias, coalesce(prompt_id, '*') AS prompt_id, load_mode, load_level,
                         count(*) FILTER (WHERE status <> 'skipped') AS attempts,
                         count(*) FILTER (WHERE is_final AND attempt > 1 AND status <> 'skipped') AS retried_requests,
                         coalesce(sum(backoff_ms), 0) AS backoff_ms_total,
                         coalesce(sum(reconnects), 0) AS reconnects,
                         count(*) FILTER (WHERE ok AND cardinality(flags) > 0) AS flagged_requests,
                         count(*) FILTER (WHERE ok AND 'burst' = ANY (flags)) AS burst_requests,
                         count(*) FILTER (WHERE ok AND 'implausible_decode' = ANY (flags)) AS implausible_decode_requests,
                         count(*) FILTER (WHERE reasoning) AS reasoning_requests,
                         CASE WHEN bool_or(reasoning) THEN avg(ttfo) END AS ttfo_ms_mean,
                         CASE WHEN bool_or(reasoning) THEN percentile_cont(0.5) WITHIN GROUP (ORDER BY ttfo) END AS ttfo_ms_p50,
                         CASE WHEN bool_or(reasoning) THEN percentile_cont(0.9) WITHIN GROUP (ORDER BY ttfo) END AS ttfo_ms_p90,
                         CASE WHEN bool_or(reasoning) THEN percentile_cont(0.95) WITHIN GROUP (ORDER BY ttfo) END AS ttfo_ms_p95,
                         CASE WHEN bool_or(reasoning) THEN percentile_cont(0.99) WITHIN GROUP (ORDER BY ttfo) END AS ttfo_ms_p99,
                         CASE WHEN bool_or(reasoning) THEN min(ttfo) END AS ttfo_ms_min,
                         CASE WHEN bool_or(reasoning) THEN max(ttfo) END AS ttfo_ms_max,
                         CASE WHEN bool_or(reasoning) THEN stddev_samp(ttfo) END AS ttfo_ms_stddev,
                         CASE WHEN bool_or(reasoning) THEN count(ttfo) END AS ttfo_ms_n
                  FROM (SELECT q.*, q.is_final AND q.status = 'ok' AS ok,
                               CASE WHEN q.is_final AND q.status = 'ok' THEN q.ttfo_ms END AS ttfo,
                               q.is_final AND q.status = 'ok' AND q.ttft_ms IS NOT NULL
                                   AND q.ttfo_ms IS DISTINCT FROM q.ttft_ms AS reasoning
                        FROM requests q
                        WHERE q.run_id = ? AND q.phase = 'measure'
                          AND NOT (q.status = 'skipped' AND q.error_type IS NOT DISTINCT FROM 'sweep_stopped')) r
                  GROUP BY GROUPING SETS ((run_id, model_alias, prompt_id, load_mode, load_level),
                                          (run_id, model_alias, load_mode, load_level))) v
            WHERE s.run_id = v.run_id AND s.model_alias = v.model_alias AND s.prompt_id = v.prompt_id
              AND s.load_mode = v.load_mode AND s.load_level = v.load_level
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
        jdbc.sql(VISIBILITY).param(runId).update();
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
