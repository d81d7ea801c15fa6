-- Judge scores in the baseline comparison (issue 12, item 6): per model and rubric criterion, the judge's 1-5 scores
-- of this run's answers (V12 judged_scores, all prompts pooled, serial latency rounds) against the baseline's, by
-- Mann-Whitney U like the latency figures, the same relative threshold (on the mean score) and alpha, the same
-- Benjamini-Hochberg families (a per-model row is tested on its own at alpha, like success_rate and
-- check_pass_rate); a lower score is worse. A regressed row is in run_regressions, so --fail-on-regression exits 3 on
-- it, whatever the model's latency did: a model that got faster and worse regressed. Only criteria scored on both
-- sides get rows; runs without judge scores compare exactly as before.
--
-- One metric, 'judge_score', and the criterion in a column of its own (null for every other metric) rather than a
-- metric per criterion: "WHERE metric = 'judge_score'" finds them all, "AND criterion = 'factuality'" one, and the
-- metric check stays a closed list. The criterion joins the row's key, so the primary key (which cannot hold a
-- nullable column) becomes a unique index over the same columns plus coalesce(criterion, ''): still led by run_id,
-- so every report query keeps its index.

ALTER TABLE comparisons ADD COLUMN criterion text;

ALTER TABLE comparisons DROP CONSTRAINT comparisons_metric_check;
ALTER TABLE comparisons ADD CONSTRAINT comparisons_metric_check
    CHECK (metric IN ('ttft_ms', 'tpot_ms', 'e2e_ms', 'decode_tps', 'success_rate', 'check_pass_rate', 'judge_score'));
ALTER TABLE comparisons ADD CONSTRAINT comparisons_criterion_check
    CHECK ((metric = 'judge_score') = (criterion IS NOT NULL));

ALTER TABLE comparisons DROP CONSTRAINT comparisons_pkey;
CREATE UNIQUE INDEX comparisons_key
    ON comparisons (run_id, model_alias, prompt_id, load_mode, load_level, metric, coalesce(criterion, ''));

COMMENT ON COLUMN comparisons.metric IS 'ttft_ms, tpot_ms, e2e_ms, decode_tps (medians of per-request samples), '
    'success_rate (ok requests / measured requests), check_pass_rate (passed / checked (answer, check) pairs) or '
    'judge_score (the judge''s 1-5 scores of one criterion, see criterion)';
COMMENT ON COLUMN comparisons.criterion IS 'the rubric criterion (run_criteria.criterion) of a judge_score row; null '
    'for every other metric';
COMMENT ON COLUMN comparisons.baseline_median IS 'median of the baseline''s per-request samples; for success_rate and '
    'check_pass_rate the baseline''s proportion; for judge_score the baseline''s mean score (the test, Mann-Whitney U, '
    'is on the scores themselves)';

-- run_comparisons selected c.*, expanded when the view was created: recreate it (and run_regressions, which depends
-- on it), unchanged, so it shows the new column.
DROP VIEW run_regressions;
DROP VIEW run_comparisons;
CREATE VIEW run_comparisons AS
SELECT ru.plan_name, ru.run_date, ru.label, ru.simulated, ru.status AS run_status, ru.started_at, c.*
FROM comparisons c
JOIN runs ru USING (run_id);

-- The metrics that got worse beyond noise and beyond the threshold: per-model rows at alpha, per-prompt and
-- load-level rows at a false discovery rate of alpha (their verdicts are decided on p_adjusted).
CREATE VIEW run_regressions AS
SELECT * FROM run_comparisons WHERE verdict = 'regressed';
