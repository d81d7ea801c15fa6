-- Multiple comparisons: a run's per-prompt comparisons (models x prompts x loads, thousands on a big plan) are
-- corrected with the Benjamini-Hochberg procedure, which bounds the false discovery rate at alpha, across the run's
-- per-prompt comparisons of each metric. p_value stays the raw p-value of the test; the verdict of a per-prompt row
-- is decided on p_adjusted. Pooled per-model rows (prompt_id = '*') are tested on their own: p_adjusted is null.

ALTER TABLE comparisons
    ADD COLUMN p_adjusted double precision;               -- per-prompt rows: Benjamini-Hochberg adjusted p; null for pooled and untested rows

COMMENT ON COLUMN comparisons.p_value IS 'raw two-sided p-value of the test; null when a side had fewer than 3 samples';
COMMENT ON COLUMN comparisons.p_adjusted IS 'per-prompt rows: Benjamini-Hochberg adjusted p-value across the run''s '
    'per-prompt comparisons of the same metric (the verdict uses it); null for pooled rows (prompt_id = ''*'') and '
    'untested ones';

-- run_comparisons selected c.*, which PostgreSQL expands when a view is created: recreate it (and run_regressions,
-- which depends on it), unchanged, so it shows the column added above.
DROP VIEW run_regressions;
DROP VIEW run_comparisons;
CREATE VIEW run_comparisons AS
SELECT ru.plan_name, ru.run_date, ru.label, ru.simulated, ru.status AS run_status, ru.started_at, c.*
FROM comparisons c
JOIN runs ru USING (run_id);

-- The metrics that got worse beyond noise and beyond the threshold: pooled per-model rows at alpha, per-prompt rows
-- at a false discovery rate of alpha (their verdicts are decided on p_adjusted).
CREATE VIEW run_regressions AS
SELECT * FROM run_comparisons WHERE verdict = 'regressed';
