-- Nightbench's history. Names follow ../shared/METRICS.md: a column named ttft_ms holds exactly
-- what METRICS.md calls ttft_ms. Durations are milliseconds, throughputs tokens per second.

-- One row per benchmark run (one Spring Batch job instance; a restart continues the same run).
CREATE TABLE runs (
    run_id             bigserial PRIMARY KEY,
    job_instance_id    bigint      NOT NULL UNIQUE,
    plan_name          text        NOT NULL,
    plan_path          text        NOT NULL,
    plan_hash          text        NOT NULL,
    plan_snapshot      text        NOT NULL,              -- the plan text before environment interpolation: never a secret value
    run_date           date        NOT NULL,
    label              text,
    simulated          boolean     NOT NULL,              -- true when any endpoint is the built-in simulator
    host               text        NOT NULL,
    nightbench_version text        NOT NULL,
    status             text        NOT NULL DEFAULT 'STARTED', -- STARTED, COMPLETED, FAILED, STOPPED (Spring Batch's)
    failed_models      int         NOT NULL DEFAULT 0,
    pairs_total        int,
    exit_message       text,
    started_at         timestamptz NOT NULL,
    finished_at        timestamptz
);
CREATE INDEX runs_plan_started ON runs (plan_name, started_at DESC);

-- The models of a run and what became of them.
CREATE TABLE run_models (
    run_id              bigint  NOT NULL REFERENCES runs ON DELETE CASCADE,
    model_alias         text    NOT NULL,
    ordinal             int     NOT NULL,
    endpoint_name       text    NOT NULL,
    base_url            text,                             -- never carries a key; null for the simulator
    server_model        text    NOT NULL,                 -- the model id sent to the server
    capabilities        text[]  NOT NULL DEFAULT '{}',
    size_mb             int,
    price_input_per_1k  numeric,
    price_output_per_1k numeric,
    simulated           boolean NOT NULL,
    availability        text    NOT NULL DEFAULT 'unknown'
        CHECK (availability IN ('unknown', 'available', 'unavailable', 'failed')),
    failure_reason      text,
    cold_start_ms       double precision,                 -- TTFT of the model's very first warm-up request
    PRIMARY KEY (run_id, model_alias)
);

-- Prompt texts, stored once per distinct text.
CREATE TABLE prompts (
    text_sha256 text PRIMARY KEY,
    text        text NOT NULL
);

-- The prompts of a run (a prompt id whose text changed between runs shows as a new text_sha256).
CREATE TABLE run_prompts (
    run_id      bigint NOT NULL REFERENCES runs ON DELETE CASCADE,
    prompt_id   text   NOT NULL,
    ordinal     int    NOT NULL,
    text_sha256 text   NOT NULL REFERENCES prompts,
    PRIMARY KEY (run_id, prompt_id)
);

-- One row per request attempt, retries included. A request counts in aggregates once, by its final
-- attempt (is_final). Skipped requests (their model failed) are rows with status 'skipped'.
CREATE TABLE requests (
    request_id             bigserial PRIMARY KEY,
    run_id                 bigint      NOT NULL REFERENCES runs ON DELETE CASCADE,
    phase                  text        NOT NULL CHECK (phase IN ('warmup', 'measure')),
    cell_index             int         NOT NULL,           -- the unit of work (model x prompt x load) in run order
    request_index          int         NOT NULL,           -- position of the request inside its cell
    attempt                int         NOT NULL,           -- 1, 2, ... for retries of the same request
    is_final               boolean     NOT NULL,           -- the attempt that counts
    model_alias            text        NOT NULL,
    prompt_id              text        NOT NULL,
    round                  int,                            -- 1-based round for latency cells
    load_mode              text        NOT NULL DEFAULT 'serial' CHECK (load_mode IN ('serial', 'concurrency', 'rate')),
    load_level             double precision NOT NULL DEFAULT 1, -- concurrency, or request rate in req/s
    status                 text        NOT NULL CHECK (status IN ('ok', 'http_error', 'timeout', 'invalid_response',
                                                                  'truncated_stream', 'connect_error', 'cancelled', 'skipped')),
    error_type             text,
    error_message          text,
    http_status            int,
    retry_after_ms         bigint,
    started_at             timestamptz NOT NULL,
    scheduled_lag_ms       double precision,               -- open-loop load: actual send minus scheduled send
    streamed               boolean     NOT NULL,
    simulated              boolean     NOT NULL,
    prep_ms                double precision,
    ttft_ms                double precision,
    ttfo_ms                double precision,
    e2e_ms                 double precision,
    total_ms               double precision,
    prompt_tokens          int,
    output_tokens          int,
    tokens_source          text CHECK (tokens_source IN ('usage', 'chunks')),
    output_tokens_estimate int,
    tokens_diff_pct        double precision,
    tokens_disagree        boolean GENERATED ALWAYS AS (abs(tokens_diff_pct) > 10) STORED,
    tpot_ms                double precision,
    decode_tps             double precision,
    e2e_tps                double precision,
    chunk_count            int,
    gap_mean_ms            double precision,
    gap_p50_ms             double precision,
    gap_p95_ms             double precision,
    gap_max_ms             double precision,
    finish_reason          text,
    response_prefix        text,
    CONSTRAINT requests_once UNIQUE (run_id, phase, cell_index, request_index, attempt)
);
CREATE INDEX requests_run_model ON requests (run_id, model_alias, prompt_id);

-- Aggregates per run x model x prompt x load, and per run x model x load with prompt_id = '*'.
-- Computed from measure-phase final attempts; latencies over status 'ok' only (METRICS.md).
CREATE TABLE summaries (
    run_id               bigint NOT NULL REFERENCES runs ON DELETE CASCADE,
    model_alias          text   NOT NULL,
    prompt_id            text   NOT NULL,                  -- '*' = all prompts of the model
    load_mode            text   NOT NULL,
    load_level           double precision NOT NULL,
    requests             int    NOT NULL,
    ok_requests          int    NOT NULL,
    success_rate         double precision NOT NULL,
    prompt_tokens        bigint,
    output_tokens        bigint,
    e2e_tps_mean         double precision,
    ttft_ms_mean double precision, ttft_ms_p50 double precision, ttft_ms_p90 double precision, ttft_ms_p95 double precision,
    ttft_ms_p99 double precision, ttft_ms_min double precision, ttft_ms_max double precision, ttft_ms_stddev double precision,
    tpot_ms_mean double precision, tpot_ms_p50 double precision, tpot_ms_p90 double precision, tpot_ms_p95 double precision,
    tpot_ms_p99 double precision, tpot_ms_min double precision, tpot_ms_max double precision, tpot_ms_stddev double precision,
    e2e_ms_mean double precision, e2e_ms_p50 double precision, e2e_ms_p90 double precision, e2e_ms_p95 double precision,
    e2e_ms_p99 double precision, e2e_ms_min double precision, e2e_ms_max double precision, e2e_ms_stddev double precision,
    decode_tps_mean double precision, decode_tps_p50 double precision, decode_tps_p90 double precision, decode_tps_p95 double precision,
    decode_tps_p99 double precision, decode_tps_min double precision, decode_tps_max double precision, decode_tps_stddev double precision,
    PRIMARY KEY (run_id, model_alias, prompt_id, load_mode, load_level)
);

-- The requests that count: measure phase, final attempt.
CREATE VIEW measured_requests AS
SELECT r.*, ru.plan_name, ru.run_date
FROM requests r
JOIN runs ru USING (run_id)
WHERE r.phase = 'measure' AND r.is_final;

-- The per-model figures of every run, newest first.
CREATE VIEW model_summaries AS
SELECT ru.plan_name, ru.run_date, ru.label, ru.simulated, ru.status AS run_status, ru.started_at,
       rm.availability, rm.failure_reason, rm.cold_start_ms, s.*
FROM summaries s
JOIN runs ru USING (run_id)
JOIN run_models rm ON rm.run_id = s.run_id AND rm.model_alias = s.model_alias
WHERE s.prompt_id = '*';

-- The newest completed run of each plan.
CREATE VIEW latest_runs AS
SELECT DISTINCT ON (plan_name) *
FROM runs
WHERE status = 'COMPLETED'
ORDER BY plan_name, started_at DESC, run_id DESC;

-- One line per completed run and model: how a model's figures moved over time.
CREATE VIEW model_trend AS
SELECT ru.plan_name, s.model_alias, ru.run_id, ru.run_date, ru.started_at, ru.simulated,
       s.load_mode, s.load_level, s.requests, s.success_rate,
       s.ttft_ms_p50, s.ttft_ms_p95, s.tpot_ms_p50, s.e2e_ms_p50, s.e2e_ms_p95, s.decode_tps_p50, s.e2e_tps_mean
FROM summaries s
JOIN runs ru USING (run_id)
WHERE s.prompt_id = '*' AND ru.status = 'COMPLETED';
