-- Choosing a model (issue 13, items 2 and 3): the six dimensions of the workshop's selection framework side by side
-- per run x model (model_selection), and what a model's answers cost (request_costs, model_costs), from the plan's
-- price per 1K tokens (cloud) or its hardware cost per hour and power draw x energy price over the measured busy time
-- (local: an estimate). The plan's selection: section (constraints, optimise or weights) is kept with the run, so a
-- report regenerated later recommends what the run's plan asked for.

-- The plan's licence and effective cost: section per model (plan, endpoint and model sections merged, see
-- plan/CostSpec). A model with a price is costed by its tokens; these apply to the models without one.
ALTER TABLE run_models
    ADD COLUMN licence           text,              -- as the plan states it, e.g. 'mit'
    ADD COLUMN hardware_per_hour numeric,           -- cost per busy hour of the hardware
    ADD COLUMN power_watts       double precision,  -- power drawn while busy (a measured GPU power wins)
    ADD COLUMN energy_per_kwh    numeric,           -- energy price per kWh
    ADD COLUMN cost_currency     text;              -- currency of every cost and price of the model, e.g. 'EUR'

-- The plan's selection: section. rule 'constraint': dimension with min_value/max_value or allowed (licence,
-- lower-case); 'optimise': the one goal ranking acceptable models; 'weight': a goal's weight in a weighted score.
CREATE TABLE selection_rules (
    run_id     bigint NOT NULL REFERENCES runs ON DELETE CASCADE,
    rule       text   NOT NULL CHECK (rule IN ('constraint', 'optimise', 'weight')),
    dimension  text   NOT NULL,
    min_value  double precision,
    max_value  double precision,
    allowed    text[],
    weight     double precision,
    ordinal    int    NOT NULL,
    PRIMARY KEY (run_id, rule, dimension)
);

-- The estimated cost of every measured request that was sent (final attempts, skipped ones left out).
-- basis 'price': (prompt_tokens x input_per_1k + output_tokens x output_per_1k) / 1000, null without token counts;
-- 'hardware' / 'hardware+energy' / 'energy': the request's e2e time in hours x (hardware_per_hour + watts / 1000 x
-- energy_per_kwh), where watts is nvidia-smi's mean GPU power for the model when measured, else the plan's
-- power_watts. For a serial request that is its share of the busy time; for a request under load (several in flight)
-- it overstates the cost: model_costs prices load phases by their wall time instead.
CREATE VIEW request_costs AS
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
), based AS (
    SELECT r.*,
           CASE WHEN r.priced THEN 'price'
                WHEN r.hardware_per_hour IS NOT NULL AND r.watts IS NOT NULL THEN 'hardware+energy'
                WHEN r.hardware_per_hour IS NOT NULL THEN 'hardware'
                WHEN r.watts IS NOT NULL THEN 'energy' END AS basis,
           coalesce(r.hardware_per_hour, 0) + coalesce(r.watts / 1000.0 * r.energy_per_kwh, 0) AS per_hour
    FROM rates r
)
SELECT q.run_id, q.model_alias, q.request_id, q.prompt_id, q.round, q.load_mode, q.load_level, q.status,
       q.prompt_tokens, q.output_tokens, q.e2e_ms, b.basis, b.cost_currency AS currency, b.watts, b.power_source,
       (CASE WHEN b.basis = 'price' THEN
                 CASE WHEN q.prompt_tokens IS NOT NULL OR q.output_tokens IS NOT NULL
                      THEN (coalesce(q.prompt_tokens, 0) * coalesce(b.price_input_per_1k, 0)
                            + coalesce(q.output_tokens, 0) * coalesce(b.price_output_per_1k, 0)) / 1000.0 END
             WHEN b.basis IS NOT NULL THEN q.e2e_ms / 3600000.0 * b.per_hour END)::float8 AS cost
FROM measured_requests q
JOIN based b ON b.run_id = q.run_id AND b.model_alias = q.model_alias
WHERE q.status <> 'skipped';

-- Per run x model: run_cost (every measured request: serial rounds and load phases), cost_per_request and
-- cost_per_1k_prompts (1000 x cost_per_request). basis 'price': the sum of request_costs over the requests with
-- token counts, divided by them. Time bases (an estimate): busy_ms = the serial requests' e2e summed plus the wall
-- time of each load phase (first send to last completion, however many were in flight), x the cost per hour;
-- divided by every request sent. Null cost columns when the plan gives no price and no cost: section for the model.
CREATE VIEW model_costs AS
WITH serial AS (
    SELECT run_id, model_alias, max(basis) AS basis, max(currency) AS currency, max(watts) AS watts,
           max(power_source) AS power_source,
           count(*) AS requests, count(cost) AS costed_requests, sum(cost) AS cost,
           sum(e2e_ms) FILTER (WHERE load_mode = 'serial') AS serial_busy_ms,
           sum(cost) FILTER (WHERE load_mode = 'serial') AS serial_cost
    FROM request_costs
    GROUP BY run_id, model_alias
), phases AS (
    SELECT run_id, model_alias, sum(wall_ms) AS load_busy_ms
    FROM load_phases WHERE status = 'ran'
    GROUP BY run_id, model_alias
), costed AS (
    SELECT rm.run_id, rm.model_alias, s.basis, coalesce(s.currency, rm.cost_currency) AS currency,
           s.watts AS power_w, s.power_source, coalesce(s.requests, 0) AS requests,
           coalesce(s.serial_busy_ms, 0) + coalesce(p.load_busy_ms, 0) AS busy_ms,
           CASE WHEN s.basis = 'price' THEN s.cost
                WHEN s.basis IS NOT NULL THEN coalesce(s.serial_cost, 0)
                    + coalesce(p.load_busy_ms, 0) / 3600000.0
                      * (coalesce(rm.hardware_per_hour, 0) + coalesce(s.watts / 1000.0 * rm.energy_per_kwh, 0)) END
               AS run_cost,
           CASE WHEN s.basis = 'price' THEN s.costed_requests ELSE s.requests END AS cost_requests
    FROM run_models rm
    LEFT JOIN serial s ON s.run_id = rm.run_id AND s.model_alias = rm.model_alias
    LEFT JOIN phases p ON p.run_id = rm.run_id AND p.model_alias = rm.model_alias
)
SELECT run_id, model_alias, basis, currency, requests, cost_requests, busy_ms, power_w, power_source,
       run_cost::float8 AS run_cost,
       (run_cost / nullif(cost_requests, 0))::float8 AS cost_per_request,
       (1000 * run_cost / nullif(cost_requests, 0))::float8 AS cost_per_1k_prompts
FROM costed;

-- The six dimensions per run x model, with cost: latency (E2E mean and p95 of the serial rounds, ok requests),
-- throughput (decode tokens/s p50, serial), memory (the server's resident size, else its VRAM figure, else the
-- plan's size_mb: memory_source says which), quality (check pass rate, model_quality; mean judge score over the
-- rubric's criteria, model_scores), disk footprint (size_mb, else the size the server reports for the loaded model:
-- disk_source), licence (the plan's, else the first line the server states: licence_source), cost per 1,000
-- prompts (model_costs).
CREATE VIEW model_selection AS
SELECT rm.run_id, rm.model_alias, rm.ordinal, rm.availability,
       s.e2e_ms_mean, s.e2e_ms_p95, s.decode_tps_p50, s.requests AS serial_requests, s.success_rate,
       coalesce(t.memory_mb, t.vram_mb, rm.size_mb::float8) AS memory_mb,
       CASE WHEN t.memory_mb IS NOT NULL THEN 'server' WHEN t.vram_mb IS NOT NULL THEN 'server_vram'
            WHEN rm.size_mb IS NOT NULL THEN 'size_mb' END AS memory_source,
       q.pass_rate, q.n AS checks, j.judge_score, j.criteria AS judge_criteria,
       coalesce(rm.size_mb::float8, t.memory_mb) AS disk_mb,
       CASE WHEN rm.size_mb IS NOT NULL THEN 'size_mb' WHEN t.memory_mb IS NOT NULL THEN 'server' END AS disk_source,
       coalesce(rm.licence, t.licence) AS licence,
       CASE WHEN rm.licence IS NOT NULL THEN 'plan' WHEN t.licence IS NOT NULL THEN 'server' END AS licence_source,
       c.cost_per_1k_prompts, c.cost_per_request, c.run_cost, c.basis AS cost_basis, c.currency
FROM run_models rm
LEFT JOIN summaries s ON s.run_id = rm.run_id AND s.model_alias = rm.model_alias AND s.prompt_id = '*'
                     AND s.load_mode = 'serial'
LEFT JOIN model_quality q ON q.run_id = rm.run_id AND q.model_alias = rm.model_alias
LEFT JOIN (SELECT run_id, model_alias, avg(mean)::float8 AS judge_score, count(*) AS criteria
           FROM model_scores GROUP BY run_id, model_alias) j
       ON j.run_id = rm.run_id AND j.model_alias = rm.model_alias
LEFT JOIN (SELECT run_id, model_alias, max(memory_mb_peak) AS memory_mb, max(vram_mb_peak) AS vram_mb,
                  min(licence) AS licence
           FROM run_model_telemetry WHERE source <> 'nvidia-smi'
           GROUP BY run_id, model_alias) t
       ON t.run_id = rm.run_id AND t.model_alias = rm.model_alias
LEFT JOIN model_costs c ON c.run_id = rm.run_id AND c.model_alias = rm.model_alias;
