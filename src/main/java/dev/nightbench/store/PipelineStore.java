package dev.nightbench.store;

import dev.nightbench.plan.PipelineSpec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.List;

/**
 * Registers a run's pipelines ({@code run_pipelines}, V18) as the plan gave them, so the {@code pipeline_summary}
 * view knows a pipeline's refine model and rule even when no draft was escalated. The stages themselves are
 * {@code requests} rows of phase {@value RequestRow#PIPELINE} ({@link RequestStore}).
 */
@Repository
public class PipelineStore {

    private final JdbcTemplate jdbc;

    PipelineStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What the judge said of a pipeline's draft for a {@code judge_below} escalation ({@code pipeline_judgements}, V19).
     *
     * @param status    {@code ok}, {@code unparseable} or {@code failed}
     * @param meanScore the mean over the criteria, only when ok
     */
    public record Judgement(long runId, int cellIndex, int requestIndex, int attempt, String status, Double meanScore,
                            String reason, String verdict, Double latencyMs, int attempts) {
    }

    /** In the measure chunk's transaction, after the cell's requests rows (the draft's row is found by its key). */
    public void insertJudgements(List<Judgement> judgements) {
        for (Judgement j : judgements) {
            int rows = jdbc.update("INSERT INTO pipeline_judgements (request_id, run_id, status, mean_score, reason,"
                    + " verdict, latency_ms, attempts) SELECT request_id, run_id, ?, ?, ?, ?, ?, ? FROM requests"
                    + " WHERE run_id = ? AND phase = 'pipeline' AND cell_index = ? AND request_index = ? AND attempt = ?",
                    j.status(), j.meanScore(), PgText.storable(j.reason()), PgText.storable(j.verdict()), j.latencyMs(),
                    j.attempts(), j.runId(), j.cellIndex(), j.requestIndex(), j.attempt());
            if (rows != 1) {
                throw new IllegalStateException("no draft request " + j.cellIndex() + "/" + j.requestIndex() + "/"
                        + j.attempt() + " of run " + j.runId() + " for its judgement");
            }
        }
    }

    /** In the registerRun step's transaction, after the run's models. */
    public void register(long runId, List<PipelineSpec> pipelines) {
        for (int i = 0; i < pipelines.size(); i++) {
            PipelineSpec p = pipelines.get(i);
            jdbc.update("INSERT INTO run_pipelines (run_id, pipeline, ordinal, draft_model, refine_model, escalate,"
                    + " refine_prompt) VALUES (?, ?, ?, ?, ?, ?, ?)", runId, p.name(), i, p.draft(), p.refine(),
                    p.escalate().describe(), p.refinePrompt());
        }
    }
}
