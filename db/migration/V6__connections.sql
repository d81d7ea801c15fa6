-- Connections: a request that failed on a reused (pooled) connection before any byte of the response arrived was
-- never seen by the model. The client re-sends it at once on a fresh connection and counts it here, on the attempt
-- the model answered, instead of storing a failed attempt (../shared/METRICS.md, "Phases").
-- ADD COLUMN IF NOT EXISTS: another migration of the same release adds the same column with the same definition.
ALTER TABLE requests
    ADD COLUMN IF NOT EXISTS reconnects integer NOT NULL DEFAULT 0; -- re-sends on a fresh connection after a stale pooled one
