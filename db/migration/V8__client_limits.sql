-- Knowing when the client is the limit (issue 9, item 4): what the client itself did during each load level, whether
-- it and not the server set the pace, and the client's own ceiling per concurrency. See measure/ClientLimitRules.java
-- for the rules and measure/ClientLoadMonitor.java for how each figure is taken.

ALTER TABLE load_phases
    ADD COLUMN client_cpu_share           double precision, -- process CPU time / (wall time x client_cpus) over the level, 0..1
    ADD COLUMN client_cpus                int,              -- processors the JVM may run on (honours taskset and container limits)
    ADD COLUMN host_load_avg              double precision, -- the host's 1-minute load average at the end of the level
    ADD COLUMN sched_lag_ms_p95           double precision, -- probe thread: how late a 2 ms sleep woke, p95 (time a ready thread waits for a core)
    ADD COLUMN sched_lag_ms_max           double precision,
    ADD COLUMN wire_in_flight_mean        double precision, -- requests on the wire (t0 -> response closed), time-weighted mean, first send -> last close
    ADD COLUMN wire_in_flight_steady_mean double precision, -- ... from the first to the last send (closed loop: while every worker had work)
    ADD COLUMN wire_in_flight_max         int,              -- the most requests on the wire at once
    ADD COLUMN worker_wait_share          double precision, -- share of the workers' request time spent ready but waiting for a core (Linux schedstat run-queue wait)
    ADD COLUMN client_ceiling_rps         double precision, -- closed loop: the client's calibrated ceiling at this concurrency (client_calibrations)
    ADD COLUMN client_limited             boolean,          -- the client, not the server, set the pace; null when skipped or not measured
    ADD COLUMN client_limit_reason        text;             -- which rules held, with their figures, e.g. 'scheduling lag p95 31.2 ms > 2.0 ms (...)'

-- The client's ceiling: requests/s it drives at a concurrency against the built-in zero-delay simulated endpoint,
-- per host, JVM, Nightbench version and processor count; measured again when older than 7 days.
CREATE TABLE client_calibrations (
    host                text             NOT NULL,
    jvm                 text             NOT NULL,
    nightbench_version  text             NOT NULL,
    cpus                int              NOT NULL,
    concurrency         int              NOT NULL,
    requests_per_second double precision NOT NULL,
    in_flight_mean      double precision NOT NULL,  -- requests on the wire, time-weighted mean over the counted second
    requests            int              NOT NULL,  -- requests counted
    measured_at         timestamptz      NOT NULL,
    PRIMARY KEY (host, jvm, nightbench_version, cpus, concurrency)
);

-- load_summaries gains the client figures as its last columns. Wrapped around the view's current definition rather
-- than restated, so that columns another migration added to it stay.
DO $$
DECLARE
    current_definition text := rtrim(pg_get_viewdef('load_summaries'::regclass), E'; \n');
BEGIN
    EXECUTE 'CREATE OR REPLACE VIEW load_summaries AS SELECT v.*, p.client_limited, p.client_limit_reason, '
        || 'p.client_cpu_share, p.client_cpus, p.host_load_avg, p.worker_wait_share, p.sched_lag_ms_p95, p.wire_in_flight_mean, '
        || 'p.wire_in_flight_max, p.client_ceiling_rps FROM (' || current_definition || ') v '
        || 'JOIN load_phases p ON p.run_id = v.run_id AND p.cell_index = v.cell_index';
END
$$;
