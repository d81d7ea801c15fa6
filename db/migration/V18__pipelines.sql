-- Pipelines (issue 13, item 5): the workshop's "SLM drafts, LLM refines". A plan's pipelines: names a draft model, a
-- refine model and a rule that decides when a draft is refined. Each pipeline x prompt x round is a real draft
-- request and, when escalated, a real refine request with the draft in its prompt: both are requests rows of phase
-- 'pipeline' with their pipeline and stage. Every per-model figure reads phase 'measure' (summaries,
-- measured_requests, measured_answers, answer_repeatability, retry_summary, the judge's answers, the comparisons), so
-- a model's own figures never include its pipeline stages; the check views, which did not filter on phase, filter now.

ALTER TABLE requests DROP CONSTRAINT requests_phase_check;
ALTER TABLE requests ADD CONSTRAINT requests_phase_check CHECK (phase IN ('warmup', 'measure', 'pipeline'));
ALTER TABLE requests
    ADD COLUMN pipeline text,                                 -- phase 'pipeline' only: the pipeline's name
    ADD COLUMN stage    text CHECK (stage IN ('draft', 'refine')),
    ADD CONSTRAINT requests_pipeline_stage
        CHECK ((phase = 'pipeline') = (pipeline IS NOT NULL) AND (pipeline IS NULL) = (stage IS NULL));

-- A pipeline round r (1-based) is two requests of its cell: the draft at request_index 2(r-1), the refine (only when
-- escalated) at 2(r-1)+1. Their answers' checks are check_results of phase 'pipeline'.
ALTER TABLE check_results DROP CONSTRAINT check_results_phase_check;
ALTER TABLE check_results ADD CONSTRAINT check_results_phase_check CHECK (phase IN ('measure', 'pipeline'));

-- The pipelines of a run as the plan gave them (escalate: the rule as written, e.g. "check_fails or
-- longer_than_words 40").
CREATE TABLE run_pipelines (
    run_id        bigint NOT NULL REFERENCES runs ON DELETE CASCADE,
    pipeline      text   NOT NULL,
    ordinal       int    NOT NULL,
    draft_model   text   NOT NULL,
    refine_model  text   NOT NULL,
    escalate      text   NOT NULL,
    refine_prompt text   NOT NULL,
    PRIMARY KEY (run_id, pipeline),
    FOREIGN KEY (run_id, draft_model) REFERENCES run_models (run_id, model_alias) ON DELETE CASCADE,
    FOREIGN KEY (run_id, refine_model) REFERENCES run_models (run_id, model_alias) ON DELETE CASCADE
);

-- Same columns as before (so views built on them stay), measure phase only.
CREATE OR REPLACE VIEW checked_answers AS
SELECT c.run_id, c.phase, c.cell_index, c.request_index, c.attempt, q.model_alias, q.prompt_id, q.round,
       q.load_mode, q.load_level, count(*) AS checks, count(*) FILTER (WHERE c.passed) AS passes,
       bool_and(c.passed) AS all_passed
FROM check_results c
JOIN requests q USING (run_id, phase, cell_index, request_index, attempt)
WHERE c.phase = 'measure'
GROUP BY c.run_id, c.phase, c.cell_index, c.request_index, c.attempt, q.model_alias, q.prompt_id, q.round,
         q.load_mode, q.load_level;

CREATE OR REPLACE VIEW failed_checks AS
SELECT c.run_id, q.model_alias, q.prompt_id, q.round, q.load_mode, q.load_level, c.cell_index, c.request_index,
       c.attempt, c.check_index, c.kind, k.description, c.reason, q.response_prefix
FROM check_results c
JOIN requests q USING (run_id, phase, cell_index, request_index, attempt)
JOIN run_checks k ON k.run_id = c.run_id AND k.prompt_id = c.prompt_id AND k.check_index = c.check_index
WHERE NOT c.passed AND c.phase = 'measure';

-- The cost of one request from its model's price per 1K tokens (null when the model has no price); tokens not
-- reported count as 0.
CREATE FUNCTION pipeline_request_cost(prompt_tokens int, output_tokens int, input_per_1k numeric,
                                      output_per_1k numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN input_per_1k IS NULL OR output_per_1k IS NULL THEN NULL
                ELSE (coalesce(prompt_tokens, 0) * input_per_1k + coalesce(output_tokens, 0) * output_per_1k) / 1000.0
           END
$$;

-- One row per pipeline x prompt x round: its draft, its refine when escalated, and the pipeline as a whole. status is
-- the final stage's (the refine's when escalated); e2e_ms = draft e2e + refine e2e (when escalated), only when the
-- final stage succeeded; cost = the stages' costs (final attempts); checks/passes: of the final answer.
CREATE VIEW pipeline_runs AS
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
       f.checks, f.passes, f.all_passed
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
WHERE d.phase = 'pipeline' AND d.stage = 'draft' AND d.is_final;

-- Per run x pipeline: blended latency of the whole pipeline over its successful runs, the escalation rate over the
-- drafts that succeeded (a failed draft is never escalated) with its Wilson 95% interval, the cost of an answered
-- prompt x 1,000 (null when a stage's model has no price), and the final answers' check pass rate (per check, as
-- model_quality) with its Wilson interval.
CREATE VIEW pipeline_summary AS
SELECT rp.run_id, ru.plan_name, ru.run_date, rp.pipeline, rp.ordinal, rp.draft_model, rp.refine_model, rp.escalate,
       count(p.draft_request_id) AS runs,
       count(*) FILTER (WHERE p.status = 'ok') AS ok_runs,
       count(*) FILTER (WHERE p.draft_status = 'ok') AS drafts_ok,
       count(*) FILTER (WHERE p.escalated) AS escalated,
       (count(*) FILTER (WHERE p.escalated))::float8 / nullif(count(*) FILTER (WHERE p.draft_status = 'ok'), 0)
           AS escalation_rate,
       wilson_bound(count(*) FILTER (WHERE p.escalated), count(*) FILTER (WHERE p.draft_status = 'ok'), false)
           AS escalation_low,
       wilson_bound(count(*) FILTER (WHERE p.escalated), count(*) FILTER (WHERE p.draft_status = 'ok'), true)
           AS escalation_high,
       avg(p.e2e_ms) AS e2e_ms_mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY p.e2e_ms) AS e2e_ms_p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY p.e2e_ms) AS e2e_ms_p95,
       sum(p.cost) FILTER (WHERE p.status = 'ok') AS cost,
       CASE WHEN bool_and(p.cost IS NOT NULL) FILTER (WHERE p.status = 'ok')
            THEN 1000 * avg(p.cost) FILTER (WHERE p.status = 'ok') END AS cost_per_1k_prompts,
       sum(p.checks) AS checks, sum(p.passes) AS passes,
       sum(p.passes)::float8 / nullif(sum(p.checks), 0) AS pass_rate,
       wilson_bound(sum(p.passes)::bigint, sum(p.checks)::bigint, false) AS pass_low,
       wilson_bound(sum(p.passes)::bigint, sum(p.checks)::bigint, true) AS pass_high,
       count(p.all_passed) AS answers_checked, count(*) FILTER (WHERE p.all_passed) AS answers_passed
FROM run_pipelines rp
JOIN runs ru ON ru.run_id = rp.run_id
LEFT JOIN pipeline_runs p ON p.run_id = rp.run_id AND p.pipeline = rp.pipeline
GROUP BY rp.run_id, ru.plan_name, ru.run_date, rp.pipeline, rp.ordinal, rp.draft_model, rp.refine_model, rp.escalate;

-- Each pipeline beside its two models alone in the same run (their own serial latency cells, the same prompts and
-- rounds): kind 'pipeline', 'draft alone', 'refine alone', the same figures and definitions as pipeline_summary
-- (a model's runs = its serial measured requests; escalation figures only for the pipeline).
CREATE VIEW pipeline_comparison AS
WITH alone AS (
    SELECT q.run_id, q.model_alias, count(*) AS runs, count(*) FILTER (WHERE q.status = 'ok') AS ok_runs,
           avg(q.e2e_ms) FILTER (WHERE q.status = 'ok') AS e2e_ms_mean,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY q.e2e_ms) FILTER (WHERE q.status = 'ok') AS e2e_ms_p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY q.e2e_ms) FILTER (WHERE q.status = 'ok') AS e2e_ms_p95,
           CASE WHEN bool_and(m.price_input_per_1k IS NOT NULL AND m.price_output_per_1k IS NOT NULL)
                THEN 1000 * avg(pipeline_request_cost(q.prompt_tokens, q.output_tokens, m.price_input_per_1k,
                                                      m.price_output_per_1k)) FILTER (WHERE q.status = 'ok')
           END AS cost_per_1k_prompts,
           sum(c.checks) AS checks, sum(c.passes) AS passes
    FROM requests q
    JOIN run_models m ON m.run_id = q.run_id AND m.model_alias = q.model_alias
    LEFT JOIN checked_answers c ON c.run_id = q.run_id AND c.phase = q.phase AND c.cell_index = q.cell_index
                               AND c.request_index = q.request_index AND c.attempt = q.attempt
    WHERE q.phase = 'measure' AND q.is_final AND q.load_mode = 'serial'
    GROUP BY q.run_id, q.model_alias)
SELECT s.run_id, s.pipeline, s.ordinal, 0 AS position, 'pipeline' AS kind,
       s.draft_model || ' → ' || s.refine_model AS models, s.runs, s.ok_runs, s.escalated, s.drafts_ok,
       s.escalation_rate, s.escalation_low, s.escalation_high, s.e2e_ms_mean, s.e2e_ms_p50, s.e2e_ms_p95,
       s.cost_per_1k_prompts, s.checks, s.passes, s.pass_rate, s.pass_low, s.pass_high
FROM pipeline_summary s
UNION ALL
SELECT s.run_id, s.pipeline, s.ordinal, k.position, k.kind, a.model_alias, a.runs, a.ok_runs, NULL, NULL, NULL, NULL,
       NULL, a.e2e_ms_mean, a.e2e_ms_p50, a.e2e_ms_p95, a.cost_per_1k_prompts, a.checks, a.passes,
       a.passes::float8 / nullif(a.checks, 0),
       wilson_bound(a.passes::bigint, a.checks::bigint, false), wilson_bound(a.passes::bigint, a.checks::bigint, true)
FROM pipeline_summary s
CROSS JOIN LATERAL (VALUES (1, 'draft alone', s.draft_model), (2, 'refine alone', s.refine_model))
    AS k(position, kind, model_alias)
JOIN alone a ON a.run_id = s.run_id AND a.model_alias = k.model_alias;
