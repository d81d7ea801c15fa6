-- V31: one row naming this database for good (issue 16). Report folders are reports/<run-date>_<run-id>_<first 8 hex
-- digits of id>/, so two databases writing into one reports/ folder never overwrite each other's runs, and
-- reports/latest.* follows the database named in reports/latest.database only. A pg_dump copy keeps the id: it is the
-- same history.
CREATE TABLE database_identity (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at timestamptz NOT NULL DEFAULT now(),
    single     boolean     NOT NULL DEFAULT true UNIQUE CHECK (single)
);

INSERT INTO database_identity DEFAULT VALUES;
