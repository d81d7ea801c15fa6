-- Alerts after a run (issue 16, item 2): one row per webhook a run's alert was meant for, sent or not, so a
-- failed notification (which never fails the run) can be found afterwards. The webhook URL is a secret (Slack,
-- Teams) and is never stored: only the name of the environment variable that held it.
CREATE TABLE alert_deliveries (
    delivery_id  bigserial   PRIMARY KEY,
    run_id       bigint      NOT NULL REFERENCES runs ON DELETE CASCADE,
    target_kind  text        NOT NULL CHECK (target_kind IN ('generic', 'slack', 'teams')),
    url_env      text        NOT NULL,
    configured   text        NOT NULL CHECK (configured IN ('plan', 'global')),
    events       text[]      NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('sent', 'failed', 'no_url')),
    attempts     integer     NOT NULL CHECK (attempts >= 0),
    http_status  integer,
    error        text,
    finished_at  timestamptz NOT NULL
);

CREATE INDEX alert_deliveries_run ON alert_deliveries (run_id);

COMMENT ON TABLE alert_deliveries IS 'alerts sent after a run, one row per target (the URL is never stored)';
COMMENT ON COLUMN alert_deliveries.url_env IS 'the environment variable that holds the webhook URL (never the URL)';
COMMENT ON COLUMN alert_deliveries.configured IS 'plan: the plan''s alerts: section; global: nightbench.alerts.*';
COMMENT ON COLUMN alert_deliveries.events IS 'regression, model_failed, run_failed: what the alert was about';
COMMENT ON COLUMN alert_deliveries.outcome IS 'sent (2xx), failed (retries spent or a 4xx), no_url (the variable '
    'was not set or held no http(s) URL)';
COMMENT ON COLUMN alert_deliveries.attempts IS 'HTTP requests made (0 for no_url)';
