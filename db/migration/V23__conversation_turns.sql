-- Conversations (issue 14, item 4): per run x model x conversation x turn, the turn's measured latency requests
-- (final attempts; each round a conversation of its own, sending the earlier turns and the model's own answers to
-- them), how many succeeded or were skipped (history_missing: an earlier turn of that round had no answer), and the
-- turn's TTFT, TPOT and prompt length (context length: prompt_tokens as the server or tokenizer counted it).
-- Latencies over status 'ok' only, as everywhere (METRICS.md).
CREATE VIEW conversation_turns AS
SELECT r.run_id, ru.plan_name, ru.run_date, r.model_alias, p.source, p.conversation_id, p.turn, r.prompt_id,
       count(*)::int                                                    AS requests,
       count(*) FILTER (WHERE r.status = 'ok')::int                     AS ok_requests,
       count(*) FILTER (WHERE r.error_type = 'history_missing')::int    AS history_missing,
       avg(r.ttft_ms) FILTER (WHERE r.status = 'ok')                    AS ttft_ms_mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ttft_ms) FILTER (WHERE r.status = 'ok') AS ttft_ms_p50,
       avg(r.tpot_ms) FILTER (WHERE r.status = 'ok')                    AS tpot_ms_mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.tpot_ms) FILTER (WHERE r.status = 'ok') AS tpot_ms_p50,
       avg(r.prompt_tokens) FILTER (WHERE r.status = 'ok')              AS prompt_tokens_mean,
       avg(r.cached_tokens) FILTER (WHERE r.status = 'ok')              AS cached_tokens_mean
FROM requests r
JOIN run_prompts p ON p.run_id = r.run_id AND p.prompt_id = r.prompt_id
JOIN runs ru ON ru.run_id = r.run_id
WHERE r.phase = 'measure' AND r.is_final AND r.load_mode = 'serial' AND p.conversation_id IS NOT NULL
GROUP BY r.run_id, ru.plan_name, ru.run_date, r.model_alias, p.source, p.conversation_id, p.turn, r.prompt_id;
