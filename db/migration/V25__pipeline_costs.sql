-- Pipelines' cost for every costed model (issue 13, items 3 and 5). V18 costed a pipeline stage by its model's price
-- per 1K tokens only, so a pipeline with a local model (costed by the plan's cost: section, V17) had no cost. Here a stage
-- is costed exactly as V17 costs its model's own measured requests: one rate per run x model (model_cost_rates) and
-- one formula (estimated_cost), which request_costs now reads too (same columns, same figures). basis 'price': the
-- stage's tokens x its model's price; 'hardware' / 'hardware+energy' / 'energy' (an estimate, the workshop's energy
-- heuristic): the stage's e2e time x (hardware per hour + watts / 1000 x energy per kWh). Pipeline stages are serial
-- requests, so a stage's e2e is its share of the busy time, and a pipeline's busy time per stage is the sum of its
-- stage requests' e2e. A draft on local hardware and a cloud refine model (a mixed pipeline) add up in the models'
-- currency (the plan validator allows one currency for all costed models; a model without one, such as a price with
-- no cost: currency, is taken to be in the other's; two different ones are never added).

-- Per run x model: how its requests are costed (V17 request_costs' rates, unchanged). per_hour: hardware per hour plus
-- watts / 1000 x energy per kWh, for the time bases; watts is nvidia-smi's mean GPU power for the model when measured,
-- else the plan's power_watts (power_source).
CREATE VIEW model_cost_rates AS
WITH rates AS (
    SELECT rm.run_id, rm.model_alias, rm.price_input_per_1k, rm.price_output_per_1k, rm.hardware_per_hour,
           rm.energy_per_kwh, rm.cost_currency,
           (rm.price_input_per_1k IS NOT NULL OR rm.price_output_per_1k IS NOT NULL) AS priced,
           CASE WHEN rm.energy_per_kwh IS NOT NULL THEN coalesce(g.gpu_power_w_mean, rm.power_watts) END AS watts,
           CASE WHEN rm.energy_per_kwh IS NULL THEN NULL
                WHEN g.gpu_power_w_mean IS NOT NULL THEN 'measured' WHEN rm.power_watts IS NOT NULL THEN 'plan' END
               AS power_source
    FROM run_models rm
    LEFT JOIN run_model_telemetry g ON g.run_id = rm.run_id AND g.model_alias = rm.model_alias
                                   AND g.source = 'nvidia-smi' AND g.status = 'ok'
)
SELECT r.run_id, r.model_alias,
       CASE WHEN r.priced THEN 'price'
            WHEN r.hardware_per_hour IS NOT NULL AND r.watts IS NOT NULL THEN 'hardware+energy'
            WHEN r.hardware_per_hour IS NOT NULL THEN 'hardware'
            WHEN r.watts IS NOT NULL THEN 'energy' END AS basis,
       r.cost_currency AS currency, r.price_input_per_1k, r.price_output_per_1k, r.hardware_per_hour, r.watts,
       r.power_source, r.energy_per_kwh,
       (coalesce(r.hardware_per_hour, 0) + coalesce(r.watts / 1000.0 * r.energy_per_kwh, 0))::float8 AS per_hour
FROM rates r;

-- The cost of one request (V17's formula): basis 'price': (prompt tokens x input price + output tokens x output price)
-- / 1000, a missing token count or price counting 0, null when neither token count was reported; a time basis: e2e in
-- hours x per_hour; null without a basis.
CREATE FUNCTION estimated_cost(basis text, prompt_tokens int, output_tokens int, e2e_ms double precision,
                               input_per_1k numeric, output_per_1k numeric, per_hour double precision)
    RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$
    SELECT (CASE WHEN basis = 'price' THEN
                     CASE WHEN prompt_tokens IS NOT NULL OR output_tokens IS NOT NULL
                          THEN (coalesce(prompt_tokens, 0) * coalesce(input_per_1k, 0)
                                + coalesce(output_tokens, 0) * coalesce(output_per_1k, 0)) / 1000.0 END
                 WHEN basis IS NOT NULL THEN e2e_ms / 3600000.0 * per_hour END)::float8
$$;

-- V17's request_costs over the shared rates and formula: the same columns and figures.
CREATE OR REPLACE VIEW request_costs AS
SELECT q.run_id, q.model_alias, q.request_id, q.prompt_id, q.round, q.load_mode, q.load_level, q.status,
       q.prompt_tokens, q.output_tokens, q.e2e_ms, b.basis, b.currency, b.watts, b.power_source,
       estimated_cost(b.basis, q.prompt_tokens, q.output_tokens, q.e2e_ms, b.price_input_per_1k,
                      b.price_output_per_1k, b.per_hour) AS cost
FROM measured_requests q
JOIN model_cost_rates b ON b.run_id = q.run_id AND b.model_alias = q.model_alias
WHERE q.status <> 'skipped';

-- The cost of every pipeline stage that was sent (final attempts, phase 'pipeline'), as request_costs costs a measured
-- request of the same model.
CREATE VIEW pipeline_stage_costs AS
SELECT q.run_id, q.pipeline, q.stage, q.model_alias, q.request_id, q.cell_index, q.request_index, q.prompt_id,
       q.round, q.status, q.prompt_tokens, q.output_tokens, q.e2e_ms, b.basis, b.currency, b.watts, b.power_source,
       estimated_cost(b.basis, q.prompt_tokens, q.output_tokens, q.e2e_ms, b.price_input_per_1k,
                      b.price_output_per_1k, b.per_hour) AS cost
FROM requests q
JOIN model_cost_rates b ON b.run_id = q.run_id AND b.model_alias = q.model_alias
WHERE q.phase = 'pipeline' AND q.is_final AND q.status <> 'skipped';

-- A model alone, as pipeline_comparison sets it beside a pipeline: its answered serial measured requests (final
-- attempts, status ok), their busy time (e2e summed), cost and mean cost per answer (null when one lacks a cost).
CREATE VIEW serial_answer_costs AS
SELECT run_id, model_alias, max(basis) AS basis, max(currency) AS currency, count(*) AS answered,
       sum(e2e_ms) AS busy_ms, sum(cost) AS cost,
       CASE WHEN bool_and(cost IS NOT NULL) THEN avg(cost) END AS cost_per_answer
FROM request_costs
WHERE load_mode = 'serial' AND status = 'ok'
GROUP BY run_id, model_alias;

-- pipeline_runs as in V19, cost now from each stage's model's price or cost: (pipeline_stage_costs); null when a stage
-- has no cost, or when the pipeline's two models are costed in different currencies. Appended: each stage's basis and
-- cost, and the currency.
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
       (CASE WHEN dm.currency IS DISTINCT FROM rm.currency AND dm.currency IS NOT NULL AND rm.currency IS NOT NULL
                 THEN NULL
             WHEN r.request_id IS NULL THEN dc.cost
             ELSE dc.cost + rc.cost END)::numeric AS cost,
       f.checks, f.passes, f.all_passed,
       j.status AS judge_status, j.mean_score AS judge_mean,
       dm.basis AS draft_cost_basis, rm.basis AS refine_cost_basis, dc.cost AS draft_cost, rc.cost AS refine_cost,
       coalesce(dm.currency, rm.currency) AS currency
FROM requests d
JOIN run_pipelines rp ON rp.run_id = d.run_id AND rp.pipeline = d.pipeline
LEFT JOIN requests r ON r.run_id = d.run_id AND r.phase = 'pipeline' AND r.cell_index = d.cell_index
                    AND r.request_index = d.request_index + 1 AND r.is_final
JOIN model_cost_rates dm ON dm.run_id = d.run_id AND dm.model_alias = d.model_alias
JOIN model_cost_rates rm ON rm.run_id = rp.run_id AND rm.model_alias = rp.refine_model
LEFT JOIN pipeline_stage_costs dc ON dc.request_id = d.request_id
LEFT JOIN pipeline_stage_costs rc ON rc.request_id = r.request_id
LEFT JOIN (SELECT c.run_id, c.cell_index, c.request_index, c.attempt, count(*) AS checks,
                  count(*) FILTER (WHERE c.passed) AS passes, bool_and(c.passed) AS all_passed
           FROM check_results c WHERE c.phase = 'pipeline'
           GROUP BY c.run_id, c.cell_index, c.request_index, c.attempt) f
       ON f.run_id = d.run_id AND f.cell_index = d.cell_index
      AND f.request_index = coalesce(r.request_index, d.request_index) AND f.attempt = coalesce(r.attempt, d.attempt)
LEFT JOIN pipeline_judgements j ON j.request_id = d.request_id
WHERE d.phase = 'pipeline' AND d.stage = 'draft' AND d.is_final;

-- pipeline_summary as in V18 (cost and cost_per_1k_prompts now for price:, cost: and mixed pipelines), over the
-- pipeline runs that answered (final stage ok); cost is now null, like cost_per_1k_prompts, when one of those runs has
-- no cost (V18 summed the runs that had one). Appended: the currency; each stage model's basis; cost_estimate (a
-- stage's model is costed by time: an estimate); cost_per_run (mean cost of an answered run); per stage its busy time
-- (e2e summed) and cost over those runs (draft_cost + refine_cost = cost; a stage whose model has no cost: null);
-- the refine model alone's cost per 1,000
-- prompts (its own answered serial requests, serial_answer_costs) and the blended cost against it
-- (cost_vs_refine_alone = cost_per_1k_prompts / refine_alone_cost_per_1k; 0.3: the pipeline costs 30 % of refine-only).
CREATE OR REPLACE VIEW pipeline_summary AS
WITH s AS (
    SELECT rp.run_id, ru.plan_name, ru.run_date, rp.pipeline, rp.ordinal, rp.draft_model, rp.refine_model,
           rp.escalate,
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
           CASE WHEN bool_and(p.cost IS NOT NULL) FILTER (WHERE p.status = 'ok')
                THEN sum(p.cost) FILTER (WHERE p.status = 'ok') END AS cost,
           CASE WHEN bool_and(p.cost IS NOT NULL) FILTER (WHERE p.status = 'ok')
                THEN 1000 * avg(p.cost) FILTER (WHERE p.status = 'ok') END AS cost_per_1k_prompts,
           sum(p.checks) AS checks, sum(p.passes) AS passes,
           sum(p.passes)::float8 / nullif(sum(p.checks), 0) AS pass_rate,
           wilson_bound(sum(p.passes)::bigint, sum(p.checks)::bigint, false) AS pass_low,
           wilson_bound(sum(p.passes)::bigint, sum(p.checks)::bigint, true) AS pass_high,
           count(p.all_passed) AS answers_checked, count(*) FILTER (WHERE p.all_passed) AS answers_passed,
           sum(p.draft_e2e_ms) FILTER (WHERE p.status = 'ok') AS draft_busy_ms,
           coalesce(sum(p.refine_e2e_ms) FILTER (WHERE p.status = 'ok'), 0) AS refine_busy_ms,
           sum(p.draft_cost) FILTER (WHERE p.status = 'ok') AS draft_cost,
           sum(p.refine_cost) FILTER (WHERE p.status = 'ok') AS refine_cost
    FROM run_pipelines rp
    JOIN runs ru ON ru.run_id = rp.run_id
    LEFT JOIN pipeline_runs p ON p.run_id = rp.run_id AND p.pipeline = rp.pipeline
    GROUP BY rp.run_id, ru.plan_name, ru.run_date, rp.pipeline, rp.ordinal, rp.draft_model, rp.refine_model,
             rp.escalate
)
SELECT s.run_id, s.plan_name, s.run_date, s.pipeline, s.ordinal, s.draft_model, s.refine_model, s.escalate, s.runs,
       s.ok_runs, s.drafts_ok, s.escalated, s.escalation_rate, s.escalation_low, s.escalation_high, s.e2e_ms_mean,
       s.e2e_ms_p50, s.e2e_ms_p95, s.cost, s.cost_per_1k_prompts, s.checks, s.passes, s.pass_rate, s.pass_low,
       s.pass_high, s.answers_checked, s.answers_passed,
       coalesce(dm.currency, rm.currency) AS currency, dm.basis AS draft_cost_basis, rm.basis AS refine_cost_basis,
       coalesce(dm.basis <> 'price', false) OR coalesce(rm.basis <> 'price', false) AS cost_estimate,
       (s.cost_per_1k_prompts / 1000)::float8 AS cost_per_run,
       s.draft_busy_ms, s.refine_busy_ms,
       s.draft_cost, CASE WHEN rm.basis IS NOT NULL THEN coalesce(s.refine_cost, 0) END AS refine_cost,
       (1000 * a.cost_per_answer)::float8 AS refine_alone_cost_per_1k,
       (s.cost_per_1k_prompts / nullif(1000 * a.cost_per_answer, 0)::numeric)::float8 AS cost_vs_refine_alone
FROM s
JOIN model_cost_rates dm ON dm.run_id = s.run_id AND dm.model_alias = s.draft_model
JOIN model_cost_rates rm ON rm.run_id = s.run_id AND rm.model_alias = s.refine_model
LEFT JOIN serial_answer_costs a ON a.run_id = s.run_id AND a.model_alias = s.refine_model;

-- pipeline_comparison as in V18, a model alone costed as its own requests are (serial_answer_costs: its answered
-- serial requests, price or cost:). Appended: cost_basis (a pipeline's: 'draft basis → refine basis' when they
-- differ), currency (a model alone without one: the pipeline's), cost_estimate, cost_per_run (cost of one answered
-- prompt) and cost_vs_refine_alone (this row's cost per 1,000 prompts / the refine model alone's; 1 for the refine
-- model itself).
CREATE OR REPLACE VIEW pipeline_comparison AS
WITH alone AS (
    SELECT q.run_id, q.model_alias, count(*) AS runs, count(*) FILTER (WHERE q.status = 'ok') AS ok_runs,
           avg(q.e2e_ms) FILTER (WHERE q.status = 'ok') AS e2e_ms_mean,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY q.e2e_ms) FILTER (WHERE q.status = 'ok') AS e2e_ms_p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY q.e2e_ms) FILTER (WHERE q.status = 'ok') AS e2e_ms_p95,
           sum(c.checks) AS checks, sum(c.passes) AS passes
    FROM requests q
    LEFT JOIN checked_answers c ON c.run_id = q.run_id AND c.phase = q.phase AND c.cell_index = q.cell_index
                               AND c.request_index = q.request_index AND c.attempt = q.attempt
    WHERE q.phase = 'measure' AND q.is_final AND q.load_mode = 'serial'
    GROUP BY q.run_id, q.model_alias)
SELECT s.run_id, s.pipeline, s.ordinal, 0 AS position, 'pipeline' AS kind,
       s.draft_model || ' → ' || s.refine_model AS models, s.runs, s.ok_runs, s.escalated, s.drafts_ok,
       s.escalation_rate, s.escalation_low, s.escalation_high, s.e2e_ms_mean, s.e2e_ms_p50, s.e2e_ms_p95,
       s.cost_per_1k_prompts, s.checks, s.passes, s.pass_rate, s.pass_low, s.pass_high,
       CASE WHEN s.draft_cost_basis = s.refine_cost_basis THEN s.draft_cost_basis
            ELSE s.draft_cost_basis || ' → ' || s.refine_cost_basis END AS cost_basis,
       s.currency, s.cost_estimate, s.cost_per_run, s.cost_vs_refine_alone
FROM pipeline_summary s
UNION ALL
SELECT s.run_id, s.pipeline, s.ordinal, k.position, k.kind, a.model_alias, a.runs, a.ok_runs, NULL, NULL, NULL, NULL,
       NULL, a.e2e_ms_mean, a.e2e_ms_p50, a.e2e_ms_p95, (1000 * m.cost_per_answer)::numeric, a.checks, a.passes,
       a.passes::float8 / nullif(a.checks, 0),
       wilson_bound(a.passes::bigint, a.checks::bigint, false), wilson_bound(a.passes::bigint, a.checks::bigint, true),
       r.basis, coalesce(r.currency, s.currency), coalesce(r.basis <> 'price', false), m.cost_per_answer,
       CASE WHEN k.kind = 'refine alone' THEN CASE WHEN m.cost_per_answer > 0 THEN 1.0::float8 END
            WHEN rc.currency IS NULL OR r.currency IS NULL OR rc.currency = r.currency
            THEN m.cost_per_answer / nullif(s.refine_alone_cost_per_1k / 1000, 0) END
FROM pipeline_summary s
CROSS JOIN LATERAL (VALUES (1, 'draft alone', s.draft_model), (2, 'refine alone', s.refine_model))
    AS k(position, kind, model_alias)
JOIN alone a ON a.run_id = s.run_id AND a.model_alias = k.model_alias
JOIN model_cost_rates r ON r.run_id = s.run_id AND r.model_alias = k.model_alias
JOIN model_cost_rates rc ON rc.run_id = s.run_id AND rc.model_alias = s.refine_model
LEFT JOIN serial_answer_costs m ON m.run_id = s.run_id AND m.model_alias = k.model_alias;
