package dev.nightbench.report;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;

/**
 * Reads the "Answers" section's data through the V9 views {@code answer_repeatability} and {@code answer_changes},
 * bounded by the two run ids.
 */
final class AnswersQueries {

    private AnswersQueries() {
    }

    /** @param baselineRunId the newest baseline run, or null when the run has none */
    static AnswersContent.Answers load(JdbcClient jdbc, long runId, Long baselineRunId) {
        int pairs = jdbc.sql("SELECT count(*) FROM answer_repeatability WHERE run_id = ?").param(runId)
                .query(Integer.class).single();
        if (pairs == 0) {
            return AnswersContent.Answers.NONE;
        }
        int truncated = jdbc.sql("SELECT count(*) FROM measured_answers WHERE run_id = ? AND truncated").param(runId)
                .query(Integer.class).single();
        List<AnswersContent.Repeat> repeats = jdbc.sql("""
                        SELECT a.model_alias, a.prompt_id, a.rounds, a.distinct_answers, a.temperature, a.seed
                        FROM answer_repeatability a
                        LEFT JOIN run_models rm ON rm.run_id = a.run_id AND rm.model_alias = a.model_alias
                        LEFT JOIN run_prompts rp ON rp.run_id = a.run_id AND rp.prompt_id = a.prompt_id
                        WHERE a.run_id = ? AND a.distinct_answers > 1
                        ORDER BY rm.ordinal, rp.ordinal, a.model_alias, a.prompt_id""")
                .param(runId).query(AnswersContent.Repeat.class).list();
        if (baselineRunId == null) {
            return new AnswersContent.Answers(pairs, truncated, repeats, null, 0, List.of());
        }
        int compared = jdbc.sql("""
                        SELECT count(*)
                        FROM answer_repeatability c
                        JOIN answer_repeatability b ON b.run_id = ? AND b.model_alias = c.model_alias
                             AND b.prompt_id = c.prompt_id
                        JOIN run_prompts pc ON pc.run_id = c.run_id AND pc.prompt_id = c.prompt_id
                        JOIN run_prompts pb ON pb.run_id = b.run_id AND pb.prompt_id = b.prompt_id
                             AND pb.text_sha256 = pc.text_sha256
                        WHERE c.run_id = ?""")
                .params(baselineRunId, runId).query(Integer.class).single();
        List<AnswersContent.Change> changes = jdbc.sql("""
                        SELECT x.model_alias, x.prompt_id, x.baseline_prefix, x.prefix, x.some_answer_kept
                        FROM answer_changes x
                        LEFT JOIN run_models rm ON rm.run_id = x.run_id AND rm.model_alias = x.model_alias
                        LEFT JOIN run_prompts rp ON rp.run_id = x.run_id AND rp.prompt_id = x.prompt_id
                        WHERE x.baseline_run_id = ? AND x.run_id = ?
                        ORDER BY rm.ordinal, rp.ordinal, x.model_alias, x.prompt_id""")
                .params(baselineRunId, runId).query(AnswersContent.Change.class).list();
        return new AnswersContent.Answers(pairs, truncated, repeats, baselineRunId, compared, changes);
    }
}
