package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.Span;
import dev.nightbench.report.ReportDocument.TableBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.strong;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Compared with the baseline" section ({@link TrendReport}): which runs the baseline is and how the
 * tests decide, what changed in the plan since then, the count of verdicts, one line per model with each metric's
 * change, and the table of every metric that regressed or improved. Its own class because it is the longest section
 * and the one --fail-on-regression readers go to first.
 */
final class BaselineContent {

    private BaselineContent() {
    }

    static void comparison(ReportDocument doc, TrendReport trend) {
        doc.add(new ReportDocument.Heading(2, "Compared with the baseline"));
        TrendSettings s = trend.settings();
        if (trend.baseline().isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("No comparison: " + trend.noBaseline() + "."))));
            return;
        }
        String runs = trend.baseline().stream().map(b -> "run " + b.runId() + " (" + b.runDate() + ")")
                .collect(Collectors.joining(", "));
        String how = switch (s.mode()) {
            case PREVIOUS -> "the previous completed run of the plan";
            case LAST_N -> "the last " + s.lastN() + " completed runs of the plan, samples pooled ("
                    + trend.baseline().size() + " found)";
            case PINNED -> "a chosen run (--baseline, nightbench compare, or nightbench.report.pinned-run-id)";
        };
        doc.add(new ReportDocument.Note(summary(trend), trend.count(Verdict.REGRESSED) > 0));
        doc.add(new ReportDocument.Paragraph(List.of(strong("Baseline: "), text(runs + ", " + how + "."))));
        planChanges(doc, trend.changes());
        perModel(doc, trend);
        changed(doc, trend);
        // how the tests decide: read once, so after the verdict and collapsed in HTML
        List<ReportDocument.Block> method = new ArrayList<>();
        method.add(new ReportDocument.Paragraph(List.of(strong("Tests: "), text(MannWhitneyU.NAME
                + " on the per-request samples of ttft_ms, tpot_ms, e2e_ms and decode_tps; " + FisherExact.NAME
                + " on success rate" + (compares(trend, Metric.CHECK_PASS_RATE) ? " and on the answer checks' pass "
                + "rate (" + Metric.CHECK_PASS_RATE.column() + ": passed and failed (answer, check) pairs per model, all "
                + "prompts pooled)" : "") + (compares(trend, Metric.JUDGE_SCORE) ? "; " + MannWhitneyU.NAME + " on the "
                + "judge's 1-5 scores of each rubric criterion (" + Metric.JUDGE_SCORE.column() + ", per model, all "
                + "prompts pooled; the threshold applies to the mean score, shown as its baseline and current "
                + "median, and a lower score is worse, however fast the model got)" : "")
                + ". A metric regressed when its median moved against the user by more than "
                + String.format(Locale.ROOT, "%.0f %%", s.threshold() * 100) + " and p < " + s.alpha()
                + "; improved likewise the other way; fewer than " + Comparison.MIN_SAMPLES
                + " samples on a side is insufficient data (unchanged)."))));
        method.add(new ReportDocument.Paragraph(List.of(strong("Multiple comparisons: "), text("the per-prompt "
                + "comparisons are corrected with " + BenjaminiHochberg.NAME + " at " + s.alpha() + " across this "
                + "run's per-prompt comparisons of each metric, and the load levels' comparisons likewise among "
                + "themselves: such a verdict needs its adjusted p (p BH) below " + s.alpha() + ", which keeps the "
                + "expected share of chance findings among those flagged at or below " + Format.percent(s.alpha())
                + ". The per-model comparisons of the latency cells (all prompts pooled) are tested on their own at "
                + "p < " + s.alpha() + ". All of them count for --fail-on-regression (exit 3). A load level is "
                + "compared per model only, all prompts pooled: its prompts are cycled, so a prompt's share of a "
                + "level is a few requests that are not independent."))));
        method.add(new ReportDocument.Paragraph(List.of(strong("Samples: "), text(trend.currentRequests()
                + " measured requests in this run, " + trend.baselineRequests() + " in the baseline"
                + (trend.changes().changedPrompts().isEmpty() && trend.changes().addedPrompts().isEmpty() ? ""
                : ", on the prompts both have with the same text") + "."))));
        doc.add(new ReportDocument.Details("How the comparison decides (tests, multiple comparisons, samples)", method));
    }

    /** "20 regressed, 0 improved, 55 unchanged (0 with insufficient data) of 75 comparisons." */
    static List<Span> summary(TrendReport trend) {
        long regressed = trend.count(Verdict.REGRESSED);
        long improved = trend.count(Verdict.IMPROVED);
        List<Span> summary = new ArrayList<>();
        summary.add(regressed > 0 ? new Span(regressed + " regressed", ReportDocument.Style.BAD)
                : strong("0 regressed"));
        summary.add(text(", "));
        summary.add(improved > 0 ? new Span(improved + " improved", ReportDocument.Style.GOOD) : text("0 improved"));
        summary.add(text(", " + trend.count(Verdict.UNCHANGED) + " unchanged (" + trend.insufficient()
                + " with insufficient data) of " + trend.comparisons().size() + " comparisons."));
        return summary;
    }

    /**
     * The report's first lines: the verdict against the baseline and the models that failed or were unavailable,
     * so a reader sees what changed before any table or explanation.
     */
    static void verdict(ReportDocument doc, ReportData data, TrendReport trend) {
        List<Span> v = new ArrayList<>();
        v.add(strong("Verdict: "));
        if (trend.baseline().isEmpty()) {
            v.add(text("no comparison (" + trend.noBaseline() + ")."));
        } else {
            v.addAll(summary(trend));
            v.add(text(" Baseline: " + trend.baseline().stream().map(b -> "run " + b.runId() + " (" + b.runDate() + ")")
                    .collect(Collectors.joining(", ")) + "."));
        }
        List<ReportData.Failure> failed = data.failures().stream()
                .filter(f -> f.availability() != null && f.availability().isFailure()).toList();
        if (failed.isEmpty()) {
            v.add(text(" No model failed."));
        } else {
            v.add(text(" Failed or unavailable: "));
            for (int i = 0; i < failed.size(); i++) {
                ReportData.Failure f = failed.get(i);
                v.add(new Span(f.modelAlias() + " " + f.availability().value().toUpperCase(Locale.ROOT),
                        ReportDocument.Style.BAD));
                v.add(text(i < failed.size() - 1 ? ", " : " (see Failed and skipped models)."));
            }
        }
        doc.add(new ReportDocument.Note(v, trend.count(Verdict.REGRESSED) > 0 || !failed.isEmpty()));
    }

    /** True when some comparison of the run is of this metric (check pass rate: only runs with answer checks). */
    private static boolean compares(TrendReport trend, Metric metric) {
        return trend.comparisons().stream().anyMatch(r -> r.comparison().metric() == metric);
    }

    /**
     * The columns of the per-model table: every metric, check pass rate only when compared, then one per judged
     * criterion ("judge_score factuality"), so reports without checks or judge scores are unchanged.
     */
    private static List<String> columns(TrendReport trend) {
        List<String> columns = new ArrayList<>();
        for (Metric m : Metric.values()) {
            if (m != Metric.JUDGE_SCORE && (m != Metric.CHECK_PASS_RATE || compares(trend, m))) {
                columns.add(m.column());
            }
        }
        trend.comparisons().stream().map(r -> r.comparison())
                .filter(c -> c.metric() == Metric.JUDGE_SCORE).map(Comparison::label).distinct()
                .forEach(columns::add);
        return columns;
    }

    private static void planChanges(ReportDocument doc, PlanChanges c) {
        if (!c.any()) {
            return;
        }
        doc.add(new ReportDocument.Note(List.of(strong("Plan changed"), text(" since the baseline. Nothing below is "
                + "mixed into the comparison: only prompts with the same text on both sides and models present on both "
                + "sides are compared, pooled figures included.")), true));
        List<List<Span>> items = new ArrayList<>();
        if (!c.planHashChangedIn().isEmpty()) {
            items.add(List.of(text("plan hash differs from baseline run(s) " + join(c.planHashChangedIn()))));
        }
        item(items, "prompts whose text changed: ", c.changedPrompts());
        item(items, "prompts added: ", c.addedPrompts());
        item(items, "prompts removed: ", c.removedPrompts());
        item(items, "models added: ", c.addedModels());
        item(items, "models removed: ", c.removedModels());
        item(items, "models now served by another endpoint or server model (still compared): ", c.retargetedModels());
        item(items, "datasets whose file changed (prompts_from): ", c.changedDatasets());
        item(items, "models whose weights file changed (still compared): ", c.changedModelFiles());
        doc.add(new ReportDocument.Bullets(items));
    }

    private static void item(List<List<Span>> items, String label, List<String> values) {
        if (!values.isEmpty()) {
            items.add(List.of(text(label + String.join(", ", values))));
        }
    }

    private static String join(List<?> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** One line per model (all prompts pooled): each metric's change and verdict. */
    private static void perModel(ReportDocument doc, TrendReport trend) {
        Map<String, Map<String, Comparison>> byModel = new LinkedHashMap<>();
        for (TrendAnalysis.Row r : trend.comparisons()) {
            if (SampleSet.ALL_PROMPTS.equals(r.key().promptId())) {
                byModel.computeIfAbsent(r.key().modelAlias() + Format.load(r.key().loadMode(), r.key().loadLevel()),
                        k -> new HashMap<>()).put(r.comparison().label(), r.comparison());
            }
        }
        if (byModel.isEmpty()) {
            return;
        }
        doc.add(new ReportDocument.Heading(3, "Per model, all prompts pooled"));
        List<String> columns = columns(trend);
        TableBuilder t = new TableBuilder().text("Model");
        for (String c : columns) {
            t.number(c);
        }
        byModel.forEach((model, comparisons) -> {
            Object[] cells = new Object[columns.size() + 1];
            cells[0] = model;
            for (int i = 0; i < columns.size(); i++) {
                cells[i + 1] = verdictCell(comparisons.get(columns.get(i)));
            }
            t.row(cells);
        });
        doc.add(t.build());
    }

    private static List<Span> verdictCell(Comparison c) {
        if (c == null) {
            return List.of(text(Format.NONE));
        }
        if (c.insufficientData()) {
            return List.of(text("n < " + Comparison.MIN_SAMPLES));
        }
        return List.of(text(Format.change(c.changePct()) + " "), verdict(c.verdict()));
    }

    private static Span verdict(Verdict v) {
        return switch (v) {
            case REGRESSED -> new Span("regressed", ReportDocument.Style.BAD);
            case IMPROVED -> new Span("improved", ReportDocument.Style.GOOD);
            case UNCHANGED -> text("unchanged");
        };
    }

    /** Every regressed or improved metric, per model and per model and prompt. */
    private static void changed(ReportDocument doc, TrendReport trend) {
        doc.add(new ReportDocument.Heading(3, "Regressed and improved metrics"));
        TableBuilder t = new TableBuilder().text("Verdict").text("Model").text("Prompt").text("Metric")
                .number("Baseline median").number("Current median").number("Change").number("p").number("p BH")
                .number("n baseline").number("n current").text("Test");
        for (Verdict wanted : List.of(Verdict.REGRESSED, Verdict.IMPROVED)) {
            for (TrendAnalysis.Row r : trend.comparisons()) {
                Comparison c = r.comparison();
                if (c.verdict() != wanted) {
                    continue;
                }
                t.row(verdict(c.verdict()), r.key().modelAlias() + Format.load(r.key().loadMode(), r.key().loadLevel()),
                        SampleSet.ALL_PROMPTS.equals(r.key().promptId()) ? text("all (pooled)") : text(r.key().promptId()),
                        code(c.label()), Format.value(c.metric(), c.baselineMedian()),
                        Format.value(c.metric(), c.currentMedian()), Format.change(c.changePct()), Format.p(c.pValue()),
                        Format.p(c.pAdjusted()), String.valueOf(c.nBaseline()), String.valueOf(c.nCurrent()), shortTest(c.test()));
            }
        }
        if (t.isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("No metric regressed or improved beyond the threshold "
                    + "and beyond noise."))));
        } else {
            doc.add(t.build());
        }
    }

    /** "Mann-Whitney U" for the full name stored in comparisons.test (the "Tests:" line gives it in full). */
    private static String shortTest(String test) {
        int paren = test.indexOf(" (");
        return paren > 0 ? test.substring(0, paren) : test;
    }
}
