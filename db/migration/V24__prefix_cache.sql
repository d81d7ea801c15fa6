-- Prefix caching (issue 14): per run x model x load level, the measured requests that the server said it served
-- partly from its prefix cache (cached_tokens > 0) beside those it computed whole (= 0) and those of servers that
-- say nothing (NULL), with the time to first token of each group and the share of prompt tokens served cached.
-- Over final, successful measure-phase requests (pipeline stages are not a model's own figures).
CREATE VIEW prefix_cache AS
SELECT run_id,
       model_alias,
       load_mode,
       load_level,
       count(*)                                                                      AS requests,
       count(*) FILTER (WHERE cached_tokens > 0)                                     AS cached_requests,
       count(*) FILTER (WHERE cached_tokens = 0)                                     AS uncached_requests,
       count(*) FILTER (WHERE cached_tokens IS NULL)                                 AS unknown_requests,
       avg(ttft_ms) FILTER (WHERE cached_tokens > 0)                                 AS cached_ttft_mean_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ttft_ms) FILTER (WHERE cached_tokens > 0)
                                                                                     AS cached_ttft_p50_ms,
       avg(ttft_ms) FILTER (WHERE cached_tokens = 0)                                 AS uncached_ttft_mean_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ttft_ms) FILTER (WHERE cached_tokens = 0)
                                                                                     AS uncached_ttft_p50_ms,
       avg(cached_tokens) FILTER (WHERE cached_tokens > 0)                           AS cached_tokens_mean,
       sum(prompt_tokens) FILTER (WHERE cached_tokens IS NOT NULL)                   AS prompt_tokens,
       sum(cached_tokens) FILTER (WHERE prompt_tokens IS NOT NULL)                   AS cached_tokens,
       sum(cached_tokens) FILTER (WHERE prompt_tokens IS NOT NULL)::double precision
           / nullif(sum(prompt_tokens) FILTER (WHERE cached_tokens IS NOT NULL), 0)  AS cached_share
FROM requests
WHERE phase = 'measure' AND is_final AND status = 'ok'
GROUP BY run_id, model_alias, load_mode, load_level;
