-- Run-over-run comparisons (see ../shared/METRICS.md, "Comparing runs"). A run's rows are replaced each time
-- its report is (re)generated; the report reads them back through the views below.

CREATE TABLE comparisons (
    run_id           bigint           NOT NULL REFERENCES runs ON DELETE CASCADE,
    baseline_mode    text             NOT NULL CHECK (baseline_mode IN ('previous', 'last_n', 'pinned')),
    baseline_run_ids bigint[]         NOT NULL,           -- newest first; their samples are pooled
    model_alias      text             NOT NULL,
    prompt_id        text             NOT NULL,           -- '*' = all comparable prompts of the model pooled
    load_mode        text             NOT NULL,
    load_level       double precision NOT NULL,
    metric           text             NOT NULL CHECK (metric IN ('ttft_ms', 'tpot_ms', 'e2e_ms', 'decode_tps', 'success_rate')),
    baseline_median  double precision,                    -- median of the per-request samples; success_rate: the proportion
    current_median   double precision,
    change_pct       double precision,                    -- (current - baseline) / baseline * 100; null when undefined
    p_value          double precision,                    -- two-sided; null when a side had fewer than 3 samples
    n_baseline       int              NOT NULL,
    n_current        int              NOT NULL,
    test             text             NOT NULL,           -- the test used, or 'insufficient data (n < 3)'
    verdict          text             NOT NULL CHECK (verdict IN ('regressed', 'improved', 'unchanged')),
    threshold_pct    double precision NOT NULL,           -- the relative move that counted, in percent
    alpha            double precision NOT NULL,
    PRIMARY KEY (run_id, model_alias, prompt_id, load_mode, load_level, metric)
);

-- Every comparison with its run.
CREATE VIEW run_comparisons AS
SELECT ru.plan_name, ru.run_date, ru.label, ru.simulated, ru.status AS run_status, ru.started_at, c.*
FROM comparisons c
JOIN runs ru USING (run_id);

-- The metrics that got worse beyond noise and beyond the threshold.
CREATE VIEW run_regressions AS
SELECT * FROM run_comparisons WHERE verdict = 'regressed';

-- No new index on requests or summaries: every report query is bounded by run ids and is served by the existing
-- requests_run_model (run_id, ...), runs_plan_started, run_prompts/run_models/summaries primary keys (run_id, ...)
-- and comparisons_pkey; checked with EXPLAIN ANALYZE on a year of history (1.8 M request rows, bench/report-scale).
