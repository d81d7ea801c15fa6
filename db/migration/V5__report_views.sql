-- Multiple comparisons: the comparisons that come by the hundred on a big plan are corrected with the
-- Benjamini-Hochberg procedure, which bounds the false discovery rate at alpha: the run's per-prompt comparisons of
-- the latency cells (models x prompts), for each metric; and the run's load-level comparisons (models x levels, all
-- prompts pooled), for each metric, a family of their own. p_value stays the raw p-value of the test; the verdict of
-- such a row is decided on p_adjusted. The per-model comparisons of the latency cells (prompt_id = '*', load_mode =
-- 'serial') are tested on their own at alpha: p_adjusted is null. Load levels are no longer compared per prompt.

ALTER TABLE comparisons
    ADD COLUMN p_adjusted double precision;               -- Benjamini-Hochberg adjusted p (see above); null when tested on its own or untested

COMMENT ON COLUMN comparisons.p_value IS 'raw two-sided p-value of the test; null when a side had fewer than 3 samples';
COMMENT ON COLUMN comparisons.p_adjusted IS 'Benjamini-Hochberg adjusted p-value, the one the verdict used: across the '
    'run''s per-prompt comparisons of the same metric, or across its load-level comparisons of the same metric; null '
    'for the per-model latency comparisons (prompt_id = ''*'', load_mode = ''serial''), tested on their own, and for '
    'untested ones';

-- run_comparisons selected c.*, which PostgreSQL expands when a view is created: recreate it (and run_regressions,
-- which depends on it), unchanged, so it shows the column added above.
DROP VIEW run_regressions;
DROP VIEW run_comparisons;
CREATE VIEW run_comparisons AS
SELECT ru.plan_name, ru.run_date, ru.label, ru.simulated, ru.status AS run_status, ru.started_at, c.*
FROM comparisons c
JOIN runs ru USING (run_id);

-- The metrics that got worse beyond noise and beyond the threshold: per-model latency rows at alpha, per-prompt and
-- load-level rows at a false discovery rate of alpha (their verdicts are decided on p_adjusted).
CREATE VIEW run_regressions AS
SELECT * FROM run_comparisons WHERE verdict = 'regressed';
