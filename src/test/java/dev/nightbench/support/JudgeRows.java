package dev.nightbench.support;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Judge rows (V12) written straight into the database, as the judge step would write them: a rubric, who judged,
 * and a verdict with its scores per answer. For report and comparison tests that need known scores without running a
 * judge model.
 */
public final class JudgeRows {

    private final JdbcClient jdbc;
    private final long runId;

    public JudgeRows(JdbcClient jdbc, long runId) {
        this.jdbc = jdbc;
        this.runId = runId;
    }

    /** The run's rubric, in this order; descriptions "<name> of the answer". */
    public JudgeRows criteria(String... names) {
        for (int i = 0; i < names.length; i++) {
            jdbc.sql("INSERT INTO run_criteria (run_id, criterion, position, description) VALUES (?, ?, ?, ?)")
                    .params(runId, names[i], i, names[i] + " of the answer").update();
        }
        jdbc.sql("INSERT INTO run_judges (run_id, model_alias, endpoint, model, sample, max_tokens) "
                + "VALUES (?, NULL, 'sim', 'sim-judge', NULL, 256)").param(runId).update();
        return this;
    }

    /** An 'ok' verdict on the answer of {@code requestId} with these scores (criterion -> 1..5) and reason. */
    public JudgeRows ok(long requestId, String reason, Map<String, Integer> scores) {
        verdict(requestId, "ok", reason, 120.0);
        for (Map.Entry<String, Integer> s : scores.entrySet()) {
            jdbc.sql("INSERT INTO judge_scores (request_id, run_id, criterion, score) VALUES (?, ?, ?, ?)")
                    .params(requestId, runId, s.getKey(), s.getValue()).update();
        }
        return this;
    }

    /** A verdict without scores: 'unparseable' or 'failed'. */
    public JudgeRows unusable(long requestId, String status, String reason) {
        verdict(requestId, status, reason, "failed".equals(status) ? null : 80.0);
        return this;
    }

    private void verdict(long requestId, String status, String reason, Double latencyMs) {
        jdbc.sql("""
                        INSERT INTO judge_verdicts (request_id, run_id, status, reason, prompt, verdict, latency_ms, attempts)
                        VALUES (?, ?, ?, ?, 'system: rubric', ?, ?, 1)""")
                .params(requestId, runId, status, reason, "failed".equals(status) ? null : "{...}", latencyMs).update();
    }

    /** Scores as a map in the order given: {@code scores("coherence", 4, "factuality", 5)}. */
    public static Map<String, Integer> scores(Object... nameScore) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < nameScore.length; i += 2) {
            m.put((String) nameScore[i], (Integer) nameScore[i + 1]);
        }
        return m;
    }
}
