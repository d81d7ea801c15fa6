package dev.nightbench.store;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run's environment and plan settings (V16__run_environment.sql): {@code run_environment}, one row per run, and
 * {@code run_settings}, one row per setting. Written once at registerRun; a restart that registers again (it never
 * does: registerRun is a completed step by then) would leave the first record as it was.
 */
@Repository
public class EnvironmentStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    EnvironmentStore(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** The {@code run_environment} row; the fields as V16 describes them. */
    public record EnvironmentRow(long runId, String hostName, String os, String cpuModel, int cpuCores,
                                 Long memoryTotalMb, String jvmVersion, String gpuName, String gpuDriver,
                                 Instant recordedAt) {
    }

    /** Stores the run's environment and settings (setting name to value), keeping any stored before. */
    public void record(EnvironmentRow env, Map<String, String> settings) {
        jdbc.sql("""
                        INSERT INTO run_environment (run_id, host_name, os, cpu_model, cpu_cores, memory_total_mb,
                                                     jvm_version, gpu_name, gpu_driver, recorded_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (run_id) DO NOTHING""")
                .params(env.runId(), env.hostName(), env.os(), env.cpuModel(), env.cpuCores(), env.memoryTotalMb(),
                        env.jvmVersion(), env.gpuName(), env.gpuDriver(), Timestamp.from(env.recordedAt()))
                .update();
        List<Map.Entry<String, String>> rows = new ArrayList<>(settings.entrySet());
        template.batchUpdate("""
                        INSERT INTO run_settings (run_id, setting, value) VALUES (?, ?, ?)
                        ON CONFLICT (run_id, setting) DO NOTHING""", rows, Math.max(1, rows.size()), (ps, e) -> {
            ps.setLong(1, env.runId());
            ps.setString(2, e.getKey());
            ps.setString(3, e.getValue());
        });
    }
}
