-- Nothing hidden (../shared/METRICS.md "Phases", "Figures the client could not measure truthfully", "Aggregates"):
-- retries, reconnects and the backoff they cost per model and load level; plausibility flags per request, counted in
-- the aggregates that exclude them; TTFO aggregated beside TTFT for reasoning models; and why a model has no cold
-- start. Written to apply after any of V6..V9: additive columns, views recreated from their own definitions.

ALTER TABLE requests
    -- the same definition as the connection work's: a request re-sent at once on a fresh connection after a stale
    -- pooled one failed before any byte of the response arrived (not a failed attempt of the model)
    ADD COLUMN IF NOT EXISTS reconnects integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS backoff_ms double precision,    -- the retry backoff actually waited before this attempt, ms; null on first attempts
    ADD COLUMN IF NOT EXISTS flags text[] NOT NULL DEFAULT '{}'; -- plausibility flags: 'burst', 'implausible_decode' (measure/Plausibility)

COMMENT ON COLUMN requests.flags IS 'figures the client could not measure truthfully (measure/Plausibility.java): '
    '''burst'' = most of the answer arrived in one read after a stall, so decode_tps/tpot_ms describe the client''s '
    'read; ''implausible_decode'' = decode_tps above what the chunk gaps allow. The row stays; summaries leave its '
    'tpot_ms and decode_tps out and count it in flagged_requests';

ALTER TABLE run_models
    ADD COLUMN IF NOT EXISTS cold_start_note text;           -- why cold_start_ms is null (no warm-up request succeeded, none planned, ...)

COMMENT ON COLUMN run_models.cold_start_ms IS 'ttft_ms (e2e_ms when not streamed) of the first warm-up request that '
    'succeeded; null with cold_start_note when none did';

ALTER TABLE summaries
    -- retries (measure phase, requests sent: skipped ones left out)
    ADD COLUMN IF NOT EXISTS attempts                    int,              -- attempts in all, retries included
    ADD COLUMN IF NOT EXISTS retried_requests            int,              -- requests that needed more than one attempt
    ADD COLUMN IF NOT EXISTS backoff_ms_total            double precision, -- time waited in retry backoff, summed over attempts
    ADD COLUMN IF NOT EXISTS reconnects                  bigint,           -- stale pooled connections re-sent at once
    -- plausibility: final ok requests flagged; their tpot_ms and decode_tps are left out of the tpot/decode figures
    ADD COLUMN IF NOT EXISTS flagged_requests            int,
    ADD COLUMN IF NOT EXISTS burst_requests              int,
    ADD COLUMN IF NOT EXISTS implausible_decode_requests int,
    -- reasoning models: ok requests whose first token was reasoning_content (ttfo_ms after ttft_ms); the ttfo_ms
    -- figures are set only when there is at least one
    ADD COLUMN IF NOT EXISTS reasoning_requests          int,
    ADD COLUMN IF NOT EXISTS ttfo_ms_mean double precision, ADD COLUMN IF NOT EXISTS ttfo_ms_p50 double precision,
    ADD COLUMN IF NOT EXISTS ttfo_ms_p90 double precision,  ADD COLUMN IF NOT EXISTS ttfo_ms_p95 double precision,
    ADD COLUMN IF NOT EXISTS ttfo_ms_p99 double precision,  ADD COLUMN IF NOT EXISTS ttfo_ms_min double precision,
    ADD COLUMN IF NOT EXISTS ttfo_ms_max double precision,  ADD COLUMN IF NOT EXISTS ttfo_ms_stddev double precision,
    ADD COLUMN IF NOT EXISTS ttfo_ms_n int;

-- measured_requests selected r.*, which PostgreSQL expands when a view is created: recreate it, unchanged, so it shows
-- the request columns added since (reconnects, backoff_ms, flags and any other helper's).
DROP VIEW IF EXISTS measured_requests;
CREATE VIEW measured_requests AS
SELECT r.*, ru.plan_name, ru.run_date
FROM requests r
JOIN runs ru USING (run_id)
WHERE r.phase = 'measure' AND r.is_final;

-- model_summaries selected s.* last: replaced with the same definition, it gains the summaries columns added above at
-- its end, and cold_start_note after them.
CREATE OR REPLACE VIEW model_summaries AS
SELECT ru.plan_name, ru.run_date, ru.label, ru.simulated, ru.status AS run_status, ru.started_at,
       rm.availability, rm.failure_reason, rm.cold_start_ms, s.*, rm.cold_start_note
FROM summaries s
JOIN runs ru USING (run_id)
JOIN run_models rm ON rm.run_id = s.run_id AND rm.model_alias = s.model_alias
WHERE s.prompt_id = '*';

-- Per run x model x load level (serial latency cells are load_mode 'serial', level 1): how many attempts the requests
-- took, how many were retried and why, how long they waited in backoff, how many reconnects. Measure phase, requests
-- that were sent (skipped ones left out). retried_share > 0.5 means most requests needed a retry.
CREATE VIEW retry_summary AS
WITH sent AS (
    SELECT q.* FROM requests q WHERE q.phase = 'measure' AND q.status <> 'skipped'
), by_error AS (
    SELECT run_id, model_alias, load_mode, load_level, jsonb_object_agg(error_type, n ORDER BY error_type) AS retries_by_error
    FROM (SELECT run_id, model_alias, load_mode, load_level, coalesce(error_type, status) AS error_type, count(*) AS n
          FROM sent WHERE NOT is_final
          GROUP BY 1, 2, 3, 4, 5) e
    GROUP BY 1, 2, 3, 4
), per_level AS (
    SELECT run_id, model_alias, load_mode, load_level,
           count(*) FILTER (WHERE is_final) AS requests,
           count(*) AS attempts,
           count(*) FILTER (WHERE is_final AND attempt > 1) AS retried_requests,
           count(*) FILTER (WHERE is_final AND attempt > 1 AND status = 'ok') AS retried_then_ok,
           count(*) FILTER (WHERE NOT is_final) AS retries,
           coalesce(sum(backoff_ms), 0) AS backoff_ms_total,
           coalesce(sum(reconnects), 0) AS reconnects
    FROM sent
    GROUP BY run_id, model_alias, load_mode, load_level
)
SELECT ru.plan_name, ru.run_date, ru.simulated, p.run_id, p.model_alias, p.load_mode, p.load_level, p.requests,
       p.attempts, p.attempts::double precision / nullif(p.requests, 0) AS attempts_per_request,
       p.retried_requests, p.retried_requests::double precision / nullif(p.requests, 0) AS retried_share,
       p.retried_then_ok, p.retries, coalesce(b.retries_by_error, '{}'::jsonb) AS retries_by_error,
       p.backoff_ms_total, p.backoff_ms_total / nullif(p.requests, 0) AS backoff_ms_per_request, p.reconnects
FROM per_level p
JOIN runs ru USING (run_id)
LEFT JOIN by_error b ON b.run_id = p.run_id AND b.model_alias = p.model_alias AND b.load_mode = p.load_mode
                    AND b.load_level = p.load_level;

-- The same, one row per error type that caused a retry: retry_rate = attempts that failed with it and were retried
-- / requests of the level.
CREATE VIEW retry_causes AS
SELECT q.run_id, q.model_alias, q.load_mode, q.load_level, coalesce(q.error_type, q.status) AS error_type,
       count(*) AS retries, count(*)::double precision / nullif(r.requests, 0) AS retry_rate,
       coalesce(sum(n.backoff_ms), 0) AS backoff_ms_total
FROM requests q
JOIN retry_summary r ON r.run_id = q.run_id AND r.model_alias = q.model_alias AND r.load_mode = q.load_mode
                    AND r.load_level = q.load_level
LEFT JOIN requests n ON n.run_id = q.run_id AND n.phase = q.phase AND n.cell_index = q.cell_index
                    AND n.request_index = q.request_index AND n.attempt = q.attempt + 1
WHERE q.phase = 'measure' AND NOT q.is_final AND q.status <> 'skipped'
GROUP BY q.run_id, q.model_alias, q.load_mode, q.load_level, coalesce(q.error_type, q.status), r.requests;

-- Flagged requests with the figures that made them suspicious (measure phase, final attempts).
CREATE VIEW flagged_requests AS
SELECT run_id, model_alias, prompt_id, load_mode, load_level, cell_index, request_index, flags, status, ttft_ms,
       e2e_ms, output_tokens, tokens_source, chunk_count, decode_tps, tpot_ms, gap_p50_ms, gap_max_ms
FROM requests
WHERE phase = 'measure' AND is_final AND cardinality(flags) > 0;
