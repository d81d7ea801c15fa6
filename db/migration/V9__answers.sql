-- Whole answers and their repeatability (issue 12, items 1 and 5). requests.response_prefix keeps the first 2,000
-- characters for reports and CSVs, as before; answers keeps each answer whole up to the plan's run.answer_max_bytes
-- (default 64 KiB, UTF-8), cut there and flagged truncated when it is longer.

-- The sampling settings each model's requests were sent with (its params over run.temperature / run.seed), so the
-- history can say whether an answer should have been repeatable. Null for runs before V9.
ALTER TABLE run_models
    ADD COLUMN temperature double precision,
    ADD COLUMN seed        bigint;                          -- null: no seed was sent

-- One row per request attempt that produced an answer, written in the transaction of its requests row: every ok
-- attempt (an empty answer too), and a failed attempt that received content before it failed (a cut stream's
-- partial answer; its requests.status says so). Skipped requests have none. Warm-up answers are kept too
-- (requests.phase says which).
CREATE TABLE answers (
    request_id bigint  PRIMARY KEY REFERENCES requests ON DELETE CASCADE,
    run_id     bigint  NOT NULL REFERENCES runs ON DELETE CASCADE,
    text       text    NOT NULL,                            -- the answer's content (reasoning_content is not kept), redacted of the endpoint's key
    sha256     text    NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'), -- hex SHA-256 of the UTF-8 bytes of text, as stored
    bytes      int     NOT NULL CHECK (bytes >= 0),         -- octet_length(text)
    truncated  boolean NOT NULL                             -- the answer went on beyond text (run.answer_max_bytes)
);
CREATE INDEX answers_run ON answers (run_id);

COMMENT ON COLUMN answers.sha256 IS 'hex SHA-256 of the UTF-8 bytes of the stored text: for a truncated answer, of its '
    'kept start, so two answers that differ only after the cut hash alike (answers.truncated says when that can be)';

-- The answers that count: measure phase, final attempt, status ok.
CREATE VIEW measured_answers AS
SELECT r.run_id, ru.plan_name, ru.run_date, r.request_id, r.model_alias, r.prompt_id, r.round, r.load_mode,
       r.load_level, r.cell_index, r.request_index, a.text, a.sha256, a.bytes, a.truncated
FROM requests r
JOIN answers a ON a.request_id = r.request_id
JOIN runs ru ON ru.run_id = r.run_id
WHERE r.phase = 'measure' AND r.is_final AND r.status = 'ok';

-- Per run x model x prompt: how many different answers the measured rounds (latency cells; load cells left out)
-- gave, by hash. At temperature 0 with a seed a model should give one; not_repeatable says when it gave more.
-- modal_* is the answer given most often (ties: the earliest round's).
CREATE VIEW answer_repeatability AS
SELECT g.run_id, ru.plan_name, ru.run_date, g.model_alias, g.prompt_id, rm.temperature, rm.seed,
       sum(g.n)::int AS rounds,
       count(*)::int AS distinct_answers,
       (count(*) > 1 AND rm.temperature = 0) AS not_repeatable,
       array_agg(g.sha256 ORDER BY g.sha256) AS answer_sha256s,
       (array_agg(g.sha256 ORDER BY g.n DESC, g.first_round))[1] AS modal_sha256,
       (array_agg(g.prefix ORDER BY g.n DESC, g.first_round))[1] AS modal_prefix,
       max(g.n)::int AS modal_rounds,
       bool_or(g.truncated) AS any_truncated
FROM (SELECT r.run_id, r.model_alias, r.prompt_id, a.sha256, count(*) AS n, min(r.round) AS first_round,
             min(left(a.text, 200)) AS prefix, bool_or(a.truncated) AS truncated
      FROM requests r
      JOIN answers a ON a.request_id = r.request_id
      WHERE r.phase = 'measure' AND r.is_final AND r.status = 'ok' AND r.load_mode = 'serial'
      GROUP BY r.run_id, r.model_alias, r.prompt_id, a.sha256) g
JOIN runs ru ON ru.run_id = g.run_id
LEFT JOIN run_models rm ON rm.run_id = g.run_id AND rm.model_alias = g.model_alias
GROUP BY g.run_id, ru.plan_name, ru.run_date, g.model_alias, g.prompt_id, rm.temperature, rm.seed;

-- Answers that changed between two runs: per model x prompt whose prompt text is the same in both, the set of
-- distinct answers differs. Pairs every two runs, so always filter by both: WHERE baseline_run_id = ? AND run_id = ?.
CREATE VIEW answer_changes AS
SELECT b.run_id AS baseline_run_id, c.run_id, c.plan_name, c.model_alias, c.prompt_id,
       b.rounds AS baseline_rounds, c.rounds,
       b.distinct_answers AS baseline_distinct_answers, c.distinct_answers,
       b.modal_sha256 AS baseline_sha256, c.modal_sha256 AS sha256,
       b.modal_prefix AS baseline_prefix, c.modal_prefix AS prefix,
       (b.answer_sha256s && c.answer_sha256s) AS some_answer_kept
FROM answer_repeatability c
JOIN answer_repeatability b ON b.model_alias = c.model_alias AND b.prompt_id = c.prompt_id AND b.run_id <> c.run_id
JOIN run_prompts pc ON pc.run_id = c.run_id AND pc.prompt_id = c.prompt_id
JOIN run_prompts pb ON pb.run_id = b.run_id AND pb.prompt_id = b.prompt_id AND pb.text_sha256 = pc.text_sha256
WHERE b.answer_sha256s <> c.answer_sha256s;
