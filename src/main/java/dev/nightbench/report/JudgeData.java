package dev.nightbench.report;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;

/**
 * A run's judge scores as the report shows them (V12): who judged, the rubric, mean scores with their 95 % t
 * intervals per model ({@code model_scores}) and per model and prompt ({@code prompt_scores}), how the verdicts ended
 * ({@code judge_outcomes}), and the lowest-scored answers with the judge's reason.
 *
 * @param planned  true when the run has a rubric ({@code run_criteria}); false keeps the judge parts out
 * @param judge    who judged (null when {@code run_judges} has no row)
 * @param criteria the rubric in order
 * @param models   mean score per model and criterion, in plan and rubric order
 * @param prompts  the same per model, prompt and criterion
 * @param outcomes per model: answers judged and how the verdicts ended, in plan order
 * @param lowest   the {@link #LOWEST_SHOWN} answers with the lowest mean score over their criteria
 * @param cells    every (model, prompt) pair of the run in plan order, the rows of the per-prompt table
 */
public record JudgeData(boolean planned, Judge judge, List<Criterion> criteria, List<Score> models,
                        List<Score> prompts, List<Outcome> outcomes, List<LowScored> lowest, List<Cell> cells) {

    static final int LOWEST_SHOWN = 5;

    /** Characters of an answer read for the lowest-scored table (cut further when shown). */
    static final int ANSWER_CHARS_READ = 400;

    static final JudgeData NONE = new JudgeData(false, null, List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of());

    /** {@code run_judges}: the plan model that judged (null for a separate one), its endpoint and model id. */
    public record Judge(String modelAlias, String endpoint, String model, Integer sample) {
    }

    public record Criterion(String criterion, String description, boolean contextOnly) {
    }

    /** A mean judge score and its 95 % t interval (bounds null below n = 2); {@code promptId} null per model. */
    public record Score(String modelAlias, String promptId, String criterion, long n, double mean, Double sd,
                       Double ciLow, Double ciHigh) {
    }

    public record Outcome(String modelAlias, long judged, long ok, long unparseable, long failed,
                          Double judgeLatencyP50Ms) {
    }

    /**
     * A judged answer: its mean over the criteria it was scored on, the scores as "criterion score" in rubric order,
     * the judge's reason and the start of the answer (both untrusted text, escaped where shown).
     */
    public record LowScored(String modelAlias, String promptId, Integer round, double meanScore, String scores,
                            String reason, String answer) {
    }

    public record Cell(String modelAlias, String promptId) {
    }

    static JudgeData load(JdbcClient jdbc, long runId) {
        List<Criterion> criteria = jdbc.sql("""
                        SELECT criterion, description, context_only FROM run_criteria
                        WHERE run_id = ? ORDER BY position, criterion""")
                .param(runId).query(Criterion.class).list();
        if (criteria.isEmpty()) {
            return NONE;
        }
        Judge judge = jdbc.sql("SELECT model_alias, endpoint, model, sample FROM run_judges WHERE run_id = ?")
                .param(runId).query(Judge.class).optional().orElse(null);
        List<Score> models = jdbc.sql("""
                        SELECT s.model_alias, NULL AS prompt_id, s.criterion, s.n, s.mean, s.sd, s.ci_low, s.ci_high
                        FROM model_scores s
                        JOIN run_models rm ON rm.run_id = s.run_id AND rm.model_alias = s.model_alias
                        JOIN run_criteria rc ON rc.run_id = s.run_id AND rc.criterion = s.criterion
                        WHERE s.run_id = ?
                        ORDER BY rm.ordinal, rc.position""")
                .param(runId).query(Score.class).list();
        List<Score> prompts = jdbc.sql("""
                        SELECT s.model_alias, s.prompt_id, s.criterion, s.n, s.mean, s.sd, s.ci_low, s.ci_high
                        FROM prompt_scores s
                        JOIN run_models rm ON rm.run_id = s.run_id AND rm.model_alias = s.model_alias
                        JOIN run_prompts rp ON rp.run_id = s.run_id AND rp.prompt_id = s.prompt_id
                        JOIN run_criteria rc ON rc.run_id = s.run_id AND rc.criterion = s.criterion
                        WHERE s.run_id = ?
                        ORDER BY rm.ordinal, rp.ordinal, rc.position""")
                .param(runId).query(Score.class).list();
        List<Outcome> outcomes = jdbc.sql("""
                        SELECT o.model_alias, o.judged, o.ok, o.unparseable, o.failed, o.judge_latency_p50_ms
                        FROM judge_outcomes o
                        JOIN run_models rm ON rm.run_id = o.run_id AND rm.model_alias = o.model_alias
                        WHERE o.run_id = ?
                        ORDER BY rm.ordinal""")
                .param(runId).query(Outcome.class).list();
        // ties on the mean in plan order, then by round: the same list every time the report is written
        List<LowScored> lowest = jdbc.sql("""
                        SELECT q.model_alias, q.prompt_id, q.round, avg(s.score)::float8 AS mean_score,
                               string_agg(s.criterion || ' ' || s.score, ', ' ORDER BY rc.position) AS scores,
                               v.reason, left(coalesce(a.text, q.response_prefix), ?) AS answer
                        FROM judge_verdicts v
                        JOIN judge_scores s ON s.request_id = v.request_id
                        JOIN run_criteria rc ON rc.run_id = s.run_id AND rc.criterion = s.criterion
                        JOIN requests q ON q.request_id = v.request_id
                        LEFT JOIN answers a ON a.request_id = v.request_id
                        LEFT JOIN run_models rm ON rm.run_id = q.run_id AND rm.model_alias = q.model_alias
                        LEFT JOIN run_prompts rp ON rp.run_id = q.run_id AND rp.prompt_id = q.prompt_id
                        WHERE v.run_id = ? AND v.status = 'ok'
                        GROUP BY v.request_id, q.model_alias, q.prompt_id, q.round, v.reason, a.text, q.response_prefix,
                                 rm.ordinal, rp.ordinal
                        ORDER BY mean_score, rm.ordinal, rp.ordinal, q.round, v.request_id
                        LIMIT ?""")
                .params(ANSWER_CHARS_READ, runId, LOWEST_SHOWN).query(LowScored.class).list();
        List<Cell> cells = jdbc.sql("""
                        SELECT rm.model_alias, rp.prompt_id FROM run_models rm
                        JOIN run_prompts rp ON rp.run_id = rm.run_id
                        WHERE rm.run_id = ? ORDER BY rm.ordinal, rp.ordinal""")
                .param(runId).query(Cell.class).list();
        return new JudgeData(true, judge, criteria, models, prompts, outcomes, lowest, cells);
    }

    /** The model's mean score of a criterion, or null. */
    Score model(String modelAlias, String criterion) {
        return models.stream().filter(s -> s.modelAlias().equals(modelAlias) && s.criterion().equals(criterion))
                .findFirst().orElse(null);
    }

    /** The model's mean score of a criterion on one prompt, or null. */
    Score prompt(String modelAlias, String promptId, String criterion) {
        return prompts.stream().filter(s -> s.modelAlias().equals(modelAlias) && s.promptId().equals(promptId)
                && s.criterion().equals(criterion)).findFirst().orElse(null);
    }
}
