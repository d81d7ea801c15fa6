package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.TableBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Pipelines" section, only for a run whose plan has {@code pipelines:}: per pipeline (the workshop's
 * "SLM drafts, LLM refines") its blended latency, escalation rate, cost and final-answer quality, beside its draft
 * model alone and its refine model alone from the same run ({@code pipeline_comparison}, V18), so the question "is
 * the pipeline worth it over either model?" is answered in one table. Each stage is costed as its model's own requests
 * are (V25: price per token, or the plan's {@code cost:} over the stage's busy time, an estimate marked ≈), so a
 * local draft model with a cloud refine model has a blended cost too, set against the refine model alone. Inserted
 * before the trends, after the quality figures it is compared with.
 */
final class PipelineContent {

    static final String HEADING = "Pipelines";

    private PipelineContent() {
    }

    /** One row of {@code pipeline_comparison}. */
    record Row(String pipeline, String kind, String models, long runs, long okRuns, Long escalated, Long draftsOk,
               Double escalationRate, Double escalationLow, Double escalationHigh, Double e2eMsP50, Double e2eMsP95,
               Double costPerThousand, Long checks, Long passes, Double passRate, Double passLow, Double passHigh,
               String costBasis, String currency, boolean costEstimate, Double costVsRefineAlone) {

        /** Cost per 1,000 prompts with its currency, {@code ≈} before it when the energy heuristic made it. */
        String cost() {
            String c = Format.cost(costPerThousand);
            return costPerThousand == null ? c
                    : (costEstimate ? "≈ " : "") + c + (currency == null ? "" : " " + currency);
        }
    }

    /** A pipeline's rule, with its rows: the pipeline first, then its draft and refine models alone. */
    record Pipeline(String name, String escalate, List<Row> rows) {
    }

    static List<Pipeline> load(JdbcClient jdbc, long runId) {
        Map<String, String> rules = new LinkedHashMap<>();
        jdbc.sql("SELECT pipeline, escalate FROM run_pipelines WHERE run_id = ? ORDER BY ordinal").param(runId)
                .query(rs -> {
                    rules.put(rs.getString(1), rs.getString(2));
                });
        if (rules.isEmpty()) {
            return List.of();
        }
        List<Row> rows = jdbc.sql("""
                        SELECT pipeline, kind, models, runs, ok_runs, escalated, drafts_ok, escalation_rate,
                               escalation_low, escalation_high, e2e_ms_p50, e2e_ms_p95,
                               cost_per_1k_prompts::double precision AS cost_per_thousand, checks, passes, pass_rate,
                               pass_low, pass_high, cost_basis, currency, cost_estimate, cost_vs_refine_alone
                        FROM pipeline_comparison WHERE run_id = ? ORDER BY ordinal, position""")
                .param(runId).query(Row.class).list();
        List<Pipeline> out = new ArrayList<>();
        rules.forEach((name, rule) -> out.add(new Pipeline(name, rule,
                rows.stream().filter(r -> r.pipeline().equals(name)).toList())));
        return out;
    }

    /** Adds the section before the "Trends" heading (else at the end); nothing without pipelines. */
    static void insert(ReportDocument doc, long runId, List<Pipeline> pipelines) {
        if (pipelines.isEmpty()) {
            return;
        }
        doc.insertBeforeTrends(blocks(runId, pipelines));
    }

    static List<ReportDocument.Block> blocks(long runId, List<Pipeline> pipelines) {
        List<ReportDocument.Block> out = new ArrayList<>();
        out.add(new ReportDocument.Heading(2, HEADING));
        out.add(new ReportDocument.Paragraph(List.of(text("Each pipeline × prompt × round: the draft model answers; "
                + "when its rule says so, the refine model answers again with the draft in its prompt. Latency = draft "
                + "e2e + refine e2e (when escalated), over pipeline runs whose final stage succeeded; escalation rate = "
                + "refined / drafts that succeeded, 95 % CI = Wilson; cost per 1,000 prompts = mean cost of an "
                + "answered prompt × 1,000, each stage costed as its model's own requests are (model_costs: tokens × "
                + "the model's price, or the stage's e2e time × the plan's cost: per hour, an estimate marked ≈), "
                + "vs refine alone = that cost ÷ the refine model alone's; pass rate = the final answer's checks. "
                + "The models alone are their own serial latency cells of this run (same prompts and rounds); "
                + "pipeline stages are never in a model's own figures. SQL: "),
                code("SELECT * FROM pipeline_comparison WHERE run_id = " + runId))));
        for (Pipeline p : pipelines) {
            out.add(new ReportDocument.Heading(3, p.name() + " (escalate: " + p.escalate() + ")"));
            TableBuilder t = new TableBuilder().text("").text("Models").number("Answered").number("Escalated")
                    .number("Escalation 95 % CI").number("e2e p50 / p95").number("Cost / 1,000 prompts")
                    .number("vs refine alone").number("Pass rate").number("Pass 95 % CI");
            for (Row r : p.rows()) {
                t.row(r.kind(), r.models(), r.okRuns() + " / " + r.runs(),
                        r.escalated() == null ? Format.NONE : r.escalated() + " / " + r.draftsOk()
                                + (r.escalationRate() == null ? "" : " (" + Format.share(r.escalationRate()) + ")"),
                        interval(r.escalationLow(), r.escalationHigh()), Format.msPair(r.e2eMsP50(), r.e2eMsP95()),
                        r.cost(), r.costVsRefineAlone() == null ? Format.NONE : Format.share(r.costVsRefineAlone()),
                        r.checks() == null ? Format.NONE : Format.share(r.passRate()) + " (" + r.passes() + " / "
                                + r.checks() + ")", interval(r.passLow(), r.passHigh()));
            }
            out.add(t.build());
            costNote(out, p);
        }
        return out;
    }

    /** Says how each model of the pipeline is costed, and that a time-based cost is an estimate. */
    private static void costNote(List<ReportDocument.Block> out, Pipeline p) {
        List<String> parts = new ArrayList<>();
        for (Row r : p.rows()) {
            if (!"pipeline".equals(r.kind())) {
                parts.add(r.models() + ": " + basis(r.costBasis()));
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        boolean estimate = p.rows().stream().anyMatch(Row::costEstimate);
        out.add(new ReportDocument.Paragraph(List.of(text("Cost" + (estimate ? " is an estimate" : "") + ": "
                + String.join("; ", parts) + "."))));
    }

    private static String basis(String basis) {
        return basis == null ? "no price and no cost: section in the plan, so no cost" : switch (basis) {
            case "price" -> "the plan's price per 1K prompt and output tokens × each request's tokens";
            case "hardware" -> "the plan's hardware cost per hour × each request's e2e time (a busy-time estimate)";
            case "hardware+energy" -> "hardware cost per hour plus power × energy price, × each request's e2e time "
                    + "(the energy heuristic)";
            case "energy" -> "power (nvidia-smi's when measured, else the plan's) × energy price × each request's "
                    + "e2e time (the energy heuristic)";
            default -> basis;
        };
    }

    private static String interval(Double low, Double high) {
        return low == null || high == null ? Format.NONE
                : String.format(Locale.ROOT, "%.1f – %.1f %%", low * 100, high * 100);
    }
}
