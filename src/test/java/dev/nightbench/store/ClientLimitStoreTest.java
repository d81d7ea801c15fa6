package dev.nightbench.store;

import dev.nightbench.measure.Cell;
import dev.nightbench.store.ClientCalibrationStore.CalibrationKey;
import dev.nightbench.store.ClientCalibrationStore.CalibrationRow;
import dev.nightbench.store.LoadPhaseStore.ClientColumns;
import dev.nightbench.plan.Plan;
import dev.nightbench.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

import static dev.nightbench.plan.PlanFixtures.aPlan;
import static org.assertj.core.api.Assertions.assertThat;

/** V8 on a real PostgreSQL: the client figures of a load level in load_phases and load_summaries, and the ceilings. */
class ClientLimitStoreTest {

    private JdbcClient jdbc;
    private RunStore runs;
    private LoadPhaseStore phases;
    private ClientCalibrationStore calibrations;

    @BeforeEach
    void database() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(TestDatabase.newDatabase(), "postgres", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(dataSource);
        runs = new RunStore(jdbc);
        phases = new LoadPhaseStore(jdbc);
        calibrations = new ClientCalibrationStore(jdbc);
    }

    private LoadPhaseStore.LoadPhaseRow phase(long runId, int cell, double level, ClientColumns client) {
        return new LoadPhaseStore.LoadPhaseRow(runId, cell, "m", Cell.CONCURRENCY, level, false, null, 64, null, 64, 64,
                64, 800.0, (int) level, Instant.parse("2026-12-02T16:00:00Z"), LoadPhaseStatus.RAN, true, null, null,
                client);
    }

    @Test
    void aLevelsClientFiguresAndVerdictAreStoredAndShownInLoadSummaries() {
        Plan plan = aPlan().withModels("m").build();
        long runId = runs.register(new RunStore.NewRun(7_001, plan, "snapshot", LocalDate.of(2026, 12, 2), null, "test",
                "dev", Instant.now(), 1));
        ClientColumns starved = new ClientColumns(0.31, 1, 9.5, 41.5, 120.0, 6.9, 7.1, 8, 350.0, 0.45, true,
                "scheduling lag p95 41.5 ms > 2.0 ms");
        ClientColumns fine = new ClientColumns(0.05, 2, 0.5, 0.2, 1.0, 2.0, 2.0, 2, null, 0.01, false, null);

        phases.insert(phase(runId, 0, 8, starved));
        phases.insert(phase(runId, 1, 2, fine));
        phases.insert(new LoadPhaseStore.LoadPhaseRow(runId, 2, "m", Cell.CONCURRENCY, 16, false, null, 64, null, 64, 0,
                0, null, 0, Instant.now(), LoadPhaseStatus.SKIPPED, null, null, "model failed"));

        Map<String, Object> row = jdbc.sql("""
                        SELECT client_cpu_share, client_cpus, host_load_avg, sched_lag_ms_p95, sched_lag_ms_max,
                               wire_in_flight_mean, wire_in_flight_steady_mean, wire_in_flight_max, client_ceiling_rps,
                               worker_wait_share, client_limited, client_limit_reason
                        FROM load_phases WHERE run_id = ? AND cell_index = 0""").param(runId).query().singleRow();
        assertThat(row).containsEntry("client_cpu_share", 0.31).containsEntry("client_cpus", 1)
                .containsEntry("host_load_avg", 9.5).containsEntry("sched_lag_ms_p95", 41.5)
                .containsEntry("sched_lag_ms_max", 120.0).containsEntry("wire_in_flight_mean", 6.9)
                .containsEntry("wire_in_flight_steady_mean", 7.1).containsEntry("wire_in_flight_max", 8)
                .containsEntry("client_ceiling_rps", 350.0).containsEntry("worker_wait_share", 0.45)
                .containsEntry("client_limited", true)
                .containsEntry("client_limit_reason", "scheduling lag p95 41.5 ms > 2.0 ms");
        assertThat(jdbc.sql("""
                        SELECT load_level, client_limited, client_limit_reason FROM load_summaries
                        WHERE run_id = ? ORDER BY cell_index""").param(runId)
                .query((rs, n) -> rs.getDouble(1) + " " + rs.getObject(2) + " " + rs.getString(3)).list())
                .containsExactly("8.0 true scheduling lag p95 41.5 ms > 2.0 ms", "2.0 false null", "16.0 null null");
    }

    @Test
    void aCeilingIsKeptPerHostJvmVersionProcessorsAndConcurrencyAndReplacedWhenMeasuredAgain() {
        CalibrationKey key = new CalibrationKey("host-a", "OpenJDK 25", "1.0", 2);
        Instant then = Instant.parse("2026-12-01T10:00:00Z");
        calibrations.save(key, new CalibrationRow(16, 900.0, 12.5, 900, then));

        assertThat(calibrations.find(key, 16)).hasValue(new CalibrationRow(16, 900.0, 12.5, 900, then));
        assertThat(calibrations.find(key, 8)).isEmpty();
        assertThat(calibrations.find(new CalibrationKey("host-a", "OpenJDK 25", "1.0", 1), 16)).isEmpty();
        assertThat(calibrations.find(new CalibrationKey("host-a", "OpenJDK 25", "1.1", 2), 16)).isEmpty();

        Instant now = then.plusSeconds(3600);
        calibrations.save(key, new CalibrationRow(16, 450.0, 15.0, 450, now));
        assertThat(calibrations.find(key, 16)).hasValue(new CalibrationRow(16, 450.0, 15.0, 450, now));
    }
}
