-- Load testing: concurrency (closed loop) and Poisson-rate (open loop) cells, load sweeps, the plan's SLOs,
-- throughput, goodput and the 95 % confidence intervals of the means. Names follow ../shared/METRICS.md.

-- The plan's SLOs (slo: in the plan), kept with the run so goodput can be (re)computed in SQL.
ALTER TABLE runs
    ADD COLUMN slo_ttft_ms        double precision,        -- a request meets it with ttft_ms <= this
    ADD COLUMN slo_tpot_ms        double precision,        -- ... tpot_ms <= this (answers of <= 1 token have no TPOT and meet it)
    ADD COLUMN slo_e2e_ms         double precision,        -- ... e2e_ms <= this
    ADD COLUMN slo_max_error_rate double precision,        -- a load level holds with at most this share of failed requests
    ADD COLUMN slo_percentile     double precision NOT NULL DEFAULT 95; -- a level holds when this percentile of each latency is within its limit

-- One row per load cell: a model at one concurrency or request rate, as a whole. Written with the cell's
-- requests, in the same transaction.
CREATE TABLE load_phases (
    run_id              bigint           NOT NULL REFERENCES runs ON DELETE CASCADE,
    cell_index          int              NOT NULL,
    model_alias         text             NOT NULL,
    load_mode           text             NOT NULL CHECK (load_mode IN ('concurrency', 'rate')),
    load_level          double precision NOT NULL,         -- concurrency, or request rate in req/s
    sweep               boolean          NOT NULL,         -- a level of the model's sweep
    offered_rate        double precision,                  -- open loop: the Poisson rate offered, req/s; null for a closed loop
    planned_requests    int,                               -- requests per level, or null when bounded by time
    planned_duration_ms bigint,                            -- time per level, or null when bounded by requests
    requests            int              NOT NULL,         -- requests recorded (final attempts, skipped ones included)
    sent                int              NOT NULL,         -- requests sent at least once
    ok_requests         int              NOT NULL,
    wall_ms             double precision,                  -- first send (t0) -> last completion; null when nothing was sent
    max_in_flight       int              NOT NULL,         -- the most requests in flight in the client at once
    started_at          timestamptz      NOT NULL,
    status              text             NOT NULL CHECK (status IN ('ran', 'skipped')),
    held                boolean,                           -- SLOs and error-rate limit held at this level (true with no SLO); null when skipped
    slo_broken          text,                              -- what broke, e.g. 'ttft_ms p95 812.4 ms > 500 ms'
    skip_reason         text,                              -- e.g. 'sweep stopped: SLO ttft_ms p95 812.4 ms > 500 ms broke at concurrency 16'
    PRIMARY KEY (run_id, cell_index)
);

-- Student's t quantile t(0.975, df) for two-sided 95 % confidence intervals: exact values (scipy.stats.t.ppf)
-- for df 1..30, beyond that the Cornish-Fisher expansion around the normal quantile (error < 1e-7).
CREATE FUNCTION t_quantile_975(df bigint) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT CASE
           WHEN df < 1 THEN NULL
           WHEN df <= 30 THEN (ARRAY[12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836,
                                     2.446911851, 2.364624252, 2.306004135, 2.262157163, 2.228138852,
                                     2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546,
                                     2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447,
                                     2.079613845, 2.073873068, 2.068657610, 2.063898562, 2.059538553,
                                     2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456]::double precision[])[df]
           ELSE z + (z ^ 3 + z) / (4 * df)
                  + (5 * z ^ 5 + 16 * z ^ 3 + 3 * z) / (96 * df ^ 2)
                  + (3 * z ^ 7 + 19 * z ^ 5 + 17 * z ^ 3 - 15 * z) / (384 * df ^ 3)
                  + (79 * z ^ 9 + 776 * z ^ 7 + 1482 * z ^ 5 - 1920 * z ^ 3 - 945 * z) / (92160 * df ^ 4)
       END
FROM (SELECT 1.959963984540054::double precision AS z) normal
$$;

-- Half the width of the 95 % confidence interval of a mean: t(0.975, n - 1) * s / sqrt(n); null for n < 2.
CREATE FUNCTION ci95_half_width(stddev double precision, n bigint) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN n >= 2 THEN t_quantile_975(n - 1) * stddev / sqrt(n) END
$$;

ALTER TABLE summaries
    ADD COLUMN error_rate              double precision,   -- (requests - ok_requests) / requests: failures and skips
    ADD COLUMN goodput_requests        int,                -- requests that succeeded and met every latency SLO given
    ADD COLUMN goodput                 double precision,   -- goodput_requests / requests (all of them); null when the plan gives no latency SLO
    ADD COLUMN offered_rate            double precision,   -- rate rows: the request rate offered, req/s (the concurrency is load_level)
    ADD COLUMN wall_ms                 double precision,   -- load rows per model: the phase's wall time (first send -> last completion)
    ADD COLUMN request_throughput      double precision,   -- ok requests / wall time, req/s (load rows per model only)
    ADD COLUMN output_token_throughput double precision,   -- sum of output_tokens of ok requests / wall time, tokens/s
    ADD COLUMN scheduled_lag_ms_mean   double precision,   -- open loop: actual send - scheduled send, first attempts
    ADD COLUMN scheduled_lag_ms_p95    double precision,
    ADD COLUMN scheduled_lag_ms_max    double precision,
    -- each mean with its sample count n (successful requests where the figure is defined), 95 % confidence
    -- interval mean +- t(0.975, n - 1) * stddev / sqrt(n) (null for n < 2) and coefficient of variation stddev / mean
    ADD COLUMN ttft_ms_n int,    ADD COLUMN ttft_ms_ci95_low double precision,    ADD COLUMN ttft_ms_ci95_high double precision,    ADD COLUMN ttft_ms_cv double precision,
    ADD COLUMN tpot_ms_n int,    ADD COLUMN tpot_ms_ci95_low double precision,    ADD COLUMN tpot_ms_ci95_high double precision,    ADD COLUMN tpot_ms_cv double precision,
    ADD COLUMN e2e_ms_n int,     ADD COLUMN e2e_ms_ci95_low double precision,     ADD COLUMN e2e_ms_ci95_high double precision,     ADD COLUMN e2e_ms_cv double precision,
    ADD COLUMN decode_tps_n int, ADD COLUMN decode_tps_ci95_low double precision, ADD COLUMN decode_tps_ci95_high double precision, ADD COLUMN decode_tps_cv double precision;

-- model_summaries selected s.*, which PostgreSQL expands when a view is created: recreate it, unchanged, so it
-- shows the columns added above.
DROP VIEW model_summaries;
CREATE VIEW model_summaries AS
SELECT ru.plan_name, ru.run_date, ru.label, ru.simulated, ru.status AS run_status, ru.started_at,
       rm.availability, rm.failure_reason, rm.cold_start_ms, s.*
FROM summaries s
JOIN runs ru USING (run_id)
JOIN run_models rm ON rm.run_id = s.run_id AND rm.model_alias = s.model_alias
WHERE s.prompt_id = '*';

-- Every load level of every run, per model (skipped levels too): the offered load beside what it got.
CREATE VIEW load_summaries AS
SELECT ru.plan_name, ru.run_date, ru.simulated, p.run_id, p.model_alias, p.load_mode, p.load_level, p.sweep,
       p.status AS phase_status, p.offered_rate, p.planned_requests, p.planned_duration_ms, p.max_in_flight,
       p.held, p.slo_broken, p.skip_reason, p.cell_index,
       s.requests, s.ok_requests, s.success_rate, s.error_rate, s.goodput, s.goodput_requests,
       s.wall_ms, s.request_throughput, s.output_token_throughput,
       s.scheduled_lag_ms_mean, s.scheduled_lag_ms_p95, s.scheduled_lag_ms_max,
       s.ttft_ms_p50, s.ttft_ms_p95, s.tpot_ms_p50, s.tpot_ms_p95, s.e2e_ms_p50, s.e2e_ms_p95
FROM load_phases p
JOIN runs ru USING (run_id)
LEFT JOIN summaries s ON s.run_id = p.run_id AND s.model_alias = p.model_alias AND s.prompt_id = '*'
                     AND s.load_mode = p.load_mode AND s.load_level = p.load_level;

-- Per run x model x sweep: the highest level that held (every SLO and the error-rate limit within bounds),
-- the level that broke and what broke, with the throughput at the highest level that held.
CREATE VIEW sweep_results AS
WITH levels AS (
    SELECT p.*,
           min(p.load_level) FILTER (WHERE p.held = false)
               OVER (PARTITION BY p.run_id, p.model_alias, p.load_mode) AS first_broken
    FROM load_phases p
    WHERE p.sweep
), per_sweep AS (
    SELECT run_id, model_alias, load_mode,
           max(load_level) FILTER (WHERE held AND load_level < coalesce(first_broken, 'infinity')) AS max_level_held,
           min(first_broken) AS broke_at_level,
           min(slo_broken) FILTER (WHERE load_level = first_broken) AS slo_broken,
           count(*) AS levels_planned,
           count(*) FILTER (WHERE status = 'ran') AS levels_run,
           count(*) FILTER (WHERE status = 'skipped') AS levels_skipped
    FROM levels
    GROUP BY run_id, model_alias, load_mode
)
SELECT ru.plan_name, ru.run_date, ru.simulated, w.run_id, w.model_alias, w.load_mode, w.max_level_held,
       w.broke_at_level, w.slo_broken, w.levels_planned, w.levels_run, w.levels_skipped,
       s.request_throughput AS max_level_request_throughput,
       s.output_token_throughput AS max_level_output_token_throughput,
       s.goodput AS max_level_goodput
FROM per_sweep w
JOIN runs ru USING (run_id)
LEFT JOIN summaries s ON s.run_id = w.run_id AND s.model_alias = w.model_alias AND s.prompt_id = '*'
                     AND s.load_mode = w.load_mode AND s.load_level = w.max_level_held;
