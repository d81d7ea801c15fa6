-- measured_requests (V2, V7) selected r.* when it was made, so it never gained the requests columns added since. A view
-- can only gain columns at its end: the same columns in the same order, then V20's cached_tokens and
-- prompt_tokens_source (pipeline and stage stay out: they are null in the measure phase).
CREATE OR REPLACE VIEW measured_requests AS
SELECT r.request_id, r.run_id, r.phase, r.cell_index, r.request_index, r.attempt, r.is_final, r.model_alias,
       r.prompt_id, r.round, r.load_mode, r.load_level, r.status, r.error_type, r.error_message, r.http_status,
       r.retry_after_ms, r.started_at, r.scheduled_lag_ms, r.streamed, r.simulated, r.prep_ms, r.ttft_ms, r.ttfo_ms,
       r.e2e_ms, r.total_ms, r.prompt_tokens, r.output_tokens, r.tokens_source, r.output_tokens_estimate,
       r.tokens_diff_pct, r.tokens_disagree, r.tpot_ms, r.decode_tps, r.e2e_tps, r.chunk_count, r.gap_mean_ms,
       r.gap_p50_ms, r.gap_p95_ms, r.gap_max_ms, r.finish_reason, r.response_prefix, r.reconnects, r.backoff_ms,
       r.flags, ru.plan_name, ru.run_date, r.cached_tokens, r.prompt_tokens_source
FROM requests r
JOIN runs ru USING (run_id)
WHERE r.phase = 'measure' AND r.is_final;
