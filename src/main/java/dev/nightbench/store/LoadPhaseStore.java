package dev.nightbench.store;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/** The {@code load_phases} rows: one per load cell, written with the cell's requests. */
@Repository
public class LoadPhaseStore {

    private final JdbcClient jdbc;

    LoadPhaseStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One load cell as a whole; see V4__load.sql for the meaning of each column, and V8__client_limits.sql for
     * {@code client} (null when the level was skipped).
     */
    public record LoadPhaseRow(long runId, int cellIndex, String modelAlias, String loadMode, double loadLevel,
                               boolean sweep, Double offeredRate, Integer plannedRequests, Long plannedDurationMs,
                               int requests, int sent, int okRequests, Double wallMs, int maxInFlight,
                               Instant startedAt, LoadPhaseStatus status, Boolean held, String sloBroken,
                               String skipReason, ClientColumns client) {

        public LoadPhaseRow(long runId, int cellIndex, String modelAlias, String loadMode, double loadLevel,
                            boolean sweep, Double offeredRate, Integer plannedRequests, Long plannedDurationMs,
                            int requests, int sent, int okRequests, Double wallMs, int maxInFlight, Instant startedAt,
                            LoadPhaseStatus status, Boolean held, String sloBroken, String skipReason) {
            this(runId, cellIndex, modelAlias, loadMode, loadLevel, sweep, offeredRate, plannedRequests,
                    plannedDurationMs, requests, sent, okRequests, wallMs, maxInFlight, startedAt, status, held,
                    sloBroken, skipReason, null);
        }
    }

    /**
     * What the client itself did during the level, and whether it set the pace: the {@code load_phases} columns of
     * V8__client_limits.sql, in the order of its {@code UPDATE}.
     */
    public record ClientColumns(Double cpuShare, int cpus, Double hostLoadAverage, Double schedLagMsP95,
                                Double schedLagMsMax, Double inFlightMean, Double inFlightSteadyMean, int inFlightMax,
                                Double ceilingRps, Double workerWaitShare, boolean limited, String reason) {
    }

    public void insert(LoadPhaseRow row) {
        jdbc.sql("""
                        INSERT INTO load_phases (run_id, cell_index, model_alias, load_mode, load_level, sweep, offered_rate,
                            planned_requests, planned_duration_ms, requests, sent, ok_requests, wall_ms, max_in_flight,
                            started_at, status, held, slo_broken, skip_reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(row.runId(), row.cellIndex(), row.modelAlias(), row.loadMode(), row.loadLevel(), row.sweep(),
                        row.offeredRate(), row.plannedRequests(), row.plannedDurationMs(), row.requests(), row.sent(),
                        row.okRequests(), row.wallMs(), row.maxInFlight(), Timestamp.from(row.startedAt()),
                        row.status().value(), row.held(), row.sloBroken(), row.skipReason())
                .update();
        if (row.client() != null) {
            ClientColumns c = row.client();
            jdbc.sql("""
                            UPDATE load_phases SET client_cpu_share = ?, client_cpus = ?, host_load_avg = ?,
                                sched_lag_ms_p95 = ?, sched_lag_ms_max = ?, wire_in_flight_mean = ?,
                                wire_in_flight_steady_mean = ?, wire_in_flight_max = ?, client_ceiling_rps = ?,
                                worker_wait_share = ?, client_limited = ?, client_limit_reason = ?
                            WHERE run_id = ? AND cell_index = ?""")
                    .params(c.cpuShare(), c.cpus(), c.hostLoadAverage(), c.schedLagMsP95(), c.schedLagMsMax(),
                            c.inFlightMean(), c.inFlightSteadyMean(), c.inFlightMax(), c.ceilingRps(), c.workerWaitShare(), c.limited(),
                            c.reason(), row.runId(), row.cellIndex())
                    .update();
        }
    }

    /** A sweep level that broke: the model, the level and what broke. */
    public record BrokenLevel(String modelAlias, String loadMode, double loadLevel, String sloBroken) {
    }

    /** The run's sweep levels that broke, in cell order (to restore the stopped sweeps on a restart). */
    public List<BrokenLevel> brokenSweepLevels(long runId) {
        return jdbc.sql("""
                        SELECT model_alias, load_mode, load_level, slo_broken FROM load_phases
                        WHERE run_id = ? AND sweep AND held = false
                        ORDER BY cell_index""")
                .param(runId).query(BrokenLevel.class).list();
    }
}
