-- A judge model and scores by hand (issue 12, items 3 and 4). The plan's judge: section names a model (one of the
-- plan's, or a separate endpoint/model) and a rubric of criteria, each scored 1-5; the judge step after measure asks
-- it about each measured answer of the latency rounds (or the first judge.sample of them per model x prompt) and
-- stores what it was asked, what it said, and the scores parsed from that. A verdict that cannot be parsed is a row
-- with status 'unparseable' and its reason, never a crash; a judge call that failed after its retries is 'failed'.
-- A restart judges only the answers that have no verdict yet. Judge calls are not requests: they are never in
-- requests, summaries or any benchmarked figure. People score answers too (nightbench annotate export/import):
-- human_scores, one row per answer x criterion x rater.

-- The rubric as the run used it: the plan's criteria in order (judge.criteria, else coherence, factuality, brevity),
-- then grounded when some prompt has context: (scored only on those prompts' answers).
CREATE TABLE run_criteria (
    run_id       bigint  NOT NULL REFERENCES runs ON DELETE CASCADE,
    criterion    text    NOT NULL CHECK (criterion ~ '^[a-z][a-z0-9_]{0,39}$'),
    position     int     NOT NULL CHECK (position >= 0),
    description  text    NOT NULL,
    context_only boolean NOT NULL DEFAULT false,             -- true for grounded when the plan did not list it
    PRIMARY KEY (run_id, criterion)
);

-- Who judged a run's answers. No API key is ever stored: only the endpoint's name.
CREATE TABLE run_judges (
    run_id      bigint  PRIMARY KEY REFERENCES runs ON DELETE CASCADE,
    model_alias text,                                         -- the plan model that judged, null for a separate one
    endpoint    text    NOT NULL,                             -- endpoint name (endpoints[].name)
    model       text    NOT NULL,                             -- model id sent in the judge's calls
    sample      int     CHECK (sample > 0),                   -- answers judged per model x prompt; null: all
    max_tokens  int     NOT NULL CHECK (max_tokens > 0)
);

-- One verdict per judged answer (the request row of the answer: measure phase, final attempt, status ok).
CREATE TABLE judge_verdicts (
    request_id  bigint  PRIMARY KEY REFERENCES requests ON DELETE CASCADE,
    run_id      bigint  NOT NULL REFERENCES runs ON DELETE CASCADE,
    status      text    NOT NULL CHECK (status IN ('ok', 'unparseable', 'failed')),
    reason      text,                                         -- ok: the judge's own reason; else why it is not usable
    prompt      text    NOT NULL,                             -- the messages sent to the judge, "role: content" lines
    verdict     text,                                         -- the judge's raw answer; null when the call failed
    latency_ms  double precision,                             -- end to end of the judge call that answered
    attempts    int     NOT NULL CHECK (attempts >= 1),       -- judge calls made for this answer (retries included)
    judged_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX judge_verdicts_run ON judge_verdicts (run_id);

-- The scores of an 'ok' verdict: one per criterion the answer's prompt is scored on (an unparseable verdict has none).
CREATE TABLE judge_scores (
    request_id bigint NOT NULL REFERENCES judge_verdicts ON DELETE CASCADE,
    run_id     bigint NOT NULL,
    criterion  text   NOT NULL,
    score      int    NOT NULL CHECK (score BETWEEN 1 AND 5),
    PRIMARY KEY (request_id, criterion),
    FOREIGN KEY (run_id, criterion) REFERENCES run_criteria (run_id, criterion) ON DELETE CASCADE
);
CREATE INDEX judge_scores_run ON judge_scores (run_id, criterion);

-- Scores given by people (nightbench annotate import FILE --rater NAME): importing again as the same rater replaces
-- that rater's score for that answer and criterion.
CREATE TABLE human_scores (
    request_id  bigint NOT NULL REFERENCES requests ON DELETE CASCADE,
    run_id      bigint NOT NULL,
    criterion   text   NOT NULL,
    rater       text   NOT NULL CHECK (length(btrim(rater)) > 0),
    score       int    NOT NULL CHECK (score BETWEEN 1 AND 5),
    source      text,                                         -- the imported file's name
    imported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, criterion, rater),
    FOREIGN KEY (run_id, criterion) REFERENCES run_criteria (run_id, criterion) ON DELETE CASCADE
);
CREATE INDEX human_scores_run ON human_scores (run_id, criterion);

-- Every judge score with its answer's request: run, model, prompt, round.
CREATE VIEW judged_scores AS
SELECT s.run_id, r.model_alias, r.prompt_id, r.round, s.request_id, s.criterion, s.score
FROM judge_scores s
JOIN requests r ON r.request_id = s.request_id;

-- Mean judge score per run x model x criterion with a 95 % t interval (mean +- t * sd / sqrt(n), t from V4's
-- t_quantile_975; null below n = 2).
CREATE VIEW model_scores AS
SELECT run_id, model_alias, criterion, count(*) AS n, avg(score)::float8 AS mean, stddev_samp(score)::float8 AS sd,
       avg(score)::float8 - t_quantile_975(count(*) - 1) * stddev_samp(score) / sqrt(count(*)) AS ci_low,
       avg(score)::float8 + t_quantile_975(count(*) - 1) * stddev_samp(score) / sqrt(count(*)) AS ci_high
FROM judged_scores
GROUP BY run_id, model_alias, criterion;

-- The same per run x model x prompt x criterion.
CREATE VIEW prompt_scores AS
SELECT run_id, model_alias, prompt_id, criterion, count(*) AS n, avg(score)::float8 AS mean,
       stddev_samp(score)::float8 AS sd,
       avg(score)::float8 - t_quantile_975(count(*) - 1) * stddev_samp(score) / sqrt(count(*)) AS ci_low,
       avg(score)::float8 + t_quantile_975(count(*) - 1) * stddev_samp(score) / sqrt(count(*)) AS ci_high
FROM judged_scores
GROUP BY run_id, model_alias, prompt_id, criterion;

-- Per run x model: how many answers the judge was asked about and how its verdicts ended.
CREATE VIEW judge_outcomes AS
SELECT v.run_id, r.model_alias, count(*) AS judged, count(*) FILTER (WHERE v.status = 'ok') AS ok,
       count(*) FILTER (WHERE v.status = 'unparseable') AS unparseable,
       count(*) FILTER (WHERE v.status = 'failed') AS failed,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY v.latency_ms) AS judge_latency_p50_ms
FROM judge_verdicts v
JOIN requests r ON r.request_id = v.request_id
GROUP BY v.run_id, r.model_alias;

-- Judge and human scores of the same answer and criterion, side by side (one row per rater).
CREATE VIEW score_agreement AS
SELECT h.run_id, r.model_alias, r.prompt_id, h.request_id, h.criterion, j.score AS judge_score, h.rater,
       h.score AS human_score
FROM human_scores h
JOIN requests r ON r.request_id = h.request_id
JOIN judge_scores j ON j.request_id = h.request_id AND j.criterion = h.criterion;
