package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.Span;
import dev.nightbench.report.ReportDocument.TableBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nightbench.report.ReportDocument.strong;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Load" section: the SLOs and what goodput and "held" mean, a warning when the client fell behind an
 * open-loop schedule or limited a level ({@link ClientLimits}), then per model its sweeps in one line each, the table
 * of every load level, why a level broke or was skipped, and the load charts.
 */
final class LoadContent {

    /**
     * An open-loop level whose scheduled-lag p95 exceeds this share of its mean inter-arrival time (1000 / rate ms)
     * is flagged: the client fell behind its schedule.
     */
    static final double LAG_SHARE = 0.10;

    private LoadContent() {
    }

    static void load(ReportDocument doc, ReportData data, List<LoadCharts.Chart> charts, String chartProblem) {
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
}
