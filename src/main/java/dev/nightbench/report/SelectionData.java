package dev.nightbench.report;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;

/**
 * What the report's "Model selection" section reads (V17): the run's {@code model_selection} rows, the plan's
 * {@code selection_rules} as stored with the run, and cost per 1,000 prompts over the trend window (the run and the
 * completed runs of its plan before it, as {@link ReportRepository#trend} picks them).
 */
record SelectionData(List<Row> rows, List<Rule> rules, List<CostPoint> costTrend) {

    /** One model of the run: the {@code model_selection} view's columns. */
    record Row(String modelAlias, String availability, Double e2eMsMean, Double e2eMsP95, Double decodeTpsP50,
               Double memoryMb, String memorySource, Double passRate, Double judgeScore, Double diskMb,
               String diskSource, String licence, String licenceSource, Double costPerThousand, Double costPerRequest,
               Double runCost, String costBasis, String currency) {

        boolean ran() {
            return !"unavailable".equals(availability) && !"failed".equals(availability);
        }
    }

    /** A {@code selection_rules} row: rule is constraint, optimise or weight. */
    record Rule(String rule, String dimension, Double minValue, Double maxValue, String allowedText, Double weight) {

        List<String> allowed() {
            return allowedText == null || allowedText.isEmpty() ? List.of() : List.of(allowedText.split(","));
        }
    }

    /** A model's cost per 1,000 prompts in one run of the trend window. */
    record CostPoint(String modelAlias, long runId, LocalDate runDate, Double costPerThousand, String currency) {
    }

    /** True when the run was registered with a {@code selection:} section. */
    boolean hasSelection() {
        return !rules.isEmpty();
    }

    static SelectionData load(JdbcClient jdbc, ReportData.Run run, int trendRuns) {
        List<Row> rows = jdbc.sql("""
                        SELECT model_alias, availability, e2e_ms_mean, e2e_ms_p95, decode_tps_p50, memory_mb, memory_source,
                               pass_rate, judge_score, disk_mb, disk_source, licence, licence_source,
                               cost_per_1k_prompts AS cost_per_thousand,
                               cost_per_request, run_cost, cost_basis, currency
                        FROM model_selection WHERE run_id = ? ORDER BY ordinal""")
                .param(run.runId()).query(Row.class).list();
        List<Rule> rules = jdbc.sql("""
                        SELECT rule, dimension, min_value, max_value, array_to_string(allowed, ',') AS allowed_text, weight
                        FROM selection_rules WHERE run_id = ? ORDER BY ordinal""")
                .param(run.runId()).query(Rule.class).list();
        List<CostPoint> trend = jdbc.sql("""
                        SELECT m.model_alias, m.run_id, r.run_date, m.cost_per_1k_prompts AS cost_per_thousand, m.currency
                        FROM model_selection m
                        JOIN runs r ON r.run_id = m.run_id
                        WHERE m.run_id IN (SELECT o.run_id FROM runs o
                                           WHERE o.plan_name = ? AND (o.status = 'COMPLETED' OR o.run_id = ?)
                                             AND (o.started_at, o.run_id) <= (?, ?)
                                           ORDER BY o.started_at DESC, o.run_id DESC
                                           LIMIT ?)
                        ORDER BY r.started_at, m.run_id, m.ordinal""")
                .params(run.planName(), run.runId(), Timestamp.from(run.startedAt()), run.runId(), trendRuns)
                .query(CostPoint.class).list();
        return new SelectionData(rows, rules, trend);
    }
}
