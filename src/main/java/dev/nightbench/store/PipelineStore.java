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
