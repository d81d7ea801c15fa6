package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.TableBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Judge and human scores" section, only for a run where people scored answers the judge scored too
 * ({@code nightbench annotate}, the {@code score_agreement} view): per criterion the pairs, both means, the
 * quadratic-weighted kappa and Spearman's rho ({@link ScoreAgreement}), then the answers the two disagree on most,
 * side by side (the answer is untrusted text, escaped by the renderers like every other cell). Inserted before the
 * trends, after the quality and judge figures it qualifies.
 */
final class AgreementContent {

    static final String HEADING = "Judge and human scores";

    /** Answers shown side by side, largest disagreement first. */
    static final int ANSWERS_SHOWN = 15;

    /** Answers quoted in the side-by-side table are cut to this many characters. */
    static final int ANSWER_CHARS = 100;

    private AgreementContent() {
    }

    /** One criterion's agreement, criteria in the run's rubric order. */
    record CriterionAgreement(String criterion, ScoreAgreement.Result result) {
    }

    /**
     * One answer scored by the judge and by one rater: the scores by criterion (judge, human), criteria in rubric
     * order; a criterion only one of them scored is missing.
     */
    record AnswerScores(String modelAlias, String promptId, Integer round, String rater, String answer,
                        Map<String, int[]> scores) {

        /** Sum of |judge - human| over the criteria both scored. */
        int distance() {
            return scores.values().stream().mapToInt(p -> Math.abs(p[0] - p[1])).sum();
        }
    }

    /**
     * What the section shows.
     *
     * @param runId     the run
     * @param criteria  every criterion with at least one pair, in rubric order
     * @param answers   the answers with both kinds of scores, largest disagreement first, at most {@link #ANSWERS_SHOWN}
     * @param totalAnswers all answer x rater pairs with both
     * @param raters    distinct raters with a pair
     */
    record Agreement(long runId, List<CriterionAgreement> criteria, List<AnswerScores> answers, int totalAnswers, int raters) {

        static final Agreement NONE = new Agreement(0, List.of(), List.of(), 0, 0);

        boolean any() {
            return !criteria.isEmpty();
        }
    }

    record Pair(long requestId, String modelAlias, String promptId, Integer round, String rater,
                        String criterion, int judgeScore, int humanScore, String answer) {
    }

    /** Reads the run's pairs from {@code score_agreement} and computes the agreement per criterion. */
    static Agreement load(JdbcClient jdbc, long runId) {
        List<Pair> pairs = jdbc.sql("""
                        SELECT s.request_id, s.model_alias, s.prompt_id, r.round, s.rater, s.criterion, s.judge_score,
                               s.human_score, a.text AS answer
                        FROM score_agreement s
                        JOIN requests r ON r.request_id = s.request_id
                        LEFT JOIN answers a ON a.request_id = s.request_id
                        LEFT JOIN run_criteria c ON c.run_id = s.run_id AND c.criterion = s.criterion
                        LEFT JOIN run_models rm ON rm.run_id = s.run_id AND rm.model_alias = s.model_alias
                        LEFT JOIN run_prompts rp ON rp.run_id = s.run_id AND rp.prompt_id = s.prompt_id
                        WHERE s.run_id = ?
                        ORDER BY rm.ordinal, rp.ordinal, r.round, s.request_id, s.rater, c.position""")
                .param(runId).query(Pair.class).list();
        if (pairs.isEmpty()) {
            return Agreement.NONE;
        }
        List<String> order = jdbc.sql("SELECT criterion FROM run_criteria WHERE run_id = ? ORDER BY position, criterion")
                .param(runId).query(String.class).list();
        Map<String, List<int[]>> byCriterion = new LinkedHashMap<>();
        order.forEach(c -> byCriterion.put(c, new ArrayList<>()));
        Map<String, AnswerScores> byAnswer = new LinkedHashMap<>();
        for (Pair p : pairs) {
            int[] scores = {p.judgeScore(), p.humanScore()};
            byCriterion.computeIfAbsent(p.criterion(), c -> new ArrayList<>()).add(scores);
            byAnswer.computeIfAbsent(p.requestId() + "\u0000" + p.rater(), k -> new AnswerScores(p.modelAlias(),
                    p.promptId(), p.round(), p.rater(), p.answer(), new LinkedHashMap<>()))
                    .scores().put(p.criterion(), scores);
        }
        List<CriterionAgreement> criteria = new ArrayList<>();
        byCriterion.forEach((c, list) -> {
            if (!list.isEmpty()) {
                criteria.add(new CriterionAgreement(c, ScoreAgreement.of(list)));
            }
        });
        List<AnswerScores> answers = new ArrayList<>(byAnswer.values());
        // stable: equal distances keep plan order
        answers.sort((a, b) -> Integer.compare(b.distance(), a.distance()));
        long raters = pairs.stream().map(Pair::rater).distinct().count();
        return new Agreement(runId, List.copyOf(criteria), List.copyOf(answers.subList(0, Math.min(ANSWERS_SHOWN,
                answers.size()))), answers.size(), (int) raters);
    }

    /** Adds the section to {@code doc} before its "Trends" heading (else at the end); nothing without pairs. */
    static void insert(ReportDocument doc, Agreement agreement) {
        if (!agreement.any()) {
            return;
        }
        doc.insertBeforeTrends(blocks(agreement));
    }

    static List<ReportDocument.Block> blocks(Agreement agreement) {
        List<ReportDocument.Block> out = new ArrayList<>();
        if (!agreement.any()) {
            return out;
        }
        out.add(new ReportDocument.Heading(2, HEADING));
        out.add(new ReportDocument.Paragraph(List.of(text("Answers scored by the judge and by people (nightbench "
                + "annotate; " + agreement.raters() + " rater" + (agreement.raters() == 1 ? "" : "s") + "), one pair "
                + "per answer, criterion and rater. Weighted kappa = Cohen's kappa with quadratic weights on the 1-5 "
                + "scale (1 = full agreement, 0 = what chance gives, below 0 = worse); Spearman = rank correlation "
                + "(does the judge order answers as people do, even if harsher or kinder). SQL: "), code(
                "SELECT * FROM score_agreement WHERE run_id = " + agreement.runId()))));
        TableBuilder table = new TableBuilder().text("Criterion").number("Pairs").number("Judge mean")
                .number("Human mean").number("Weighted kappa").number("Spearman");
        for (CriterionAgreement c : agreement.criteria()) {
            ScoreAgreement.Result r = c.result();
            table.row(c.criterion(), Integer.toString(r.n()), figure(r.judgeMean()), figure(r.humanMean()),
                    figure(r.kappa()), figure(r.spearman()));
        }
        out.add(table.build());
        out.add(new ReportDocument.Heading(3, "Side by side"));
        List<String> criteria = agreement.criteria().stream().map(CriterionAgreement::criterion).toList();
        out.add(new ReportDocument.Paragraph(List.of(text((agreement.totalAnswers() > agreement.answers().size()
                ? "The " + agreement.answers().size() + " of " + agreement.totalAnswers() + " scored answers"
                : "The scored answers") + " the judge and people disagree on most first; each cell is judge / human."))));
        TableBuilder side = new TableBuilder().text("Model").text("Prompt").number("Round").text("Rater");
        criteria.forEach(side::number);
        side.text("Answer (prefix)");
        for (AnswerScores a : agreement.answers()) {
            List<Object> cells = new ArrayList<>(List.of(a.modelAlias(), a.promptId(),
                    a.round() == null ? Format.NONE : a.round().toString(), a.rater()));
            for (String c : criteria) {
                int[] p = a.scores().get(c);
                cells.add(p == null ? Format.NONE : p[0] + " / " + p[1]);
            }
            cells.add(cut(a.answer()));
            side.row(cells.toArray());
        }
        out.add(side.build());
        return out;
    }

    private static String figure(Double value) {
        return value == null ? Format.NONE : String.format(java.util.Locale.ROOT, "%.2f", value);
    }

    private static String cut(String answer) {
        if (answer == null) {
            return "";
        }
        String flat = answer.replaceAll("\\s+", " ").strip();
        return flat.length() > ANSWER_CHARS ? flat.substring(0, ANSWER_CHARS) + " …" : flat;
    }
}
