package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.TableBuilder;

import java.util.List;

import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Quality" section, only for a run whose plan has answer checks ({@code expect:}): the pass rate per
 * model with its 95 % Wilson interval, the same per model and prompt, and the failed checks with their reasons and
 * the answer that failed (untrusted text, escaped by the renderers like every other cell).
 */
final class QualityContent {

    /** Answers quoted in the failed-checks table are cut to this many characters. */
    static final int ANSWER_CHARS = 120;

    private QualityContent() {
    }

    static void quality(ReportDocument doc, QualityData q) {
        if (!q.planned()) {
            return;
        }
        doc.add(new ReportDocument.Heading(2, "Quality"));
        doc.add(new ReportDocument.Paragraph(List.of(text("Answer checks (the prompts' expect: lists) on every "
                + "successful measured answer; warm-up, failed and skipped requests are not checked. Pass rate = checks "
                + "passed / (answers × checks); 95 % CI = Wilson score interval. Per model, all prompts and load "
                + "levels pooled."))));
        TableBuilder models = new TableBuilder().text("Model").number("Checks passed").number("Pass rate")
                .number("95 % CI").number("Answers passing all");
        for (QualityData.Rate r : q.models()) {
            models.row(r.modelAlias(), r.passes() + " / " + r.n(), Format.share(r.passRate()), interval(r),
                    r.answers() == 0 ? "no answer checked" : r.answersPassed() + " / " + r.answers());
        }
        doc.add(models.build());

        doc.add(new ReportDocument.Heading(3, "Per prompt"));
        TableBuilder prompts = new TableBuilder().text("Model").text("Prompt").number("Checks passed")
                .number("Pass rate").number("95 % CI").number("Answers passing all");
        for (QualityData.Rate r : q.prompts()) {
            prompts.row(r.modelAlias(), r.promptId(), r.passes() + " / " + r.n(), Format.share(r.passRate()),
                    interval(r), r.answersPassed() + " / " + r.answers());
        }
        doc.add(prompts.build());

        doc.add(new ReportDocument.Heading(3, "Failed checks"));
        if (q.failed().isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("None: every checked answer passed every check."))));
            return;
        }
        if (q.failedTotal() > q.failed().size()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("The first " + q.failed().size() + " of "
                    + q.failedTotal() + " failed checks; all are in the failed_checks view."))));
        }
        TableBuilder failed = new TableBuilder().text("Model").text("Prompt").number("Round").text("Check")
                .text("Reason").text("Answer (prefix)");
        for (QualityData.FailedCheck f : q.failed()) {
            failed.row(f.modelAlias(), f.promptId(), f.round() == null ? Format.NONE : f.round().toString(),
                    "#" + f.checkIndex() + " " + f.description(), f.reason(), cut(f.responsePrefix()));
        }
        doc.add(failed.build());
    }

    private static String interval(QualityData.Rate r) {
        return r.wilsonLow() == null ? Format.NONE : Format.share(r.wilsonLow()) + " – " + Format.share(r.wilsonHigh());
    }

    private static String cut(String answer) {
        if (answer == null) {
            return "";
        }
        String flat = answer.replaceAll("\\s+", " ").strip();
        return flat.length() > ANSWER_CHARS ? flat.substring(0, ANSWER_CHARS) + " …" : flat;
    }
}
