-- Answer quality in the baseline comparison (issue 12, item 6): a model's answer-check pass rate (V10
-- checked_answers: passed and failed (answer, check) pairs, all prompts pooled, per model and load) is compared with
-- the baseline like success_rate: Fisher's exact test, the same threshold, the same Benjamini-Hochberg families (the
-- per-model serial row tested on its own at alpha, load-level rows adjusted among the load levels' check_pass_rate
-- rows), and a regressed row is in run_regressions, so --fail-on-regression exits 3 on it. Only runs whose compared
-- prompts have checked answers on both sides get such rows; every other comparison is unchanged.

ALTER TABLE comparisons DROP CONSTRAINT comparisons_metric_check;
ALTER TABLE comparisons ADD CONSTRAINT comparisons_metric_check
    CHECK (metric IN ('ttft_ms', 'tpot_ms', 'e2e_ms', 'decode_tps', 'success_rate', 'check_pass_rate'));

COMMENT ON COLUMN comparisons.metric IS 'ttft_ms, tpot_ms, e2e_ms, decode_tps (medians of per-request samples), '
    'success_rate (ok requests / measured requests) or check_pass_rate (passed / checked (answer, check) pairs)';
COMMENT ON COLUMN comparisons.baseline_median IS 'median of the baseline''s per-request samples; for success_rate and '
    'check_pass_rate the baseline''s proportion';
