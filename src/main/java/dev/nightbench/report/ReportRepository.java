package dev.nightbench.report;

import dev.nightbench.client.RequestStatus;
import dev.nightbench.measure.SkipReason;
import dev.nightbench.store.EnumColumns;
import dev.nightbench.store.ModelAvailability;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads a run's report data through the SQL views a user's own SQL sees too ({@code measured_requests},
 * {@code model_summaries}, {@code run_comparisons}); the run's comparisons are written by
 * {@code store.ComparisonStore}.
 *
 * <p>Every query is bounded by run ids so that a year of history costs what one night costs: samples come from
 * the run and its baseline runs only, trend points from the per-model summary rows of the chart window.
 */
@Repository
class ReportRepository {

    /** {@code requests.error_type} of the requests of a sweep level that was never offered ({@link SkipReason}). */
    static final String SWEEP_STOPPED = SkipReason.SWEEP_STOPPED.code();

    private static final String ROW_COLUMNS = """
            s.model_alias, s.prompt_id, s.load_mode, s.load_level, s.requests, s.ok_requests, s.success_rate,
            s.prompt_tokens, s.output_tokens, s.e2e_ms_mean, s.e2e_ms_p50, s.e2e_ms_p95, s.ttft_ms_p50, s.ttft_ms_p95,
            s.tpot_ms_p50, s.decode_tps_p50, s.e2e_tps_mean, rm.availability, rm.failure_reason, rm.cold_start_ms,
            ((coalesce(s.prompt_tokens, 0) * rm.price_input_per_1k + coalesce(s.output_tokens, 0) * rm.price_output_per_1k)
                / 1000.0)::double precision AS cost_estimate,
            s.ttft_ms_mean, s.ttft_ms_n, s.ttft_ms_ci95_low, s.ttft_ms_ci95_high, s.ttft_ms_cv,
            s.e2e_ms_n, s.e2e_ms_ci95_low, s.e2e_ms_ci95_high, s.e2e_ms_cv,
            s.tpot_ms_p95, s.error_rate, s.goodput_requests, s.goodput, s.offered_rate, s.wall_ms, s.request_throughput,
            s.output_token_throughput, s.scheduled_lag_ms_mean, s.scheduled_lag_ms_p95, s.scheduled_lag_ms_max
            """;

    /** Measured requests that count as samples: a sweep level skipped because a lower level broke was never offered. */
    private static final String OFFERED = " NOT (q.status = 'skipped' AND q.error_type IS NOT DISTINCT FROM '"
            + SWEEP_STOPPED + "') ";

    /** A flagged request's tpot_ms and decode_tps describe the client's read (measure/Plausibility): not samples. */
    private static final String SAMPLE_COLUMNS = "q.model_alias, q.prompt_id, q.load_mode, q.load_level, q.status, "
            + "q.ttft_ms, CASE WHEN cardinality(q.flags) = 0 THEN q.tpot_ms END, q.e2e_ms, "
            + "CASE WHEN cardinality(q.flags) = 0 THEN q.decode_tps END";

    private static final String RUN_COLUMNS = "run_id, run_date, plan_name, plan_hash, status, started_at";

    private static final RowMapper<ReportData.Failure> FAILURE = EnumColumns.rowMapper(ReportData.Failure.class);
    private static final RowMapper<ReportData.LoadLevel> LOAD_LEVEL = EnumColumns.rowMapper(ReportData.LoadLevel.class);

    private final JdbcClient jdbc;

    ReportRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Everything but the run itself, its SLOs and its load levels, read first to draw the charts early. */
    ReportData load(ReportData.Run run, ReportData.Slo slo, List<ReportData.LoadLevel> loadLevels) {
        long runId = run.runId();
        List<ReportData.ModelRow> models = rows(runId, "s.prompt_id = '*'", "rm.ordinal, s.load_mode, s.load_level");
        List<ReportData.ModelRow> prompts = rows(runId, "s.prompt_id <> '*'",
                "rm.ordinal, rp.ordinal, s.load_mode, s.load_level");
        List<ReportData.Failure> failures = jdbc.sql("""
                        SELECT rm.model_alias, rm.availability, rm.failure_reason AS reason,
                               count(q.*) FILTER (WHERE q.status NOT IN ('ok', 'skipped')) AS failed_requests,
                               count(q.*) FILTER (WHERE q.status = 'skipped') AS skipped_requests
                        FROM run_models rm
                        LEFT JOIN measured_requests q ON q.run_id = rm.run_id AND q.model_alias = rm.model_alias
                                                     AND """ + OFFERED + """

                        WHERE rm.run_id = ? AND rm.availability IN ('unavailable', 'failed')
                        GROUP BY rm.model_alias, rm.availability, rm.failure_reason, rm.ordinal
                        ORDER BY rm.ordinal""")
                .param(runId).query(FAILURE).list();
        List<ReportData.EndpointRow> endpoints = jdbc.sql("""
                        SELECT endpoint_name, base_url, bool_or(simulated) AS simulated, min(endpoint_type) AS type,
                               string_agg(model_alias, ', ' ORDER BY ordinal) AS models, string_agg(model_alias || ' '
                                   || coalesce(round(load_ms::numeric, 1) || ' ms', load_note), ', ' ORDER BY ordinal)
                                   AS load_times
                        FROM run_models WHERE run_id = ?
                        GROUP BY endpoint_name, base_url
                        ORDER BY min(ordinal)""")
                .param(runId).query(ReportData.EndpointRow.class).list();
        List<ReportData.SampleAnswer> samples = jdbc.sql("""
                        SELECT a.model_alias, a.prompt_id, a.response_prefix
                        FROM (SELECT DISTINCT ON (model_alias) model_alias, prompt_id, response_prefix
                              FROM measured_requests
                              WHERE run_id = ? AND status = 'ok' AND response_prefix <> ''
                              ORDER BY model_alias, cell_index, request_index) a
                        JOIN run_models rm ON rm.run_id = ? AND rm.model_alias = a.model_alias
                        ORDER BY rm.ordinal""")
                .params(runId, runId).query(ReportData.SampleAnswer.class).list();
        List<ReportData.SweepResult> sweeps = jdbc.sql("""
                        SELECT w.model_alias, w.load_mode, w.max_level_held, w.broke_at_level, w.slo_broken,
                               w.levels_planned, w.levels_run, w.levels_skipped, w.max_level_request_throughput,
                               w.max_level_output_token_throughput, w.max_level_goodput
                        FROM sweep_results w
                        LEFT JOIN run_models rm ON rm.run_id = w.run_id AND rm.model_alias = w.model_alias
                        WHERE w.run_id = ?
                        ORDER BY rm.ordinal, w.model_alias, w.load_mode""")
                .param(runId).query(ReportData.SweepResult.class).list();
        return new ReportData(run, slo, models, prompts, loadLevels, sweeps, failures, endpoints, samples,
                QualityData.load(jdbc, runId));
    }

    /** Judge and human scores of the same answers (V12 score_agreement), {@link AgreementContent.Agreement#NONE} if none. */
    AgreementContent.Agreement agreement(long runId) {
        return AgreementContent.load(jdbc, runId);
    }

    /** What results.json says beyond the report's own reads: models' facts, p99s, telemetry, the baseline (V15). */
    ResultsData results(long runId) {
        return ResultsData.load(jdbc, runId);
    }

    /**
     * A section's own read over this repository's connection: the sections that read one view of their own
     * (pipelines V18, lengths V22, conversations V23, prefix cache V24) load themselves with it.
     */
    <T> T read(Function<JdbcClient, T> query) {
        return query.apply(jdbc);
    }

    /** Repeatability of the run's answers and those changed against {@code baselineRunId}, null for none (V9). */
    AnswersContent.Answers answers(long runId, Long baselineRunId) {
        return AnswersQueries.load(jdbc, runId, baselineRunId);
    }

    /** Retries, flagged requests, TTFO of reasoning models and missing cold starts of the run (V7). */
    Visibility visibility(long runId) {
        return Visibility.load(jdbc, runId);
    }

    /** The run's models on the six selection dimensions with cost, its selection rules and cost trend (V17). */
    SelectionData selection(ReportData.Run run, int trendRuns) { return SelectionData.load(jdbc, run, trendRuns); }

    /** The run's SLOs ({@code runs.slo_*}). */
    ReportData.Slo slo(long runId) {
        return jdbc.sql("""
                        SELECT slo_ttft_ms, slo_tpot_ms, slo_e2e_ms, slo_max_error_rate, slo_percentile
                        FROM runs WHERE run_id = ?""")
                .param(runId).query((rs, n) -> new ReportData.Slo(rs.getObject(1, Double.class),
                        rs.getObject(2, Double.class), rs.getObject(3, Double.class), rs.getObject(4, Double.class),
                        rs.getDouble(5))).single();
    }

    /** Every load level of the run through the {@code load_summaries} view, skipped ones too, in model order. */
    List<ReportData.LoadLevel> loadLevels(long runId) {
        return jdbc.sql("""
                        SELECT l.model_alias, l.load_mode, l.load_level, l.sweep, l.phase_status, l.offered_rate,
                               l.planned_requests, l.max_in_flight, l.held, l.slo_broken, l.skip_reason, l.requests,
                               l.ok_requests, l.error_rate, l.goodput, l.goodput_requests, l.wall_ms, l.request_throughput,
                               l.output_token_throughput, l.scheduled_lag_ms_mean, l.scheduled_lag_ms_p95,
                               l.scheduled_lag_ms_max, l.ttft_ms_p50, l.ttft_ms_p95, l.tpot_ms_p50, l.tpot_ms_p95,
                               l.e2e_ms_p50, l.e2e_ms_p95, lp.client_limited, lp.client_limit_reason
                        FROM load_summaries l
                        JOIN load_phases lp ON lp.run_id = l.run_id AND lp.cell_index = l.cell_index
                        LEFT JOIN run_models rm ON rm.run_id = l.run_id AND rm.model_alias = l.model_alias
                        WHERE l.run_id = ?
                        ORDER BY rm.ordinal, l.model_alias, l.load_mode, l.load_level, l.cell_index""")
                .param(runId).query(LOAD_LEVEL).list();
    }

    /** The run's model aliases in plan order. */
    List<String> modelOrder(long runId) {
        return jdbc.sql("SELECT model_alias FROM run_models WHERE run_id = ? ORDER BY ordinal")
                .param(runId).query(String.class).list();
    }

    Optional<ReportData.Run> run(long runId) {
        return jdbc.sql("""
                        SELECT run_id, plan_name, plan_path, plan_hash, run_date, label, simulated, host, nightbench_version,
                               status, started_at, finished_at, exit_message
                        FROM runs WHERE run_id = ?""")
                .param(runId).query(ReportData.Run.class).optional();
    }

    private List<ReportData.ModelRow> rows(long runId, String where, String order) {
        return jdbc.sql("SELECT " + ROW_COLUMNS + """
                         FROM summaries s
                        JOIN run_models rm ON rm.run_id = s.run_id AND rm.model_alias = s.model_alias
                        LEFT JOIN run_prompts rp ON rp.run_id = s.run_id AND rp.prompt_id = s.prompt_id
                        WHERE s.run_id = ? AND """ + " " + where + " ORDER BY " + order)
                .param(runId).query(ReportRepository::modelRow).list();
    }

    /** By hand rather than by reflection: a big plan has a thousand of these rows. */
    private static ReportData.ModelRow modelRow(ResultSet rs, int rowNum) throws SQLException {
        return new ReportData.ModelRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getInt(5),
                rs.getInt(6), rs.getDouble(7), rs.getObject(8, Long.class), rs.getObject(9, Long.class),
                rs.getObject(10, Double.class), rs.getObject(11, Double.class), rs.getObject(12, Double.class),
                rs.getObject(13, Double.class), rs.getObject(14, Double.class), rs.getObject(15, Double.class),
                rs.getObject(16, Double.class), rs.getObject(17, Double.class),
                ModelAvailability.from(rs.getString(18)), rs.getString(19),
                rs.getObject(20, Double.class), rs.getObject(21, Double.class),
                new ReportData.Spread(rs.getObject(22, Double.class), rs.getObject(23, Integer.class),
                        rs.getObject(24, Double.class), rs.getObject(25, Double.class), rs.getObject(26, Double.class)),
                new ReportData.Spread(rs.getObject(10, Double.class), rs.getObject(27, Integer.class),
                        rs.getObject(28, Double.class), rs.getObject(29, Double.class), rs.getObject(30, Double.class)),
                rs.getObject(31, Double.class), rs.getObject(32, Double.class), rs.getObject(33, Integer.class),
                rs.getObject(34, Double.class), rs.getObject(35, Double.class), rs.getObject(36, Double.class),
                rs.getObject(37, Double.class), rs.getObject(38, Double.class), rs.getObject(39, Double.class),
                rs.getObject(40, Double.class), rs.getObject(41, Double.class));
    }

    /** Streams the run's request rows (every attempt) to {@code sink} as ordered column values. */
    void requests(long runId, List<String> columns, Consumer<Object[]> sink) {
        jdbc.sql("SELECT " + String.join(", ", columns) + """
                         FROM requests WHERE run_id = ?
                        ORDER BY phase DESC, cell_index, request_index, attempt""")
                .param(runId).query(rs -> {
                    Object[] row = new Object[columns.size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    sink.accept(row);
                });
    }

    // ---- baseline and comparisons

    /** The pinned run, if it exists. */
    Optional<TrendReport.BaselineRun> baselineRun(long runId) {
        return jdbc.sql("SELECT " + RUN_COLUMNS + " FROM runs WHERE run_id = ?")
                .param(runId).query(TrendReport.BaselineRun.class).optional();
    }

    /** The newest {@code limit} COMPLETED runs of the run's plan started before it, newest first. */
    List<TrendReport.BaselineRun> previousCompletedRuns(ReportData.Run run, int limit) {
        return jdbc.sql("SELECT " + RUN_COLUMNS + """
                         FROM runs
                        WHERE plan_name = ? AND status = 'COMPLETED' AND run_id <> ?
                          AND (started_at, run_id) < (?, ?)
                        ORDER BY started_at DESC, run_id DESC
                        LIMIT ?""")
                .params(run.planName(), run.runId(), java.sql.Timestamp.from(run.startedAt()), run.runId(), limit)
                .query(TrendReport.BaselineRun.class).list();
    }

    List<PlanChanges.PromptText> prompts(List<Long> runIds) {
        return jdbc.sql("SELECT run_id, prompt_id, text_sha256 FROM run_prompts WHERE run_id = ANY(?) ORDER BY run_id, ordinal")
                .param(longArray(runIds)).query(PlanChanges.PromptText.class).list();
    }

    List<PlanChanges.SourceFile> promptSources(List<Long> runIds) {
        return jdbc.sql("SELECT run_id, name, path, sha256 FROM run_prompt_sources WHERE run_id = ANY(?) ORDER BY run_id, ordinal")
                .param(longArray(runIds)).query(PlanChanges.SourceFile.class).list();
    }

    List<PlanChanges.ModelTarget> models(List<Long> runIds) {
        return jdbc.sql("""
                        SELECT run_id, model_alias, endpoint_name, server_model, model_sha256
                        FROM run_models WHERE run_id = ANY(?) ORDER BY run_id, ordinal""")
                .param(longArray(runIds)).query(PlanChanges.ModelTarget.class).list();
    }

    /**
     * The run's measured requests on prompts whose text is the same in at least one baseline run, so that pooled
     * figures on both sides cover the same prompts.
     */
    SampleSet currentSamples(long runId, List<Long> baselineIds) {
        SampleSet set = samples("SELECT " + SAMPLE_COLUMNS + """
                         FROM measured_requests q
                        WHERE q.run_id = ? AND """ + OFFERED + """

                          AND q.prompt_id IN (SELECT cp.prompt_id FROM run_prompts cp
                                              JOIN run_prompts bp ON bp.prompt_id = cp.prompt_id AND bp.text_sha256 = cp.text_sha256
                                              WHERE cp.run_id = ? AND bp.run_id = ANY(?))""",
                runId, runId, longArray(baselineIds));
        checks(set, """
                        SELECT a.model_alias, a.load_mode, a.load_level, sum(a.checks), sum(a.passes)
                        FROM checked_answers a
                        WHERE a.run_id = ?
                          AND a.prompt_id IN (SELECT cp.prompt_id FROM run_prompts cp
                                              JOIN run_prompts bp ON bp.prompt_id = cp.prompt_id AND bp.text_sha256 = cp.text_sha256
                                              WHERE cp.run_id = ? AND bp.run_id = ANY(?))
                        GROUP BY a.model_alias, a.load_mode, a.load_level""",
                runId, runId, longArray(baselineIds));
        JudgeSamples.current(jdbc, set, runId, longArray(baselineIds));
        return set;
    }

    /** The baseline runs' measured requests on prompts whose text is the same as in the run. */
    SampleSet baselineSamples(long runId, List<Long> baselineIds) {
        SampleSet set = samples("SELECT " + SAMPLE_COLUMNS + """
                         FROM measured_requests q
                        JOIN run_prompts bp ON bp.run_id = q.run_id AND bp.prompt_id = q.prompt_id
                        JOIN run_prompts cp ON cp.run_id = ? AND cp.prompt_id = q.prompt_id AND cp.text_sha256 = bp.text_sha256
                        WHERE q.run_id = ANY(?) AND bp.run_id = ANY(?) AND """ + OFFERED, // both ANYs: the planner does not carry ANY over a join
                runId, longArray(baselineIds), longArray(baselineIds));
        checks(set, """
                        SELECT a.model_alias, a.load_mode, a.load_level, sum(a.checks), sum(a.passes)
                        FROM checked_answers a
                        JOIN run_prompts bp ON bp.run_id = a.run_id AND bp.prompt_id = a.prompt_id
                        JOIN run_prompts cp ON cp.run_id = ? AND cp.prompt_id = a.prompt_id AND cp.text_sha256 = bp.text_sha256
                        WHERE a.run_id = ANY(?) AND bp.run_id = ANY(?)
                        GROUP BY a.model_alias, a.load_mode, a.load_level""",
                runId, longArray(baselineIds), longArray(baselineIds));
        JudgeSamples.baseline(jdbc, set, runId, longArray(baselineIds));
        return set;
    }

    /**
     * The answer checks' (pairs, passes) per model and load, all prompts pooled, on the same prompts as the samples
     * ({@code checked_answers}, V10): compared as {@link Metric#CHECK_PASS_RATE}.
     */
    private void checks(SampleSet set, String sql, Object... params) {
        jdbc.sql(sql).params(params).query(rs -> {
            set.addChecks(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getLong(4), rs.getLong(5));
        });
    }

    private SampleSet samples(String sql, Object... params) {
        SampleSet set = new SampleSet();
        jdbc.sql(sql).params(params).query(rs -> {
            set.add(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                    RequestStatus.from(rs.getString(5)),
                    nullableDouble(rs, 6), nullableDouble(rs, 7), nullableDouble(rs, 8), nullableDouble(rs, 9));
        });
        return set;
    }

    private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    /** The run's comparisons through the {@code run_comparisons} view, in model and prompt order. */
    List<TrendAnalysis.Row> comparisons(long runId) {
        return jdbc.sql("""
                        SELECT c.model_alias, c.prompt_id, c.load_mode, c.load_level, c.metric, c.baseline_median,
                               c.current_median, c.change_pct, c.p_value, c.n_baseline, c.n_current, c.test, c.verdict,
                               c.p_adjusted, c.criterion
                        FROM run_comparisons c
                        LEFT JOIN run_models rm ON rm.run_id = c.run_id AND rm.model_alias = c.model_alias
                        LEFT JOIN run_prompts rp ON rp.run_id = c.run_id AND rp.prompt_id = c.prompt_id
                        LEFT JOIN run_criteria rc ON rc.run_id = c.run_id AND rc.criterion = c.criterion
                        WHERE c.run_id = ?
                        ORDER BY rm.ordinal, c.model_alias, c.load_mode <> 'serial', c.load_mode, c.load_level,
                                 c.prompt_id <> '*', rp.ordinal,
                                 array_position(ARRAY['ttft_ms', 'tpot_ms', 'e2e_ms', 'decode_tps', 'success_rate',
                                                      'check_pass_rate', 'judge_score'], c.metric),
                                 rc.position, c.criterion""")
                .param(runId).query((rs, n) -> new TrendAnalysis.Row(
                        new SampleSet.Key(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4)),
                        new Comparison(Metric.ofColumn(rs.getString(5)), rs.getObject(6, Double.class),
                                rs.getObject(7, Double.class), rs.getObject(8, Double.class),
                                rs.getObject(9, Double.class), rs.getInt(10), rs.getInt(11), rs.getString(12),
                                Verdict.ofColumn(rs.getString(13)), rs.getObject(14, Double.class),
                                rs.getString(15)))).list();
    }

    /**
     * A regressed comparison: the {@code run_regressions} view (per-prompt and load-level verdicts decided on their
     * Benjamini–Hochberg adjusted p-values).
     */
    boolean hasRegressions(long runId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM run_regressions WHERE run_id = ?)").param(runId)
                .query(Boolean.class).single();
    }

    /**
     * The run's regressed rows ({@code run_regressions}) as "model[ prompt][ @ load] metric baseline -> current", a
     * judge score as "judge score CRITERION" with its mean scores ("sim-medium judge score factuality 4.67 -> 2.13").
     */
    List<String> regressions(long runId) {
        return comparisons(runId).stream().filter(r -> r.comparison().verdict() == Verdict.REGRESSED)
                .map(TrendAnalysis.Row::spoken).toList();
    }

    /**
     * Per-model points (serial load) of the newest {@code limit} runs of the run's plan up to the run itself: the
     * run (whatever its status, as its report is written before the job records COMPLETED) and the COMPLETED
     * runs before it.
     */
    List<TrendReport.TrendPoint> trend(ReportData.Run run, int limit) {
        return jdbc.sql("""
                        SELECT t.model_alias, t.run_id, t.run_date, t.started_at, t.ttft_ms_p50, t.ttft_ms_p95,
                               t.decode_tps_p50, t.success_rate
                        FROM model_summaries t
                        WHERE t.load_mode = 'serial'
                          AND t.run_id IN (SELECT r.run_id FROM runs r
                                           WHERE r.plan_name = ? AND (r.status = 'COMPLETED' OR r.run_id = ?)
                                             AND (r.started_at, r.run_id) <= (?, ?)
                                           ORDER BY r.started_at DESC, r.run_id DESC
                                           LIMIT ?)
                        ORDER BY t.model_alias, t.started_at, t.run_id""")
                .params(run.planName(), run.runId(), java.sql.Timestamp.from(run.startedAt()), run.runId(), limit)
                .query(TrendReport.TrendPoint.class).list();
    }

    /** The check pass rates and mean judge scores of the same window as {@link #trend} ({@link QualityTrend}). */
    List<QualityTrend.Point> qualityTrend(ReportData.Run run, int limit) {
        return QualityTrend.load(jdbc, run, limit);
    }

    /** True when no run started after this one, i.e. its report is the one {@code reports/latest.*} should show. */
    boolean isNewestRun(long runId) {
        return jdbc.sql("""
                        SELECT NOT EXISTS (SELECT 1 FROM runs o, runs r
                                           WHERE r.run_id = ? AND (o.started_at, o.run_id) > (r.started_at, r.run_id))""")
                .param(runId).query(Boolean.class).single();
    }

    private static Long[] longArray(List<Long> ids) { return ids.toArray(Long[]::new); }
}
