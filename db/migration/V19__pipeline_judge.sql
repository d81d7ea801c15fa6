-- A pipeline's judge_below escalation (issue 13, item 5: "a judge score below N"): between the two stages the plan's
-- judge scores the draft (the judge step's conversation and criteria, temperature 0, the run's retry policy) and the
-- draft is refined when the mean score over its criteria is below N, or when the judge cannot tell (an unparseable
-- verdict, a failed call). What the judge said is kept here, one row per judged draft (the draft's final, successful
-- attempt). A judge call is never a requests row and never in a benchmarked figure.
CREATE TABLE pipeline_judgements (
    request_id bigint PRIMARY KEY REFERENCES requests ON DELETE CASCADE,   -- the draft (phase 'pipeline', stage 'draft')
    run_id     bigint NOT NULL REFERENCES runs ON DELETE CASCADE,
    status     text   NOT NULL CHECK (status IN ('ok', 'unparseable', 'failed')),
    mean_score float8 CHECK (mean_score BETWEEN 1 AND 5),                  -- over the prompt's criteria
    reason     text,                                                       -- the judge's, or what went wrong
    verdict    text,                                                       -- the judge's reply, when it answered
    latency_ms float8,
    attempts   int    NOT NULL,
    CONSTRAINT pipeline_judgements_score CHECK ((status = 'ok') = (mean_score IS NOT NULL))
);
CREATE INDEX pipeline_judgements_run ON pipeline_judgements (run_id);

-- pipeline_runs as in V18, with the judge's status and mean score of the draft appended (null without judge_below).
CREATE OR REPLACE VIEW pipeline_runs AS
SELECT d.run_id, d.pipeline, d.cell_index, d.prompt_id, d.round,
       d.model_alias AS draft_model, r.model_alias AS refine_model,
       d.request_id AS draft_request_id, r.request_id AS refine_request_id,
       d.status AS draft_status, r.status AS refine_status,
       r.request_id IS NOT NULL AS escalated,
       coalesce(r.status, d.status) AS status,
       coalesce(r.request_id, d.request_id) AS final_request_id,
       d.e2e_ms AS draft_e2e_ms, r.e2e_ms AS refine_e2e_ms,
       CASE WHEN coalesce(r.status, d.status) = 'ok' THEN d.e2e_ms + coalesce(r.e2e_ms, 0) END AS e2e_ms,
       CASE WHEN r.request_id IS NULL THEN pipeline_request_cost(d.prompt_tokens, d.output_tokens,
                                                                 dm.price_input_per_1k, dm.price_output_per_1k)
            ELSE pipeline_request_cost(d.prompt_tokens, d.output_tokens, dm.price_input_per_1k, dm.price_output_per_1k)
               + pipeline_request_cost(r.prompt_tokens, r.output_tokens, rm.price_input_per_1k, rm.price_output_per_1k)
       END AS cost,
       f.checks, f.passes, f.all_passed,
       j.status AS judge_status, j.mean_score AS judge_mean
FROM requests d
LEFT JOIN requests r ON r.run_id = d.run_id AND r.phase = 'pipeline' AND r.cell_index = d.cell_index
                    AND r.request_index = d.request_index + 1 AND r.is_final
JOIN run_models dm ON dm.run_id = d.run_id AND dm.model_alias = d.model_alias
LEFT JOIN run_models rm ON rm.run_id = r.run_id AND rm.model_alias = r.model_alias
LEFT JOIN (SELECT c.run_id, c.cell_index, c.request_index, c.attempt, count(*) AS checks,
                  count(*) FILTER (WHERE c.passed) AS passes, bool_and(c.passed) AS all_passed
           FROM check_results c WHERE c.phase = 'pipeline'
           GROUP BY c.run_id, c.cell_index, c.request_index, c.attempt) f
       ON f.run_id = d.run_id AND f.cell_index = d.cell_index
      AND f.request_index = coalesce(r.request_index, d.request_index) AND f.attempt = coalesce(r.attempt, d.attempt)
LEFT JOIN pipeline_judgements j ON j.request_id = d.request_id
WHERE d.phase = 'pipeline' AND d.stage = 'draft' AND d.is_final;
