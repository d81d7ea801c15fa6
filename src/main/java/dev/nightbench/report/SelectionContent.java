package dev.nightbench.report;

import dev.nightbench.report.ModelSelection.Assessed;
import dev.nightbench.report.ModelSelection.Dimension;
import dev.nightbench.report.ReportDocument.Span;
import dev.nightbench.report.ReportDocument.Style;
import dev.nightbench.report.ReportDocument.TableBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.strong;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Model selection" section: the six dimensions of the workshop's selection framework and cost, one
 * row per model (the {@code model_selection} view), the values that break a constraint of the plan's
 * {@code selection:} section marked; the recommended default with its reason and the runner-up
 * ({@link ModelSelection}), or plainly that no model meets the constraints and which each one failed; how the costs
 * were estimated; and cost per 1,000 prompts over the trend window. Inserted before "Trends", after the quality
 * figures it draws on.
 */
final class SelectionContent {

    static final String HEADING = "Model selection";

    private SelectionContent() {
    }

    /** Adds the section to {@code doc} before its "Trends" heading (else at the end); nothing for a run without models. */
    static void insert(ReportDocument doc, SelectionData data) {
        if (data.rows().isEmpty()) {
            return;
        }
        doc.insertBeforeTrends(blocks(data));
    }

    static List<ReportDocument.Block> blocks(SelectionData data) {
        ModelSelection.Verdict verdict = ModelSelection.decide(data);
        List<ReportDocument.Block> out = new ArrayList<>();
        out.add(new ReportDocument.Heading(2, HEADING));
        out.add(new ReportDocument.Paragraph(List.of(text("Six dimensions side by side, and cost (the model_selection "
                + "view): latency (E2E mean and p95, serial rounds), throughput (decode tokens/s p50), memory (the "
                + "server's resident or VRAM figure, else the plan's size_mb), quality (check pass rate; mean judge "
                + "score 1-5 over the rubric's criteria), disk footprint, licence, and cost per 1,000 prompts."
                + (data.hasSelection() ? " Values marked ✗ break a constraint of the plan's selection: section." : "")))));
        out.add(table(verdict));
        recommendation(out, data, verdict);
        costNote(out, data);
        costTrend(out, data);
        return out;
    }

    private static ReportDocument.Table table(ModelSelection.Verdict verdict) {
        TableBuilder t = new TableBuilder().text("Model").number("E2E mean").number("E2E p95").number("Decode tokens/s")
                .number("Memory").text("Quality").number("Disk").text("Licence").number("Cost / 1,000 prompts")
                .text("Constraints");
        for (Assessed a : verdict.models()) {
            SelectionData.Row r = a.row();
            Set<String> f = a.failed();
            List<Span> model = new ArrayList<>(List.of(strong(r.modelAlias())));
            if (a == verdict.recommended()) {
                model.add(new Span(" ★ recommended", Style.GOOD));
            } else if (a == verdict.runnerUp()) {
                model.add(text(" (runner-up)"));
            }
            List<Span> quality = new ArrayList<>();
            if (r.passRate() != null) {
                quality.add(mark(ModelSelection.value(Dimension.PASS_RATE, r) + " checks", f.contains("pass_rate")));
            }
            if (r.judgeScore() != null) {
                quality.add(mark((quality.isEmpty() ? "" : ", ") + "judge " + ModelSelection.value(Dimension.JUDGE, r),
                        f.contains("judge_score")));
            }
            if (quality.isEmpty()) {
                quality.add(mark(Format.NONE, f.contains("pass_rate") || f.contains("judge_score")));
            }
            t.row(model, cell(Dimension.MEAN_E2E, r, f), cell(Dimension.P95_E2E, r, f), cell(Dimension.DECODE, r, f),
                    sourced(cell(Dimension.MEMORY, r, f), r.memorySource()), quality,
                    sourced(cell(Dimension.DISK, r, f), r.diskSource()),
                    sourced(List.of(mark(r.licence() == null ? Format.NONE : r.licence(), f.contains("licence"))),
                            r.licenceSource()),
                    r.costPerThousand() == null ? Format.NONE : List.of(mark(ModelSelection.cost(r.costPerThousand(),
                            r.currency()), f.contains("cost_per_1k"))),
                    a.meets() ? new Span("✓ meets", Style.GOOD) : new Span("✗ fails " + String.join(", ",
                            f.isEmpty() ? a.failures() : f), Style.BAD));
        }
        return t.build();
    }

    private static List<Span> cell(Dimension d, SelectionData.Row r, Set<String> failed) {
        String v = ModelSelection.value(d, r);
        return List.of(mark(d == Dimension.DECODE ? v.replace(" tokens/s", "") : v, failed.contains(d.key)));
    }

    private static List<Span> sourced(List<Span> value, String source) {
        if (source == null) {
            return value;
        }
        List<Span> out = new ArrayList<>(value);
        out.add(text(" (" + source + ")"));
        return out;
    }

    private static Span mark(String value, boolean broken) {
        return broken ? new Span("✗ " + value, Style.BAD) : text(value);
    }

    private static void recommendation(List<ReportDocument.Block> out, SelectionData data, ModelSelection.Verdict v) {
        if (!data.hasSelection()) {
            out.add(new ReportDocument.Note(List.of(text("No model is recommended: the plan has no selection: section. "
                    + "Give constraints and optimise: (or weights:) to have the report name a default (README "
                    + "\"Choosing a model\").")), false));
            return;
        }
        if (v.recommended() == null) {
            out.add(new ReportDocument.Note(List.of(strong("No model meets the constraints."), text(" Each model and "
                    + "the constraints it failed:")), true));
            List<List<Span>> items = new ArrayList<>();
            for (Assessed a : v.models()) {
                items.add(List.of(code(a.row().modelAlias()), text(": " + String.join("; ", a.failures()))));
            }
            out.add(new ReportDocument.Bullets(items));
            return;
        }
        out.add(new ReportDocument.Paragraph(List.of(strong("Recommended default: "), code(v.recommended().row()
                .modelAlias()), text(": " + v.reason() + "."))));
        out.add(new ReportDocument.Paragraph(v.runnerUp() == null
                ? List.of(strong("Runner-up: "), text("none; no other model meets every constraint."))
                : List.of(strong("Runner-up: "), code(v.runnerUp().row().modelAlias()), text(": " + v.runnerUpReason()
                + "."))));
        List<List<Span>> excluded = new ArrayList<>();
        for (Assessed a : v.models()) {
            if (!a.meets()) {
                excluded.add(List.of(code(a.row().modelAlias()), text(": " + String.join("; ", a.failures()))));
            }
        }
        if (!excluded.isEmpty()) {
            out.add(new ReportDocument.Paragraph(List.of(strong("Excluded by the constraints:"))));
            out.add(new ReportDocument.Bullets(excluded));
        }
    }

    private static void costNote(List<ReportDocument.Block> out, SelectionData data) {
        Map<String, List<String>> byBasis = new LinkedHashMap<>();
        data.rows().forEach(r -> byBasis.computeIfAbsent(r.costBasis() == null ? "none" : r.costBasis(),
                b -> new ArrayList<>()).add(r.modelAlias()));
        List<Span> spans = new ArrayList<>(List.of(strong("Cost"), text(" (model_costs view) is an estimate. ")));
        byBasis.forEach((basis, models) -> spans.add(text(String.join(", ", models) + ": " + switch (basis) {
            case "price" -> "the plan's price per 1K prompt and output tokens x the tokens of each measured request. ";
            case "hardware" -> "the plan's hardware cost per hour x the measured busy time (serial requests' E2E, load "
                    + "phases' wall time), over the requests sent. ";
            case "hardware+energy" -> "hardware cost per hour plus power x energy price, over the measured busy time. ";
            case "energy" -> "power (measured by nvidia-smi when available, else the plan's) x energy price over the "
                    + "measured busy time. ";
            default -> "no price and no cost: section in the plan, so no cost. ";
        })));
        out.add(new ReportDocument.Paragraph(spans));
    }

    private static void costTrend(List<ReportDocument.Block> out, SelectionData data) {
        List<Long> runs = data.costTrend().stream().map(SelectionData.CostPoint::runId).distinct().toList();
        if (runs.size() < 2 || data.costTrend().stream().allMatch(p -> p.costPerThousand() == null)) {
            return;
        }
        List<Long> shown = runs.subList(Math.max(0, runs.size() - 8), runs.size());
        out.add(new ReportDocument.Heading(3, "Cost per 1,000 prompts over the last " + shown.size() + " runs"));
        TableBuilder t = new TableBuilder().text("Model");
        Map<Long, String> dates = new LinkedHashMap<>();
        data.costTrend().forEach(p -> dates.putIfAbsent(p.runId(), p.runDate() + " #" + p.runId()));
        shown.forEach(id -> t.number(dates.get(id)));
        Map<String, Map<Long, SelectionData.CostPoint>> byModel = new LinkedHashMap<>();
        data.costTrend().forEach(p -> byModel.computeIfAbsent(p.modelAlias(), m -> new LinkedHashMap<>())
                .put(p.runId(), p));
        byModel.forEach((model, points) -> {
            Object[] cells = new Object[shown.size() + 1];
            cells[0] = model;
            for (int i = 0; i < shown.size(); i++) {
                SelectionData.CostPoint p = points.get(shown.get(i));
                cells[i + 1] = p == null ? Format.NONE : ModelSelection.cost(p.costPerThousand(), p.currency());
            }
            t.row(cells);
        });
        out.add(t.build());
    }
}
