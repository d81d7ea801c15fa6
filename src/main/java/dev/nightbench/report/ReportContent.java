package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.Span;
import dev.nightbench.report.ReportDocument.TableBuilder;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.strong;
import static dev.nightbench.report.ReportDocument.text;

/**
 * What a run's report says, in order, as a {@link ReportDocument}: run metadata, the comparison with the
 * baseline, per-model figures, failures, trend charts, sample answers and per-prompt figures. Every figure is
 * named as in METRICS.md.
 */
final class ReportContent {

    /** Sample answers are cut to this many characters. */
    static final int SAMPLE_CHARS = 600;

    private static final Metric[] METRICS = Metric.values();

    private ReportContent() {
    }

    /**
     * @param chartProblem why the charts are missing, or null
     */
    static ReportDocument build(ReportData data, TrendReport trend, List<TrendCharts.Chart> charts, String chartProblem) {
        ReportData.Run run = data.run();
        ReportDocument doc = new ReportDocument("Nightbench run " + run.runId() + ": " + run.planName());
        if (run.simulated()) {
            doc.add(new ReportDocument.Note(List.of(strong("SIMULATED"), text(": measured against Nightbench's "
                    + "built-in simulated endpoint, not a real model server.")), true));
        }
        metadata(doc, data);
        comparison(doc, trend);
        models(doc, data);
        failures(doc, data);
        trends(doc, data, trend, charts, chartProblem);
        samples(doc, data);
        prompts(doc, data);
        doc.add(new ReportDocument.Paragraph(List.of(text("Figures are defined in METRICS.md: TTFT = t0 to the first "
                + "content token; TPOT = (e2e − TTFT) / (output tokens − 1); decode_tps = its inverse in tokens/s; "
                + "e2e_tps = output tokens / e2e. Latencies over successful measured requests (warm-up excluded); "
                + "p = percentile (linear interpolation)."))));
        return doc;
    }

    private static void metadata(ReportDocument doc, ReportData data) {
        ReportData.Run run = data.run();
        TableBuilder t = new TableBuilder().text(" ").text(" ");
        t.row("Plan", List.of(text(run.planName() + " "), code(run.planPath())));
        t.row("Plan hash", code(Format.shortHash(run.planHash())));
        t.row("Run date", run.runDate().toString());
        if (run.label() != null) {
            t.row("Label", run.label());
        }
        t.row("Status", run.status());
        t.row("Started", String.valueOf(run.startedAt()));
        t.row("Finished", run.finishedAt() == null ? Format.NONE : run.finishedAt().toString());
        t.row("Host", run.host());
        t.row("Nightbench", run.nightbenchVersion());
        t.row("Simulated", run.simulated() ? strong("yes: built-in simulated endpoint") : text("no"));
        for (ReportData.EndpointRow e : data.endpoints()) {
            t.row("Endpoint " + e.endpointName(), List.of(
                    e.baseUrl() == null ? text(e.simulated() ? "built-in simulated endpoint" : "—") : code(e.baseUrl()),
                    text(" (models: " + e.models() + ")")));
        }
        if (run.exitMessage() != null) {
            t.row("Exit message", run.exitMessage());
        }
        doc.add(t.build());
    }

    // ---- comparison with the baseline

    private static void comparison(ReportDocument doc, TrendReport trend) {
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
            case PINNED -> "a pinned run (nightbench.report.pinned-run-id)";
        };
        doc.add(new ReportDocument.Paragraph(List.of(strong("Baseline: "), text(runs + ", " + how + "."))));
        doc.add(new ReportDocument.Paragraph(List.of(strong("Tests: "), text(MannWhitneyU.NAME
                + " on the per-request samples of ttft_ms, tpot_ms, e2e_ms and decode_tps; " + FisherExact.NAME
                + " on success rate. A metric regressed when its median moved against the user by more than "
                + String.format(Locale.ROOT, "%.0f %%", s.threshold() * 100) + " and p < " + s.alpha()
                + "; improved likewise the other way; fewer than " + Comparison.MIN_SAMPLES
                + " samples on a side is insufficient data (unchanged). Each comparison is tested on its own, without "
                + "multiple-comparison correction: with many prompts a few per-prompt verdicts can be chance, and the "
                + "pooled per-model verdicts are the robust signal."))));
        doc.add(new ReportDocument.Paragraph(List.of(strong("Samples: "), text(trend.currentRequests()
                + " measured requests in this run, " + trend.baselineRequests() + " in the baseline"
                + (trend.changes().changedPrompts().isEmpty() && trend.changes().addedPrompts().isEmpty() ? ""
                : ", on the prompts both have with the same text") + "."))));
        planChanges(doc, trend.changes());

        long regressed = trend.count(Verdict.REGRESSED);
        long improved = trend.count(Verdict.IMPROVED);
        List<Span> summary = new ArrayList<>();
        summary.add(regressed > 0 ? new Span(regressed + " regressed", ReportDocument.Style.BAD)
                : strong("0 regressed"));
        summary.add(text(", "));
        summary.add(improved > 0 ? new Span(improved + " improved", ReportDocument.Style.GOOD) : text("0 improved"));
        summary.add(text(", " + trend.count(Verdict.UNCHANGED) + " unchanged (" + trend.insufficient()
                + " with insufficient data) of " + trend.comparisons().size() + " comparisons."));
        doc.add(new ReportDocument.Note(summary, regressed > 0));

        perModel(doc, trend);
        changed(doc, trend);
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
        Map<String, Map<Metric, Comparison>> byModel = new LinkedHashMap<>();
        for (TrendAnalysis.Row r : trend.comparisons()) {
            if (SampleSet.ALL_PROMPTS.equals(r.key().promptId())) {
                byModel.computeIfAbsent(r.key().modelAlias() + Format.load(r.key().loadMode(), r.key().loadLevel()),
                        k -> new EnumMap<>(Metric.class)).put(r.comparison().metric(), r.comparison());
            }
        }
        if (byModel.isEmpty()) {
            return;
        }
        doc.add(new ReportDocument.Heading(3, "Per model, all prompts pooled"));
        TableBuilder t = new TableBuilder().text("Model");
        for (Metric m : METRICS) {
            t.number(m.column());
        }
        byModel.forEach((model, comparisons) -> {
            Object[] cells = new Object[METRICS.length + 1];
            cells[0] = model;
            for (int i = 0; i < METRICS.length; i++) {
                cells[i + 1] = verdictCell(comparisons.get(METRICS[i]));
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
                .number("Baseline median").number("Current median").number("Change").number("p")
                .number("n baseline").number("n current").text("Test");
        for (Verdict wanted : List.of(Verdict.REGRESSED, Verdict.IMPROVED)) {
            for (TrendAnalysis.Row r : trend.comparisons()) {
                Comparison c = r.comparison();
                if (c.verdict() != wanted) {
                    continue;
                }
                t.row(verdict(c.verdict()), r.key().modelAlias() + Format.load(r.key().loadMode(), r.key().loadLevel()),
                        SampleSet.ALL_PROMPTS.equals(r.key().promptId()) ? text("all (pooled)") : text(r.key().promptId()),
                        code(c.metric().column()), Format.value(c.metric(), c.baselineMedian()),
                        Format.value(c.metric(), c.currentMedian()), Format.change(c.changePct()), Format.p(c.pValue()),
                        String.valueOf(c.nBaseline()), String.valueOf(c.nCurrent()), shortTest(c.test()));
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

    // ---- the run's own figures

    private static void models(ReportDocument doc, ReportData data) {
        doc.add(new ReportDocument.Heading(2, "Models"));
        doc.add(new ReportDocument.Paragraph(List.of(text("Latencies over successful measured requests (warm-up "
                + "excluded); p = percentile (linear interpolation)."))));
        TableBuilder t = new TableBuilder().text("Model").number("Avg Latency (e2e_ms mean)").number("p95 (e2e_ms)")
                .number("TPS (decode_tps p50)").number("TTFT p50").number("TTFT p95").number("TPOT p50")
                .number("e2e_tps mean").number("Success").number("Requests").number("Output tokens")
                .number("Est. cost").number("Cold start").text("Status");
        for (ReportData.ModelRow r : data.models()) {
            t.row(r.modelAlias() + Format.load(r.loadMode(), r.loadLevel()), Format.ms(r.e2eMsMean()),
                    Format.ms(r.e2eMsP95()), Format.num(r.decodeTpsP50()), Format.ms(r.ttftMsP50()),
                    Format.ms(r.ttftMsP95()), Format.ms(r.tpotMsP50()), Format.num(r.e2eTpsMean()),
                    Format.pct(r.successRate()), r.okRequests() + "/" + r.requests(),
                    r.outputTokens() == null ? Format.NONE : r.outputTokens().toString(), Format.cost(r.costEstimate()),
                    Format.ms(r.coldStartMs()), availability(r.availability()));
        }
        doc.add(t.build());
    }

    private static Span availability(String availability) {
        return switch (availability == null ? "" : availability) {
            case "failed" -> new Span("FAILED", ReportDocument.Style.BAD);
            case "unavailable" -> new Span("UNAVAILABLE", ReportDocument.Style.BAD);
            case "available" -> text("ok");
            default -> text(availability);
        };
    }

    private static void failures(ReportDocument doc, ReportData data) {
        if (data.failures().isEmpty()) {
            return;
        }
        doc.add(new ReportDocument.Heading(2, "Failed and skipped models"));
        TableBuilder t = new TableBuilder().text("Model").text("Status").number("Failed requests")
                .number("Skipped requests").text("Reason");
        for (ReportData.Failure f : data.failures()) {
            t.row(f.modelAlias(), availability(f.availability()), String.valueOf(f.failedRequests()),
                    String.valueOf(f.skippedRequests()), f.reason());
        }
        doc.add(t.build());
    }

    private static void trends(ReportDocument doc, ReportData data, TrendReport trend, List<TrendCharts.Chart> charts,
                               String chartProblem) {
        doc.add(new ReportDocument.Heading(2, "Trends"));
        long runs = trend.trend().stream().map(TrendReport.TrendPoint::runId).distinct().count();
        doc.add(new ReportDocument.Paragraph(List.of(text("The last " + runs + " run(s) of plan " + data.run().planName()
                + " (up to " + trend.settings().trendRuns() + ": this run and the completed runs before it), serial "
                + "load, from the model_summaries view: TTFT p50 and p95, decode tokens/s p50 and success rate."))));
        if (chartProblem != null) {
            doc.add(new ReportDocument.Note(List.of(text("The charts could not be drawn: " + chartProblem)), true));
        }
        for (TrendCharts.Chart c : charts) {
            doc.add(new ReportDocument.Heading(3, c.modelAlias()));
            doc.add(new ReportDocument.Image("Trend of " + c.modelAlias() + ": TTFT p50/p95, decode tokens/s, "
                    + "success rate", c.fileName(), c.png()));
        }
    }

    private static void samples(ReportDocument doc, ReportData data) {
        if (data.samples().isEmpty()) {
            return;
        }
        doc.add(new ReportDocument.Heading(2, "Sample answers"));
        doc.add(new ReportDocument.Paragraph(List.of(text("One answer per model (its first successful measured "
                + "request, as stored: a prefix, cut here to " + SAMPLE_CHARS + " characters). Model output is "
                + "untrusted and shown as plain text."))));
        for (ReportData.SampleAnswer s : data.samples()) {
            String answer = s.responsePrefix();
            if (answer.length() > SAMPLE_CHARS) {
                answer = answer.substring(0, SAMPLE_CHARS) + " …";
            }
            doc.add(new ReportDocument.Quote(s.modelAlias() + " on prompt " + s.promptId(), answer));
        }
    }

    private static void prompts(ReportDocument doc, ReportData data) {
        doc.add(new ReportDocument.Heading(2, "Per prompt"));
        TableBuilder t = new TableBuilder().text("Model").text("Prompt").number("Avg Latency").number("p95")
                .number("TTFT p50").number("TPOT p50").number("decode_tps p50").number("Success");
        for (ReportData.ModelRow r : data.prompts()) {
            t.row(r.modelAlias() + Format.load(r.loadMode(), r.loadLevel()), r.promptId(), Format.ms(r.e2eMsMean()),
                    Format.ms(r.e2eMsP95()), Format.ms(r.ttftMsP50()), Format.ms(r.tpotMsP50()),
                    Format.num(r.decodeTpsP50()), Format.pct(r.successRate()));
        }
        doc.add(t.build());
    }
}
