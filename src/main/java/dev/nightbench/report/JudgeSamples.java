package dev.nightbench.report;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The judge's scores that a comparison uses ({@code judged_scores}, V12), added to a {@link SampleSet} per model,
 * load and criterion: on the same prompts as the latency samples (the same text on both sides), so the pooled scores
 * on both sides cover the same questions. Runs without a judge add nothing and compare as before.
 */
final class JudgeSamples {

    private JudgeSamples() {
    }

    /** The run's scores, on prompts whose text is the same in at least one baseline run. */
    static void current(JdbcClient jdbc, SampleSet set, long runId, Long[] baselineIds) {
        add(jdbc, set, """
                SELECT q.model_alias, q.load_mode, q.load_level, s.criterion, s.score
                FROM judged_scores s
                JOIN requests q ON q.request_id = s.request_id
                WHERE s.run_id = ?
                  AND s.prompt_id IN (SELECT cp.prompt_id FROM run_prompts cp
                                      JOIN run_prompts bp ON bp.prompt_id = cp.prompt_id AND bp.text_sha256 = cp.text_sha256
                                      WHERE cp.run_id = ? AND bp.run_id = ANY(?))
                ORDER BY q.request_id, s.criterion""", runId, runId, baselineIds);
    }

    /** The baseline runs' scores on prompts whose text is the same as in the run. */
    static void baseline(JdbcClient jdbc, SampleSet set, long runId, Long[] baselineIds) {
        add(jdbc, set, """
                SELECT q.model_alias, q.load_mode, q.load_level, s.criterion, s.score
                FROM judged_scores s
                JOIN requests q ON q.request_id = s.request_id
                JOIN run_prompts bp ON bp.run_id = s.run_id AND bp.prompt_id = s.prompt_id
                JOIN run_prompts cp ON cp.run_id = ? AND cp.prompt_id = s.prompt_id AND cp.text_sha256 = bp.text_sha256
                WHERE s.run_id = ANY(?) AND bp.run_id = ANY(?)
                ORDER BY q.request_id, s.criterion""", runId, baselineIds, baselineIds);
    }

    private static void add(JdbcClient jdbc, SampleSet set, String sql, Object... params) {
        jdbc.sql(sql).params(params).query(rs -> {
            set.addScore(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getString(4), rs.getInt(5));
        });
    }
}
