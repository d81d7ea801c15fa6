-- Requested vs actual lengths (issue 14): per run, model and prompt source, what the prompts were made to ask for
-- (run_prompts.target_output_tokens, sent as max_tokens; target_input_tokens) against what the model wrote and
-- was sent, over successful measured requests of prompts made for a length. The report's "Lengths" section reads it.
CREATE VIEW output_lengths AS
SELECT q.run_id, q.model_alias, p.source,
       count(*)                                                              AS requests,
       avg(p.target_output_tokens)::double precision                         AS target_output_mean,
       avg(q.output_tokens)::double precision                                AS output_mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY q.output_tokens)          AS output_p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY q.output_tokens)         AS output_p95,
       -- share of requests that wrote at least their target; null where no target output length was asked for
       (avg(CASE WHEN p.target_output_tokens IS NULL THEN NULL
                 WHEN q.output_tokens >= p.target_output_tokens THEN 1.0 ELSE 0.0 END))::double precision
                                                                             AS reached_share,
       string_agg(DISTINCT q.tokens_source, ', ' ORDER BY q.tokens_source)   AS tokens_sources,
       avg(p.target_input_tokens)::double precision                          AS target_input_mean,
       avg(p.input_tokens)::double precision                                 AS input_mean,
       string_agg(DISTINCT p.length_source, ', ' ORDER BY p.length_source)   AS length_sources,
       avg(q.prompt_tokens)::double precision                                AS prompt_tokens_mean,
       string_agg(DISTINCT q.prompt_tokens_source, ', ' ORDER BY q.prompt_tokens_source) AS prompt_tokens_sources
FROM requests q -- not measured_requests: its r.* was fixed before V20's prompt_tokens_source
JOIN run_prompts p ON p.run_id = q.run_id AND p.prompt_id = q.prompt_id
WHERE q.phase = 'measure' AND q.is_final AND q.status = 'ok' AND (p.target_output_tokens IS NOT NULL OR p.target_input_tokens IS NOT NULL)
GROUP BY q.run_id, q.model_alias, p.source;
