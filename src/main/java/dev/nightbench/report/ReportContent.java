package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.Span;
import dev.nightbench.report.ReportDocument.TableBuilder;
import dev.nightbench.store.ModelAvailability;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.strong;
import static dev.nightbench.report.ReportDocument.text;

/**
 * What a run's report says, in order, as a {@link ReportDocument}: run metadata, the comparison with the
 * baseline, per-model latency figures (serial cells), the load levels and sweeps, failures, trend charts, sample
 * answers and per-prompt figures. Every figure is named as in METRICS.md.
 */
final class ReportContent {

    /** Sample answers are cut to this many characters. */
    static final int SAMPLE_CHARS = 600;

    private static final Metric[] METRICS = Metric.values();

    /** A coefficient of variation above this is flagged: the mean is too noisy to read on its own. */
    static final double HIGH_CV = 0.20;

    /**
     * An open-loop level whose scheduled-lag p95 exceeds this share of its mean inter-arrival time (1000 / rate ms)
     * is flagged: the client fell behind its schedule.
     */
    static final double LAG_SHARE = 0.10;

    private ReportContent() {
    }

    /**
     * @param chartProblem why the charts are missing, or null
     */
    static ReportDocument build(ReportData data, TrendReport trend, List<TrendCharts.Chart> charts,
                                List<LoadCharts.Chart> loadCharts, String chartProblem) {
        ReportData.Run run = data.run();
        ReportDocument doc = new ReportDocument("Nightbench run " + run.runId() + ": " + run.planName());
        if (run.simulated()) {
            doc.add(new ReportDocument.Note(List.of(strong("SIMULATED"), text(": measured against Nightbench's "
                    + "built-in simulated endpoint, not a real model server.")), true));
        }
        metadata(doc, data);
        comparison(doc, trend);
        models(doc, data);
        load(doc, data, loadCharts, chartProblem);
        failures(doc, data);
        trends(doc, data, trend, charts, chartProblem);
        samples(doc, data);
        prompts(doc, data);
        doc.add(new ReportDocument.Paragraph(List.of(text("Figures are defined in METRICS.md: TTFT = t0 to the first "
                + "chunk carrying a token, content or reasoning_content; TTFO = t0 to the first content token (differs "
                + "from TTFT only for reasoning models); TPOT = (e2e − TTFT) / (output tokens − 1); decode_tps = its "
                + "inverse in tokens/s; e2e_tps = output tokens / e2e. Latencies over successful measured requests "
                + "(warm-up excluded), by their final attempt; p = percentile (linear interpolation). Requests flagged "
                + "burst or implausible_decode keep their TTFT and e2e but not their TPOT and decode_tps in the "
                + "figures (see Retries and plausibility)."))));
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
                + " samples on a side is insufficient data (unchanged)."))));
        doc.add(new ReportDocument.Paragraph(List.of(strong("Multiple comparisons: "), text("the per-prompt "
                + "comparisons are corrected with " + BenjaminiHochberg.NAME + " at " + s.alpha() + " across this "
                + "run's per-prompt comparisons of each metric, and the load levels' comparisons likewise among "
                + "themselves: such a verdict needs its adjusted p (p BH) below " + s.alpha() + ", which keeps the "
                + "expected share of chance findings among those flagged at or below " + Format.percent(s.alpha())
                + ". The per-model comparisons of the latency cells (all prompts pooled) are tested on their own at "
                + "p < " + s.alpha() + ". All of them count for --fail-on-regression (exit 3). A load level is "
                + "compared per model only, all prompts pooled: its prompts are cycled, so a prompt's share of a "
                + "level is a few requests that are not independent."))));
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
                        code(c.metric().column()), Format.value(c.metric(), c.baselineMedian()),
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

    // ---- the run's own figures

    private static void models(ReportDocument doc, ReportData data) {
        doc.add(new ReportDocument.Heading(2, "Models"));
        doc.add(new ReportDocument.Paragraph(List.of(text("Latency cells (one request at a time); load levels are in "
                + "the Load section. Latencies over successful measured requests (warm-up excluded); p = percentile "
                + "(linear interpolation). A mean is shown with its 95 % confidence interval (mean ± t(0.975, n − 1) · "
                + "s / √n over the n successful requests) and its coefficient of variation CV = s / mean; a CV above "
                + Format.percent(HIGH_CV) + " is flagged: the requests varied widely, so the mean (and a run-over-run "
                + "change of that size) may be noise."))));
        TableBuilder t = new TableBuilder().text("Model").number("Avg Latency (e2e_ms mean ± 95 % CI)")
                .number("p95 (e2e_ms)").number("TPS (decode_tps p50)").number("TTFT mean ± 95 % CI")
                .number("TTFT p50").number("TTFT p95").number("TPOT p50").number("e2e_tps mean").number("n")
                .number("Success").number("Requests").number("Output tokens").number("Est. cost").number("Cold start")
                .text("Status");
        List<String> noisy = new ArrayList<>();
        for (ReportData.ModelRow r : data.models()) {
            if (!r.serial()) {
                continue;
            }
            Integer n = r.e2e().n() != null ? r.e2e().n() : r.ttft().n();
            t.row(r.modelAlias(), spread(r.e2e(), null), Format.ms(r.e2eMsP95()), Format.num(r.decodeTpsP50()),
                    spread(r.ttft(), Objects.equals(r.ttft().n(), n) ? null : r.ttft().n()), Format.ms(r.ttftMsP50()),
                    Format.ms(r.ttftMsP95()), Format.ms(r.tpotMsP50()), Format.num(r.e2eTpsMean()),
                    n == null ? Format.NONE : n.toString(), Format.pct(r.successRate()),
                    r.okRequests() + "/" + r.requests(),
                    r.outputTokens() == null ? Format.NONE : r.outputTokens().toString(), Format.cost(r.costEstimate()),
                    Format.ms(r.coldStartMs()), availability(r.availability()));
            noisy(noisy, r.modelAlias(), "TTFT", r.ttft());
            noisy(noisy, r.modelAlias(), "e2e", r.e2e());
        }
        if (t.isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("No latency cells in this run."))));
            return;
        }
        doc.add(t.build());
        if (!noisy.isEmpty()) {
            doc.add(new ReportDocument.Note(List.of(strong("High variation"), text(" (CV above "
                    + Format.percent(HIGH_CV) + "): " + String.join(", ", noisy) + ". Read these means as rough: more "
                    + "rounds narrow the interval; a server that is busy with other work widens it.")), true));
        }
    }

    /** "412 ms ± 18 (CV 6 %)", the CV flagged when high; {@code n} added when it differs from the row's. */
    private static List<Span> spread(ReportData.Spread s, Integer n) {
        String figure = Format.meanCi(s.mean(), s.halfWidth());
        String cv = Format.cv(s.cv());
        String extra = n == null ? "" : "n " + n;
        if (cv == null) {
            return List.of(text(extra.isEmpty() ? figure : figure + " (" + extra + ")"));
        }
        String inParens = "(" + cv + (extra.isEmpty() ? "" : ", " + extra) + ")";
        return List.of(text(figure + " "), s.cv() > HIGH_CV ? new Span(inParens + " high", ReportDocument.Style.BAD)
                : text(inParens));
    }

    private static void noisy(List<String> out, String model, String figure, ReportData.Spread s) {
        if (s.cv() != null && s.cv() > HIGH_CV) {
            out.add(model + " " + figure + " " + Format.cv(s.cv()));
        }
    }

    // ---- load levels and sweeps

    private static void load(ReportDocument doc, ReportData data, List<LoadCharts.Chart> charts, String chartProblem) {
        if (data.loadLevels().isEmpty()) {
            return;
        }
        doc.add(new ReportDocument.Heading(2, "Load"));
        doc.add(new ReportDocument.Paragraph(List.of(text("Every load level of each model (the load_summaries and "
                + "sweep_results views): closed loop (concurrency: that many requests in flight) and open loop "
                + "(rate: Poisson arrivals at that many requests per second), skipped levels included. Requests/s = "
                + "ok requests ÷ wall time (first send to last completion); output tokens/s likewise. Scheduled lag "
                + "(open loop) = actual send − scheduled send. Latencies over the level's successful requests; "
                + "requests under load are not independent, so no confidence interval is shown here. A load mode "
                + "with two levels or more that ran gets a chart against the offered load."))));
        slos(doc, data.slo());
        List<String> lagging = data.loadLevels().stream().filter(l -> l.lagging(LAG_SHARE))
                .map(l -> l.modelAlias() + " at " + Format.describeLoad(l.loadMode(), l.loadLevel())).toList();
        if (!lagging.isEmpty()) {
            doc.add(new ReportDocument.Note(List.of(strong("The client fell behind"), text(" at " + String.join(", ",
                    lagging) + ": the scheduled lag p95 exceeds " + Format.percent(LAG_SHARE) + " of the mean time "
                    + "between arrivals (1000 / rate ms), so the load offered was lower than planned. Read those "
                    + "levels as a lower rate, or run Nightbench on a less busy machine.")), true));
        }
        ClientLimits.note(data.loadLevels()).ifPresent(doc::add);
        if (chartProblem != null) {
            doc.add(new ReportDocument.Note(List.of(text("The load charts could not be drawn: " + chartProblem)), true));
        }
        Map<String, List<ReportData.LoadLevel>> byModel = new LinkedHashMap<>();
        for (ReportData.LoadLevel l : data.loadLevels()) {
            byModel.computeIfAbsent(l.modelAlias(), k -> new ArrayList<>()).add(l);
        }
        byModel.forEach((model, levels) -> {
            doc.add(new ReportDocument.Heading(3, model));
            for (ReportData.SweepResult sweep : data.sweeps()) {
                if (sweep.modelAlias().equals(model)) {
                    doc.add(new ReportDocument.Paragraph(sweepLine(sweep)));
                }
            }
            doc.add(loadTable(levels));
            List<List<Span>> reasons = reasons(levels);
            if (!reasons.isEmpty()) {
                doc.add(new ReportDocument.Bullets(reasons));
            }
            for (LoadCharts.Chart c : charts) {
                if (c.modelAlias().equals(model)) {
                    doc.add(new ReportDocument.Image(model + " under " + c.loadMode() + " load: requests/s, e2e_ms p95 "
                            + "and goodput against the offered load", c.fileName(), c.png()));
                }
            }
        });
        doc.add(ClientLimits.footnote(data.loadLevels()));
    }

    /** The run's SLOs and what goodput and "held" mean. */
    private static void slos(ReportDocument doc, ReportData.Slo slo) {
        String p = "p" + Format.level(slo.percentile());
        List<String> limits = new ArrayList<>();
        if (slo.ttftMs() != null) {
            limits.add("ttft_ms " + p + " ≤ " + Format.level(slo.ttftMs()) + " ms");
        }
        if (slo.tpotMs() != null) {
            limits.add("tpot_ms " + p + " ≤ " + Format.level(slo.tpotMs()) + " ms");
        }
        if (slo.e2eMs() != null) {
            limits.add("e2e_ms " + p + " ≤ " + Format.level(slo.e2eMs()) + " ms");
        }
        if (slo.maxErrorRate() != null) {
            limits.add("error rate ≤ " + Format.share(slo.maxErrorRate()));
        }
        doc.add(new ReportDocument.Paragraph(List.of(strong("SLOs: "), text(limits.isEmpty()
                ? "none in the plan: every level holds, and goodput is not computed."
                : String.join(", ", limits) + "."))));
        doc.add(new ReportDocument.Bullets(List.of(
                List.of(strong("Goodput"), text(" = requests that succeeded and met every latency limit ÷ all "
                        + "requests of the level, failed ones included" + (slo.hasLatencyLimit() ? "."
                        : " (not computed: the plan gives no latency limit)."))),
                List.of(strong("Held"), text(": at most the error-rate limit of the level's requests failed, and the "
                        + p + " of each limited latency over its successful requests is within the limit. A sweep "
                        + "stops at the first level that does not hold; the levels above it are skipped.")))));
    }

    /** "highest load that held: concurrency 8; broke at 16 on ttft_ms, tpot_ms (...)". */
    static List<Span> sweepLine(ReportData.SweepResult w) {
        List<Span> line = new ArrayList<>();
        line.add(strong("Sweep (" + w.loadMode() + "): "));
        String unit = "rate".equals(w.loadMode()) ? " req/s" : "";
        StringBuilder b = new StringBuilder();
        if (w.maxLevelHeld() != null) {
            b.append("highest load that held: ").append(Format.describeLoad(w.loadMode(), w.maxLevelHeld()));
            List<String> at = new ArrayList<>();
            if (w.maxLevelRequestThroughput() != null) {
                at.add(Format.perSecond(w.maxLevelRequestThroughput(), "req/s"));
            }
            if (w.maxLevelOutputTokenThroughput() != null) {
                at.add(Format.perSecond(w.maxLevelOutputTokenThroughput(), "output tokens/s"));
            }
            if (w.maxLevelGoodput() != null) {
                at.add("goodput " + Format.share(w.maxLevelGoodput()));
            }
            if (!at.isEmpty()) {
                b.append(" (").append(String.join(", ", at)).append(')');
            }
        } else {
            b.append(w.brokeAtLevel() != null ? "no level held" : "no level ran");
        }
        if (w.brokeAtLevel() != null) {
            b.append("; broke at ").append(Format.level(w.brokeAtLevel())).append(unit);
            if (w.sloBroken() != null) {
                b.append(" on ").append(String.join(", ", brokenNames(w.sloBroken())));
            }
        } else if (w.maxLevelHeld() != null) {
            b.append("; no level broke");
        }
        b.append('.');
        line.add(w.brokeAtLevel() != null && w.maxLevelHeld() == null ? new Span(b.toString(), ReportDocument.Style.BAD)
                : text(b.toString()));
        String tail = " " + w.levelsRun() + " of " + w.levelsPlanned() + " levels ran"
                + (w.levelsSkipped() > 0 ? ", " + w.levelsSkipped() + " skipped" : "") + "."
                + (w.sloBroken() != null ? " What broke: " + w.sloBroken() + "." : "");
        line.add(text(tail));
        return line;
    }

    /** The figures named in a {@code slo_broken} text: "ttft_ms p95 812.4 ms > 500 ms; error rate ..." → ttft_ms, error rate. */
    static List<String> brokenNames(String sloBroken) {
        List<String> names = new ArrayList<>();
        for (String part : sloBroken.split("; ")) {
            String p = part.strip();
            String name = p.startsWith("error rate") ? "error rate" : p.split(" ", 2)[0];
            if (!name.isEmpty() && !names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private static ReportDocument.Table loadTable(List<ReportData.LoadLevel> levels) {
        TableBuilder t = new TableBuilder().text("Mode").number("Level").number("Offered rate").text("Held")
                .number("Ok/requests").number("Error rate").number("Goodput").number("Requests/s")
                .number("Output tokens/s").number("TTFT p50 / p95").number("TPOT p50 / p95").number("E2E p50 / p95")
                .number("Max in flight").number("Lag mean / p95");
        for (ReportData.LoadLevel l : levels) {
            String mode = l.loadMode() + (l.sweep() ? " (sweep)" : "");
            String level = Format.level(l.loadLevel());
            String offered = l.rate() == null ? Format.NONE : Format.level(l.rate()) + " req/s";
            if (l.skipped() || l.requests() == null) {
                t.row(mode, level, offered, held(l), "—", Format.NONE, Format.NONE, Format.NONE, Format.NONE,
                        Format.NONE, Format.NONE, Format.NONE, Format.NONE, Format.NONE);
                continue;
            }
            String lag = l.scheduledLagMsMean() == null && l.scheduledLagMsP95() == null ? Format.NONE
                    : Format.msPair(l.scheduledLagMsMean(), l.scheduledLagMsP95());
            t.row(mode, level, offered, held(l), l.okRequests() + "/" + l.requests(), Format.share(l.errorRate()),
                    Format.share(l.goodput()),
                    ClientLimits.throughputCell(l, Format.perSecond(l.requestThroughput(), "req/s")),
                    Format.perSecond(l.outputTokenThroughput(), "tok/s"), Format.msPair(l.ttftMsP50(), l.ttftMsP95()),
                    Format.msPair(l.tpotMsP50(), l.tpotMsP95()), Format.msPair(l.e2eMsP50(), l.e2eMsP95()),
                    l.maxInFlight() == null ? Format.NONE : l.maxInFlight().toString(),
                    l.lagging(LAG_SHARE) ? new Span(lag + " behind", ReportDocument.Style.BAD) : text(lag));
        }
        return t.build();
    }

    private static Span held(ReportData.LoadLevel l) {
        if (l.skipped() || l.held() == null) {
            return text("skipped");
        }
        return l.held() ? new Span("held", ReportDocument.Style.GOOD) : new Span("broke", ReportDocument.Style.BAD);
    }

    /** Why each level broke or was skipped, one line each (too long for a table cell); empty when all held. */
    private static List<List<Span>> reasons(List<ReportData.LoadLevel> levels) {
        List<List<Span>> items = new ArrayList<>();
        for (ReportData.LoadLevel l : levels) {
            String at = Format.describeLoad(l.loadMode(), l.loadLevel());
            if (l.skipped() || l.held() == null) {
                items.add(List.of(text(at + " skipped" + (l.skipReason() == null ? "." : ": " + l.skipReason()))));
            } else if (!l.held()) {
                items.add(List.of(new Span(at + " broke", ReportDocument.Style.BAD),
                        text(l.sloBroken() == null ? "." : ": " + l.sloBroken())));
            }
            if (l.limitedByClient()) {
                items.add(ClientLimits.reasonLine(at, l));
            }
        }
        return items;
    }

    private static Span availability(ModelAvailability availability) {
        if (availability == null) {
            return text(null);
        }
        return switch (availability) {
            case FAILED -> new Span("FAILED", ReportDocument.Style.BAD);
            case UNAVAILABLE -> new Span("UNAVAILABLE", ReportDocument.Style.BAD);
            case AVAILABLE -> text("ok");
            case UNKNOWN -> text(availability.value());
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
        if (!data.loadLevels().isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("Latency cells; each load level's share per prompt is "
                    + "in summary.csv."))));
        }
        TableBuilder t = new TableBuilder().text("Model").text("Prompt").number("Avg Latency").number("p95")
                .number("TTFT p50").number("TPOT p50").number("decode_tps p50").number("Success");
        for (ReportData.ModelRow r : data.prompts()) {
            if (!r.serial()) {
                continue;
            }
            t.row(r.modelAlias() + Format.load(r.loadMode(), r.loadLevel()), r.promptId(), Format.ms(r.e2eMsMean()),
                    Format.ms(r.e2eMsP95()), Format.ms(r.ttftMsP50()), Format.ms(r.tpotMsP50()),
                    Format.num(r.decodeTpsP50()), Format.pct(r.successRate()));
        }
        doc.add(t.build());
    }
}
