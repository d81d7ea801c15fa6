package dev.nightbench.store;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** The {@code client_calibrations} rows: the client's ceiling per host, JVM, version, processors and concurrency. */
@Repository
public class ClientCalibrationStore {

    private final JdbcClient jdbc;

    ClientCalibrationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Where a ceiling holds: the key columns but {@code concurrency}. */
    public record CalibrationKey(String host, String jvm, String version, int cpus) {
    }

    /** One measured ceiling (V8__client_limits.sql). */
    public record CalibrationRow(int concurrency, double requestsPerSecond, double inFlightMean, int requests,
                                 Instant measuredAt) {
    }

    public Optional<CalibrationRow> find(CalibrationKey key, int concurrency) {
        return jdbc.sql("""
                        SELECT concurrency, requests_per_second, in_flight_mean, requests, measured_at
                        FROM client_calibrations
                        WHERE host = ? AND jvm = ? AND nightbench_version = ? AND cpus = ? AND concurrency = ?""")
                .params(key.host(), key.jvm(), key.version(), key.cpus(), concurrency)
                .query((rs, n) -> new CalibrationRow(rs.getInt(1), rs.getDouble(2), rs.getDouble(3),
                        rs.getInt(4), rs.getTimestamp(5).toInstant()))
                .optional();
    }

    public void save(CalibrationKey key, CalibrationRow c) {
        jdbc.sql("""
                        INSERT INTO client_calibrations (host, jvm, nightbench_version, cpus, concurrency,
                            requests_per_second, in_flight_mean, requests, measured_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (host, jvm, nightbench_version, cpus, concurrency) DO UPDATE SET
                            requests_per_second = excluded.requests_per_second, in_flight_mean = excluded.in_flight_mean,
                            requests = excluded.requests, measured_at = excluded.measured_at""")
                .params(key.host(), key.jvm(), key.version(), key.cpus(), c.concurrency(), c.requestsPerSecond(),
                        c.inFlightMean(), c.requests(), Timestamp.from(c.measuredAt()))
                .update();
    }
}
