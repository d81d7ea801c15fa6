package dev.nightbench.report;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;

/**
 * A run's answer checks as the report shows them, read through the V10 views {@code model_quality},
 * {@code prompt_quality} and {@code failed_checks}, and its judge scores ({@link JudgeData}, V12).
 *
 * @param planned       true when the run's plan had checks ({@code run_checks}); false keeps the section out
 * @param models        pass rates per model, in plan order (a model with no checked answer has n = 0)
 * @param prompts       pass rates per model and prompt, in plan order
 * @param failed        the first {@link #FAILED_SHOWN} failed checks, by model, prompt, round and check
 * @param failedTotal   all failed checks of the run
 * @param judge         the judge's scores; {@link JudgeData#NONE} for a run without a rubric
 */
public record QualityData(boolean planned, List<Rate> models, List<Rate> prompts, List<FailedCheck> failed,
                          long failedTotal, JudgeData judge) {

    static final int FAILED_SHOWN = 50;

    static final QualityData NONE = new QualityData(false, List.of(), List.of(), List.of(), 0);

    public QualityData {
        judge = judge == null ? JudgeData.NONE : judge;
    }

    /** Checks only, no judge. */
    public QualityData(boolean planned, List<Rate> models, List<Rate> prompts, List<FailedCheck> failed,
                       long failedTotal) {
        this(planned, models, prompts, failed, failedTotal, JudgeData.NONE);
    }

    /** True when the run has checks or judge scores: the report then has its Quality section and columns. */
    boolean any() {
        return planned || judge.planned();
    }

    /** The model's check pass rate, or null (no checks, or a model not in the list). */
    Rate model(String modelAlias) {
        return models.stream().filter(r -> r.modelAlias().equals(modelAlias)).findFirst().orElse(null);
    }

    /** The model's check pass rate on one prompt, or null. */
    Rate prompt(String modelAlias, String promptId) {
        return prompts.stream().filter(r -> r.modelAlias().equals(modelAlias) && r.promptId().equals(promptId))
                .findFirst().orElse(null);
    }

    /** Pass rate over (answer, check) pairs with its 95 % Wilson interval; rate and bounds null when n = 0. */
    public record Rate(String modelAlias, String promptId, long n, long passes, Double passRate, Double wilsonLow,
                       Double wilsonHigh, long answers, long answersPassed) {
    }

    /** One failed check of one answer: untrusted model output in {@code responsePrefix}, escaped where shown. */
    public record FailedCheck(String modelAlias, String promptId, Integer round, int checkIndex, String description,
                              String reason, String responsePrefix) {
    }

    static QualityData load(JdbcClient jdbc, long runId) {
        boolean planned = jdbc.sql("SELECT EXISTS (SELECT 1 FROM run_checks WHERE run_id = ?)").param(runId)
                .query(Boolean.class).single();
        JudgeData judge = JudgeData.load(jdbc, runId);
        if (!planned) {
            return judge.planned() ? new QualityData(false, List.of(), List.of(), List.of(), 0, judge) : NONE;
        }
        List<Rate> models = jdbc.sql("""
                        SELECT rm.model_alias, NULL AS prompt_id, coalesce(q.n, 0) AS n, coalesce(q.passes, 0) AS passes,
                               q.pass_rate, q.wilson_low, q.wilson_high, coalesce(q.answers, 0) AS answers,
                               coalesce(q.answers_passed, 0) AS answers_passed
                        FROM run_models rm
                        LEFT JOIN model_quality q ON q.run_id = rm.run_id AND q.model_alias = rm.model_alias
                        WHERE rm.run_id = ?
                        ORDER BY rm.ordinal""")
                .param(runId).query(Rate.class).list();
        List<Rate> prompts = jdbc.sql("""
                        SELECT q.model_alias, q.prompt_id, q.n, q.passes, q.pass_rate, q.wilson_low, q.wilson_high,
                               q.answers, q.answers_passed
                        FROM prompt_quality q
                        JOIN run_models rm ON rm.run_id = q.run_id AND rm.model_alias = q.model_alias
                        JOIN run_prompts rp ON rp.run_id = q.run_id AND rp.prompt_id = q.prompt_id
                        WHERE q.run_id = ?
                        ORDER BY rm.ordinal, rp.ordinal""")
                .param(runId).query(Rate.class).list();
        List<FailedCheck> failed = jdbc.sql("""
                        SELECT f.model_alias, f.prompt_id, f.round, f.check_index, f.description, f.reason,
                               f.response_prefix
                        FROM failed_checks f
                        JOIN run_models rm ON rm.run_id = f.run_id AND rm.model_alias = f.model_alias
                        JOIN run_prompts rp ON rp.run_id = f.run_id AND rp.prompt_id = f.prompt_id
                        WHERE f.run_id = ?
                        ORDER BY rm.ordinal, rp.ordinal, f.cell_index, f.request_index, f.attempt, f.check_index
                        LIMIT ?""")
                .params(runId, FAILED_SHOWN).query(FailedCheck.class).list();
        long total = jdbc.sql("SELECT count(*) FROM failed_checks WHERE run_id = ?").param(runId)
                .query(Long.class).single();
        return new QualityData(true, models, prompts, failed, total, judge);
    }
}
