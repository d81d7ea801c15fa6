-- Answer checks (issue 12, item 2): a prompt's `expect:` list (jobs/README.md "Checks") is stored with the run
-- (run_checks), and every measured answer that succeeded gets one check_results row per check, written in the same
-- transaction as its request row (run/RunSteps.write). Warm-up, failed and skipped requests are never checked.
-- Pass rates come with a 95 % Wilson score interval, computed here (wilson_bound) so every SQL user gets the same.

CREATE TABLE run_checks (
    run_id       bigint  NOT NULL,
    prompt_id    text    NOT NULL,
    check_index  int     NOT NULL CHECK (check_index >= 0),   -- position in the prompt's expect: list, 0-based
    kind         text    NOT NULL CHECK (kind IN ('contains', 'not_contains', 'regex', 'equals', 'one_of', 'numeric',
                                                  'json', 'max_chars', 'max_words')),
    description  text    NOT NULL,                            -- e.g. contains 'Paris' (plan.CheckSpec.describe)
    PRIMARY KEY (run_id, prompt_id, check_index),
    FOREIGN KEY (run_id, prompt_id) REFERENCES run_prompts (run_id, prompt_id) ON DELETE CASCADE
);

CREATE TABLE check_results (
    run_id         bigint  NOT NULL,
    phase          text    NOT NULL DEFAULT 'measure' CHECK (phase = 'measure'),
    cell_index     int     NOT NULL,
    request_index  int     NOT NULL,
    attempt        int     NOT NULL,
    prompt_id      text    NOT NULL,
    check_index    int     NOT NULL,
    kind           text    NOT NULL,
    passed         boolean NOT NULL,
    reason         text    NOT NULL,                          -- e.g. expected 'Paris', not found
    -- one row per (request, check): a restart that re-wrote a committed cell would fail here, never double a row
    PRIMARY KEY (run_id, phase, cell_index, request_index, attempt, check_index),
    FOREIGN KEY (run_id, phase, cell_index, request_index, attempt)
        REFERENCES requests (run_id, phase, cell_index, request_index, attempt) ON DELETE CASCADE,
    FOREIGN KEY (run_id, prompt_id, check_index) REFERENCES run_checks (run_id, prompt_id, check_index)
);

-- The 95 % Wilson score interval of a proportion: p = passes / n, z = 1.959963984540054 (the normal 97.5 % quantile),
--   centre = (p + z²/(2n)) / (1 + z²/n),   half = z / (1 + z²/n) * sqrt(p(1 − p)/n + z²/(4n²)),
--   bound  = centre − half (lower) or centre + half (upper), clamped to [0, 1]; null when n = 0.
-- Unlike p ± z·sqrt(p(1−p)/n) it stays inside [0, 1] and is not zero-width at 0 % or 100 %.
CREATE FUNCTION wilson_bound(passes bigint, n bigint, upper boolean) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN n IS NULL OR n <= 0 THEN NULL ELSE
        least(1.0, greatest(0.0,
            ((passes::float8 / n) + z * z / (2.0 * n)
                + (CASE WHEN upper THEN 1 ELSE -1 END)
                  * z * sqrt((passes::float8 / n) * (1 - passes::float8 / n) / n + z * z / (4.0 * n * n)))
            / (1 + z * z / n)))
    END
    FROM (SELECT 1.959963984540054::float8 AS z) c
$$;

-- Each checked answer: its request, model and prompt, how many checks it passed, and whether it passed them all.
CREATE VIEW checked_answers AS
SELECT c.run_id, c.phase, c.cell_index, c.request_index, c.attempt, q.model_alias, q.prompt_id, q.round,
       q.load_mode, q.load_level, count(*) AS checks, count(*) FILTER (WHERE c.passed) AS passes,
       bool_and(c.passed) AS all_passed
FROM check_results c
JOIN requests q USING (run_id, phase, cell_index, request_index, attempt)
GROUP BY c.run_id, c.phase, c.cell_index, c.request_index, c.attempt, q.model_alias, q.prompt_id, q.round,
         q.load_mode, q.load_level;

-- Pass rates per run x model over every (answer, check) pair: n pairs, passes, pass_rate and its Wilson interval;
-- answers = answers checked, answers_passed = answers that passed every check of their prompt.
CREATE VIEW model_quality AS
SELECT a.run_id, a.model_alias, sum(a.checks) AS n, sum(a.passes) AS passes,
       sum(a.passes)::float8 / sum(a.checks) AS pass_rate,
       wilson_bound(sum(a.passes)::bigint, sum(a.checks)::bigint, false) AS wilson_low,
       wilson_bound(sum(a.passes)::bigint, sum(a.checks)::bigint, true) AS wilson_high,
       count(*) AS answers, count(*) FILTER (WHERE a.all_passed) AS answers_passed
FROM checked_answers a
GROUP BY a.run_id, a.model_alias;

-- The same per run x model x prompt.
CREATE VIEW prompt_quality AS
SELECT a.run_id, a.model_alias, a.prompt_id, sum(a.checks) AS n, sum(a.passes) AS passes,
       sum(a.passes)::float8 / sum(a.checks) AS pass_rate,
       wilson_bound(sum(a.passes)::bigint, sum(a.checks)::bigint, false) AS wilson_low,
       wilson_bound(sum(a.passes)::bigint, sum(a.checks)::bigint, true) AS wilson_high,
       count(*) AS answers, count(*) FILTER (WHERE a.all_passed) AS answers_passed
FROM checked_answers a
GROUP BY a.run_id, a.model_alias, a.prompt_id;

-- Every failed check with its reason, the check as planned, and the answer as stored in requests (a prefix).
CREATE VIEW failed_checks AS
SELECT c.run_id, q.model_alias, q.prompt_id, q.round, q.load_mode, q.load_level, c.cell_index, c.request_index,
       c.attempt, c.check_index, c.kind, k.description, c.reason, q.response_prefix
FROM check_results c
JOIN requests q USING (run_id, phase, cell_index, request_index, attempt)
JOIN run_checks k ON k.run_id = c.run_id AND k.prompt_id = c.prompt_id AND k.check_index = c.check_index
WHERE NOT c.passed;
