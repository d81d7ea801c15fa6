package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.Span;
import dev.nightbench.report.ReportDocument.TableBuilder;
import dev.nightbench.store.ModelAvailability;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static dev.nightbench.report.ReportDocument.strong;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Models" section: the run's own latency cells (one request at a time), a mean with its 95 %
 * confidence interval and coefficient of variation, and a note naming the figures that varied too much to read on
 * their own; for a run with answer checks or a judge, the check pass rate with its Wilson interval and the mean
 * judge score per criterion with its t interval (all prompts pooled; details in {@link QualityContent}). Also says
 * how a model's availability reads in a Status cell (here and in {@link FailuresContent}). The figures come in tables
 * of at most eleven columns, so none scrolls sideways on a laptop: Status, Success and the latencies first, then
 * throughput, tokens and cost, then quality; how to read them is collapsed after them.
 */
final class ModelsContent {

    /** A coefficient of variation above this is flagged: the mean is too noisy to read on its own. */
    static final double HIGH_CV = 0.20;

    private ModelsContent() {
    }

    static void models(ReportDocument doc, ReportData data) {
        doc.add(new ReportDocument.Heading(2, "Models"));
        // two tables (three with checks or a judge) that each fit a laptop screen: Status and Success first
        TableBuilder latency = new TableBuilder().text("Model").text("Status").number("Success").number("Requests")
                .number("n").number("e2e mean ± 95 % CI").number("e2e p95").number("TTFT mean ± 95 % CI")
                .number("TTFT p50").number("TTFT p95").number("TPOT p50");
        TableBuilder throughput = new TableBuilder().text("Model").number("decode_tps p50").number("e2e_tps mean")
                .number("Output tokens").number("Est. cost").number("Cold start");
        QualityData q = data.quality();
        TableBuilder quality = new TableBuilder().text("Model");
        if (q.planned()) {
            quality.number("Check pass rate (95 % CI)");
        }
        for (JudgeData.Criterion c : q.judge().criteria()) {
            quality.number(c.criterion() + " (mean, 95 % CI)");
        }
        List<String> noisy = new ArrayList<>();
        for (ReportData.ModelRow r : data.models()) {
            if (!r.serial()) {
                continue;
            }
            Integer n = r.e2e().n() != null ? r.e2e().n() : r.ttft().n();
            latency.row(r.modelAlias(), availability(r.availability()), Format.pct(r.successRate()),
                    r.okRequests() + "/" + r.requests(), n == null ? Format.NONE : n.toString(), spread(r.e2e(), null),
                    Format.ms(r.e2eMsP95()), spread(r.ttft(), Objects.equals(r.ttft().n(), n) ? null : r.ttft().n()),
                    Format.ms(r.ttftMsP50()), Format.ms(r.ttftMsP95()), Format.ms(r.tpotMsP50()));
            throughput.row(r.modelAlias(), Format.num(r.decodeTpsP50()), Format.num(r.e2eTpsMean()),
                    r.outputTokens() == null ? Format.NONE : r.outputTokens().toString(), Format.cost(r.costEstimate()),
                    Format.ms(r.coldStartMs()));
            List<Object> cells = new ArrayList<>(List.of(r.modelAlias()));
            if (q.planned()) { // quality columns only for runs with checks or a judge: other reports are unchanged
                cells.add(QualityContent.rateCell(q.model(r.modelAlias())));
            }
            for (JudgeData.Criterion c : q.judge().criteria()) {
                cells.add(QualityContent.score(q.judge().model(r.modelAlias(), c.criterion())));
            }
            quality.row(cells.toArray());
            noisy(noisy, r.modelAlias(), "TTFT", r.ttft());
            noisy(noisy, r.modelAlias(), "e2e", r.e2e());
        }
        if (latency.isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("No latency cells in this run."))));
            return;
        }
        doc.add(latency.build());
        if (!noisy.isEmpty()) {
            doc.add(new ReportDocument.Note(List.of(strong("High variation"), text(" (CV above "
                    + Format.percent(HIGH_CV) + "): " + String.join(", ", noisy) + ". Read these means as rough: more "
                    + "rounds narrow the interval; a server that is busy with other work widens it.")), true));
        }
        doc.add(new ReportDocument.Paragraph(List.of(strong("Throughput, tokens and cost"))));
        doc.add(throughput.build());
        if (q.planned() || !q.judge().criteria().isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(strong("Answer quality"), text(" (all prompts pooled)"))));
            doc.add(quality.build());
        }
        doc.add(new ReportDocument.Details("How to read these tables", List.of(new ReportDocument.Paragraph(List.of(
                text("Latency cells (one request at a time); load levels are in the Load section. Latencies over "
                        + "successful measured requests (warm-up excluded); p = percentile (linear interpolation); n = "
                        + "the successful requests a mean is over. A mean is shown with its 95 % confidence interval "
                        + "(mean ± t(0.975, n − 1) · s / √n) and its coefficient of variation CV = s / mean; a CV above "
                        + Format.percent(HIGH_CV) + " is flagged: the requests varied widely, so the mean (and a "
                        + "run-over-run change of that size) may be noise. decode_tps p50 is the median decode speed "
                        + "(TPS), e2e_tps = output tokens / e2e."))))));
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

    static Span availability(ModelAvailability availability) {
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
}
