package dev.nightbench.store;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * Server telemetry (V15__telemetry.sql): every sample as read ({@code telemetry_samples}), and per run x model x source
 * what it came to ({@code run_model_telemetry}), its peak and mean figures summarised here from the stored samples, so
 * a restarted run's summary covers the samples of every execution.
 */
@Repository
public class TelemetryStore {

    /** The figures summarised as {@code <figure>_peak} (max) and {@code <figure>_mean} (avg) columns. */
    static final List<String> FIGURES = List.of("memory_mb", "vram_mb", "kv_cache_usage", "requests_running",
            "requests_waiting", "gpu_memory_used_mb", "gpu_util_pct", "gpu_power_w");

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    TelemetryStore(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** One figure of one sample; {@code source} and {@code metric} as V15__telemetry.sql describes them. */
    public record SampleRow(long runId, String modelAlias, String endpoint, String source, String metric, double value,
                            Instant sampledAt) {
    }

    /**
     * What one step's sampling of a model from a source came to (its figures are summarised from the samples).
     *
     * @param status ok, no_telemetry or error
     */
    public record ModelRow(long runId, String modelAlias, String endpoint, String source, String status, String detail,
                           int pollsFailed, String serverVersion, Integer contextSize, String parameters,
                           String quantization, String licence, String gpuName, Instant at) {
    }

    /** A summary as stored. */
    public record Summary(String modelAlias, String source, String endpoint, String status, String detail, int samples,
                          int pollsFailed, Double memoryMbPeak, Double vramMbPeak, Double kvCacheUsagePeak,
                          Double requestsRunningPeak, Double requestsRunningMean, Double gpuMemoryUsedMbPeak,
                          Double gpuPowerWMean, String serverVersion, Integer contextSize, String parameters,
                          String quantization, String licence, String gpuName) {
    }

    public void insertSamples(List<SampleRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        template.batchUpdate("""
                        INSERT INTO telemetry_samples (run_id, model_alias, endpoint_name, source, metric, value, sampled_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""", rows, rows.size(), (ps, r) -> {
            ps.setLong(1, r.runId());
            ps.setString(2, r.modelAlias());
            ps.setString(3, r.endpoint());
            ps.setString(4, r.source());
            ps.setString(5, r.metric());
            ps.setDouble(6, r.value());
            ps.setTimestamp(7, Timestamp.from(r.sampledAt()));
        });
    }

    /**
     * Records (or, after an earlier execution of the run, updates) a model x source: the status and detail of this
     * step, failed polls added up, facts kept where this step found none; then its figures from all its samples, and
     * status ok once any sample exists.
     */
    public void record(ModelRow row) {
        jdbc.sql("""
                        INSERT INTO run_model_telemetry (run_id, model_alias, source, endpoint_name, status, detail,
                            polls_failed, server_version, context_size, parameters, quantization, licence, gpu_name, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (run_id, model_alias, source) DO UPDATE SET
                            endpoint_name = EXCLUDED.endpoint_name, status = EXCLUDED.status,
                            detail = COALESCE(EXCLUDED.detail, run_model_telemetry.detail),
                            polls_failed = run_model_telemetry.polls_failed + EXCLUDED.polls_failed,
                            server_version = COALESCE(EXCLUDED.server_version, run_model_telemetry.server_version),
                            context_size = COALESCE(EXCLUDED.context_size, run_model_telemetry.context_size),
                            parameters = COALESCE(EXCLUDED.parameters, run_model_telemetry.parameters),
                            quantization = COALESCE(EXCLUDED.quantization, run_model_telemetry.quantization),
                            licence = COALESCE(EXCLUDED.licence, run_model_telemetry.licence),
                            gpu_name = COALESCE(EXCLUDED.gpu_name, run_model_telemetry.gpu_name),
                            updated_at = EXCLUDED.updated_at""")
                .params(row.runId(), row.modelAlias(), row.source(), row.endpoint(), row.status(), row.detail(),
                        row.pollsFailed(), row.serverVersion(), row.contextSize(), row.parameters(), row.quantization(),
                        row.licence(), row.gpuName(), Timestamp.from(row.at()))
                .update();
        StringBuilder figures = new StringBuilder();
        for (String f : FIGURES) {
            figures.append(", ").append(f).append("_peak = a.").append(f).append("_peak, ")
                    .append(f).append("_mean = a.").append(f).append("_mean");
        }
        StringBuilder aggregates = new StringBuilder();
        for (String f : FIGURES) {
            aggregates.append(", max(value) FILTER (WHERE metric = '").append(f).append("') AS ").append(f).append("_peak")
                    .append(", avg(value) FILTER (WHERE metric = '").append(f).append("') AS ").append(f).append("_mean");
        }
        jdbc.sql("""
                        UPDATE run_model_telemetry t SET samples = a.n,
                            status = CASE WHEN a.n > 0 THEN 'ok' ELSE t.status END,
                            gpu_memory_total_mb = a.gpu_memory_total_mb,
                            context_size = COALESCE(a.context_length::int, t.context_size)%s
                        FROM (SELECT count(DISTINCT sampled_at) AS n,
                                     max(value) FILTER (WHERE metric = 'gpu_memory_total_mb') AS gpu_memory_total_mb,
                                     max(value) FILTER (WHERE metric = 'context_length') AS context_length%s
                              FROM telemetry_samples WHERE run_id = ? AND model_alias = ? AND source = ?) a
                        WHERE t.run_id = ? AND t.model_alias = ? AND t.source = ?""".formatted(figures, aggregates))
                .params(row.runId(), row.modelAlias(), row.source(), row.runId(), row.modelAlias(), row.source())
                .update();
    }

    /** A run's summaries by model (plan order) and source. */
    public List<Summary> summaries(long runId) {
        return jdbc.sql("""
                        SELECT t.model_alias, t.source, t.endpoint_name, t.status, t.detail, t.samples, t.polls_failed,
                               t.memory_mb_peak, t.vram_mb_peak, t.kv_cache_usage_peak, t.requests_running_peak,
                               t.requests_running_mean, t.gpu_memory_used_mb_peak, t.gpu_power_w_mean, t.server_version,
                               t.context_size, t.parameters, t.quantization, t.licence, t.gpu_name
                        FROM run_model_telemetry t JOIN run_models m USING (run_id, model_alias)
                        WHERE t.run_id = ? ORDER BY m.ordinal, t.source""")
                .param(runId)
                .query((rs, i) -> new Summary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getInt(7), (Double) rs.getObject(8), (Double) rs.getObject(9),
                        (Double) rs.getObject(10), (Double) rs.getObject(11), (Double) rs.getObject(12),
                        (Double) rs.getObject(13), (Double) rs.getObject(14), rs.getString(15),
                        (Integer) rs.getObject(16), rs.getString(17), rs.getString(18), rs.getString(19),
                        rs.getString(20)))
                .list();
    }
}
