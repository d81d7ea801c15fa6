package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.TableBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Quality" section, only for a run whose plan has answer checks ({@code expect:}) or a judge: the pass
 * rate per model with its 95 % Wilson interval; the judge's mean score per model and criterion with its 95 % t
 * interval and how its verdicts ended; the same per model and prompt; the failed checks with their reasons and the
 * answer that failed; and the lowest-scored answers with the judge's reason. Answers and reasons are untrusted text,
 * escaped by the renderers like every other cell.
 */
final class QualityContent {

    /** Answers quoted in the failed-checks and lowest-scored tables are cut to this many characters. */
    static final int ANSWER_CHARS = 120;

    /** The judge's reasons are cut to this many characters. */
    static final int REASON_CHARS = 200;

    private QualityContent() {
    }

    static void quality(ReportDocument doc, QualityData q) {
        if (!q.any()) {
            return;
        }
        JudgeData j = q.judge();
        doc.add(new ReportDocument.Heading(2, "Quality"));
        if (q.planned()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("Answer checks (the prompts' expect: lists) on every "
                    + "successful measured answer; warm-up, failed and skipped requests are not checked. Pass rate = "
                    + "checks passed / (answers × checks); 95 % CI = Wilson score interval. Per model, all prompts and "
                    + "load levels pooled."))));
            TableBuilder models = new TableBuilder().text("Model").number("Checks passed").number("Pass rate")
                    .number("95 % CI").number("Answers passing all");
            for (QualityData.Rate r : q.models()) {
                models.row(r.modelAlias(), r.passes() + " / " + r.n(), Format.share(r.passRate()), interval(r),
                        r.answers() == 0 ? "no answer checked" : r.answersPassed() + " / " + r.answers());
            }
            doc.add(models.build());
        }
        if (j.planned()) {
            judge(doc, j);
        }

        doc.add(new ReportDocument.Heading(3, "Per prompt"));
        doc.add(perPrompt(q).build());

        if (q.planned()) {
            failedChecks(doc, q);
        }
        if (j.planned()) {
            lowest(doc, j);
        }
    }

    /** Who judged, the rubric, the mean scores per model and the verdicts' outcomes. */
    private static void judge(ReportDocument doc, JudgeData j) {
        doc.add(new ReportDocument.Heading(3, "Judge scores"));
        String who = j.judge() == null ? "A judge model"
                : "Judge " + j.judge().model() + " on endpoint " + j.judge().endpoint()
                + (j.judge().modelAlias() == null ? "" : " (plan model " + j.judge().modelAlias() + ")");
        String sample = j.judge() == null || j.judge().sample() == null ? "every measured answer of the latency rounds"
                : "the first " + j.judge().sample() + " measured answers per model × prompt of the latency rounds";
        List<String> rubric = new ArrayList<>();
        for (JudgeData.Criterion c : j.criteria()) {
            rubric.add(c.criterion() + " (" + c.description() + (c.contextOnly() ? "; prompts with context only" : "")
                    + ")");
        }
        doc.add(new ReportDocument.Paragraph(List.of(text(who + " scored " + sample + ", 1 (worst) to 5 (best), on: "
                + String.join("; ", rubric) + ". Mean score with its 95 % CI = mean ± t(0.975, n − 1) · s / √n over "
                + "the n scored answers (model_scores view); a verdict that could not be parsed has no scores."))));
        TableBuilder t = new TableBuilder().text("Model");
        for (JudgeData.Criterion c : j.criteria()) {
            t.number(c.criterion() + " mean (95 % CI)").number("n");
        }
        for (String model : j.outcomes().stream().map(JudgeData.Outcome::modelAlias).toList()) {
            List<Object> cells = new ArrayList<>();
            cells.add(model);
            for (JudgeData.Criterion c : j.criteria()) {
                JudgeData.Score s = j.model(model, c.criterion());
                cells.add(score(s));
                cells.add(s == null ? "0" : String.valueOf(s.n()));
            }
            t.row(cells.toArray());
        }
        if (!t.isEmpty()) {
            doc.add(t.build());
        }
        doc.add(new ReportDocument.Heading(3, "Judge verdicts"));
        TableBuilder o = new TableBuilder().text("Model").number("Judged").number("ok").number("Unparseable")
                .number("Failed").number("Judge latency p50");
        for (JudgeData.Outcome r : j.outcomes()) {
            o.row(r.modelAlias(), String.valueOf(r.judged()), String.valueOf(r.ok()), String.valueOf(r.unparseable()),
                    String.valueOf(r.failed()), Format.ms(r.judgeLatencyP50Ms()));
        }
        if (o.isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("No answer was judged."))));
        } else {
            doc.add(o.build());
        }
    }

    /** Pass rate and mean scores per model × prompt: the checks' columns, then one per criterion. */
    private static TableBuilder perPrompt(QualityData q) {
        JudgeData j = q.judge();
        TableBuilder t = new TableBuilder().text("Model").text("Prompt");
        if (q.planned()) {
            t.number("Checks passed").number("Pass rate").number("95 % CI").number("Answers passing all");
        }
        for (JudgeData.Criterion c : j.criteria()) {
            t.number(c.criterion() + " mean (95 % CI)");
        }
        if (!j.planned()) {
            for (QualityData.Rate r : q.prompts()) {
                t.row(r.modelAlias(), r.promptId(), r.passes() + " / " + r.n(), Format.share(r.passRate()),
                        interval(r), r.answersPassed() + " / " + r.answers());
            }
            return t;
        }
        for (JudgeData.Cell cell : j.cells()) {
            QualityData.Rate r = q.prompt(cell.modelAlias(), cell.promptId());
            List<Object> cells = new ArrayList<>(List.of(cell.modelAlias(), cell.promptId()));
            if (q.planned()) {
                cells.addAll(r == null ? List.of(Format.NONE, Format.NONE, Format.NONE, Format.NONE)
                        : List.of(r.passes() + " / " + r.n(), Format.share(r.passRate()), interval(r),
                        r.answersPassed() + " / " + r.answers()));
            }
            boolean scored = false;
            for (JudgeData.Criterion c : j.criteria()) {
                JudgeData.Score s = j.prompt(cell.modelAlias(), cell.promptId(), c.criterion());
                scored |= s != null;
                cells.add(score(s));
            }
            if (r != null || scored) {
                t.row(cells.toArray());
            }
        }
        return t;
    }

    private static void failedChecks(ReportDocument doc, QualityData q) {
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
                    "#" + f.checkIndex() + " " + f.description(), f.reason(), cut(f.responsePrefix(), ANSWER_CHARS));
        }
        doc.add(failed.build());
    }

    /** The answers the judge liked least, lowest mean over their criteria first. */
    private static void lowest(ReportDocument doc, JudgeData j) {
        doc.add(new ReportDocument.Heading(3, "Lowest-scored answers"));
        if (j.lowest().isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("No answer has scores."))));
            return;
        }
        doc.add(new ReportDocument.Paragraph(List.of(text("The " + j.lowest().size() + " answers with the lowest "
                + "mean score over their criteria (ties in plan order), with the judge's own reason; all scores are "
                + "in the judged_scores view, the judge's prompts and raw verdicts in judge_verdicts."))));
        TableBuilder t = new TableBuilder().text("Model").text("Prompt").number("Round").number("Mean")
                .text("Scores").text("Judge's reason").text("Answer (prefix)");
        for (JudgeData.LowScored a : j.lowest()) {
            t.row(a.modelAlias(), a.promptId(), a.round() == null ? Format.NONE : a.round().toString(),
                    Format.score(a.meanScore()), a.scores(), cut(a.reason(), REASON_CHARS), cut(a.answer(), ANSWER_CHARS));
        }
        doc.add(t.build());
    }

    /** "4.67 (4.10 – 5.23)"; just the mean below n = 2; a dash for none. */
    static String score(JudgeData.Score s) {
        if (s == null) {
            return Format.NONE;
        }
        if (s.ciLow() == null || s.ciHigh() == null) {
            return Format.score(s.mean());
        }
        return String.format(Locale.ROOT, "%s (%.2f – %.2f)", Format.score(s.mean()), s.ciLow(), s.ciHigh());
    }

    private static String interval(QualityData.Rate r) {
        return r.wilsonLow() == null ? Format.NONE : Format.share(r.wilsonLow()) + " – " + Format.share(r.wilsonHigh());
    }

    /** A pass rate with its Wilson interval in one cell: "100.0 % (72.3 % – 100.0 %)". */
    static String rateCell(QualityData.Rate r) {
        if (r == null || r.passRate() == null) {
            return Format.NONE;
        }
        return Format.share(r.passRate()) + " (" + interval(r) + ")";
    }

    private static String cut(String text, int chars) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > chars ? flat.substring(0, chars) + " …" : flat;
    }
}
