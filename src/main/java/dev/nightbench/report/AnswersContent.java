package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.Span;
import dev.nightbench.report.ReportDocument.TableBuilder;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.strong;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Answers" section: whether each model gave the same answer to a prompt in every measured round
 * ({@code answer_repeatability}), and which answers changed against the newest baseline run
 * ({@code answer_changes}); absent for a run without stored answers (runs before V9). Answers are untrusted text,
 * shown as plain text (the renderers escape them), cut to {@link #PREFIX_CHARS} characters.
 */
final class AnswersContent {

    /** Before and after answers are cut to this many characters. */
    static final int PREFIX_CHARS = 80;

    /**
     * What the section shows.
     *
     * @param pairs          model × prompt pairs with measured answers (latency cells)
     * @param truncated      measured answers stored cut at {@code run.answer_max_bytes}
     * @param repeats        pairs that gave more than one distinct answer
     * @param baselineRunId  the run the answers are compared with, or null when there is no baseline
     * @param comparedPairs  pairs answered in both runs on the same prompt text
     * @param changes        pairs whose set of distinct answers differs from the baseline run's
     */
    record Answers(int pairs, int truncated, List<Repeat> repeats, Long baselineRunId, int comparedPairs,
                   List<Change> changes) {

        static final Answers NONE = new Answers(0, 0, List.of(), null, 0, List.of());
    }

    /** A model × prompt that gave {@code distinctAnswers} different answers over {@code rounds} rounds. */
    record Repeat(String modelAlias, String promptId, int rounds, int distinctAnswers, Double temperature, Long seed) {
    }

    /** A model × prompt whose answers changed: each run's most frequent answer, cut short. */
    record Change(String modelAlias, String promptId, String baselinePrefix, String prefix, boolean someAnswerKept) {
    }

    private AnswersContent() {
    }

    static void answers(ReportDocument doc, Answers a) {
        if (a.pairs() == 0) {
            return;
        }
        doc.add(new ReportDocument.Heading(2, "Answers"));
        List<Span> intro = new ArrayList<>(List.of(text("Every answer is stored whole in "), code("answers"),
                text(" (up to run.answer_max_bytes); repeatability is counted by SHA-256 over the measured rounds of "
                        + "each model and prompt (latency cells).")));
        if (a.truncated() > 0) {
            intro.add(text(" " + a.truncated() + " measured answer" + (a.truncated() == 1 ? " was" : "s were")
                    + " longer than that and stored cut (answers.truncated)."));
        }
        doc.add(new ReportDocument.Paragraph(intro));
        if (a.repeats().isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("Every model gave one answer per prompt in every round ("
                    + a.pairs() + " model × prompt pair" + (a.pairs() == 1 ? "" : "s") + ")."))));
        } else {
            List<List<Span>> items = new ArrayList<>();
            for (Repeat r : a.repeats()) {
                items.add(repeatLine(r));
            }
            doc.add(new ReportDocument.Bullets(items));
        }
        changes(doc, a);
    }

    /** "model X gave 3 different answers to prompt Y over 5 rounds at temperature 0 (seed 42): not repeatable". */
    static List<Span> repeatLine(Repeat r) {
        List<Span> line = new ArrayList<>(List.of(strong(r.modelAlias()), text(" gave " + r.distinctAnswers()
                + " different answers to prompt "), strong(r.promptId()), text(" over " + r.rounds() + " rounds")));
        if (r.temperature() == null) {
            line.add(text(" (temperature not recorded)"));
        } else {
            line.add(text(" at temperature " + number(r.temperature())
                    + (r.seed() == null ? " without a seed" : " with seed " + r.seed())));
            if (r.temperature() == 0) {
                line.add(text(": "));
                line.add(new Span("not repeatable", ReportDocument.Style.BAD));
            } else {
                line.add(text(" (expected above temperature 0)"));
            }
        }
        return line;
    }

    private static void changes(ReportDocument doc, Answers a) {
        if (a.baselineRunId() == null) {
            return;
        }
        if (a.changes().isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("No answer changed against baseline run "
                    + a.baselineRunId() + " (" + a.comparedPairs() + " model × prompt pair"
                    + (a.comparedPairs() == 1 ? "" : "s") + " on the same prompt text)."))));
            return;
        }
        doc.add(new ReportDocument.Paragraph(List.of(strong("Changed answers: "), text(a.changes().size() + " of "
                + a.comparedPairs() + " model × prompt pairs answered differently than in baseline run "
                + a.baselineRunId() + " (each run's most frequent answer shown; prompts whose text changed are "
                + "not compared)."))));
        TableBuilder t = new TableBuilder().text("Model").text("Prompt").text("Before (run " + a.baselineRunId() + ")")
                .text("After").text("Some answer kept");
        for (Change c : a.changes()) {
            t.row(c.modelAlias(), c.promptId(), cut(c.baselinePrefix()), cut(c.prefix()), c.someAnswerKept() ? "yes" : "no");
        }
        doc.add(t.build());
    }

    static String cut(String s) {
        if (s == null) {
            return "";
        }
        String oneLine = s.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= PREFIX_CHARS ? oneLine : oneLine.substring(0, PREFIX_CHARS) + " …";
    }

    private static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
