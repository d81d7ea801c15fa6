-- Retention (issue 16, item 4): `nightbench prune --older-than 180d --keep-summaries` deletes the per-request rows of
-- old runs (requests and what hangs off them: answers, check_results, judge_verdicts, judge_scores, human_scores,
-- pipeline_judgements; and the raw telemetry_samples) and keeps the run with everything the report and the trend views
-- read: runs, run_models, run_prompts, summaries, comparisons, load_phases, run_model_telemetry, the plan tables.
-- requests_pruned_at marks such a run: set before its first row is deleted (so a report written while a prune is under
-- way, or after one was interrupted, already says so), and the report then says that its per-request sections are empty
-- because the rows were pruned, and keeps the stored comparison instead of recomputing it from samples that are gone.
ALTER TABLE runs ADD COLUMN requests_pruned_at timestamptz;
