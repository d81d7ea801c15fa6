package dev.nightbench.report;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.sql.Array;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code results.json} ({@link ResultsJson}) says that the report's own reads ({@link ReportData},
 * {@link Visibility}) do not carry: the models' plan facts from {@code run_models} (size, capabilities, price), the
 * tail of each latency ({@code summaries}' p99s, TPOT mean and interval, decode mean), the server telemetry
 * ({@code run_model_telemetry}, V15) and how the stored comparison chose its baseline ({@code comparisons}). Read
 * here, beside the report's reads, rather than by widening {@link ReportData.ModelRow}, which the renderers and their
 * tests build by the thousand.
 *
 * @param models    every model of the run, in plan order, whether or not it has figures
 * @param tails     the serial (latency-cell) figures not in {@link ReportData.ModelRow}, by model and prompt
 *                  ({@code "*"} for all prompts)
 * @param telemetry the telemetry rows of the run, in model order, then by source
 * @param baseline  how the stored comparison chose its baseline; null when the run has no comparison rows
 */
record ResultsData(List<Model> models, Map<Key, Tail> tails, List<Telemetry> telemetry, Baseline baseline) {

    /** A {@code run_models} row: the plan's facts about the model and what became of it. */
    record Model(String modelAlias, String endpointName, String serverModel, boolean simulated, Integer sizeMb,
                 List<String> capabilities, BigDecimal priceInputPer1k, BigDecimal priceOutputPer1k,
                 String availability, String failureReason, Double coldStartMs, String coldStartNote,
                 String endpointType, Double loadMs, String loadNote, String modelSha256) {
    }

    record Key(String modelAlias, String promptId) {
    }

    /** {@code summaries} columns of a serial row that the report does not read. */
    record Tail(Double ttftMsP99, Double tpotMsMean, Double tpotMsP99, Integer tpotMsN, Double tpotMsCi95Low,
                Double tpotMsCi95High, Double e2eMsP99, Double decodeTpsMean, Double decodeTpsP95) {

        static final Tail NONE = new Tail(null, null, null, null, null, null, null, null, null);
    }

    /** A {@code run_model_telemetry} row (V15), columns in table order. */
    record Telemetry(String modelAlias, String source, String endpointName, String status, String detail, int samples,
                     int pollsFailed, Double memoryMbPeak, Double memoryMbMean, Double vramMbPeak, Double vramMbMean,
                     Double kvCacheUsagePeak, Double kvCacheUsageMean, Double requestsRunningPeak,
                     Double requestsRunningMean, Double requestsWaitingPeak, Double requestsWaitingMean,
                     Double gpuMemoryUsedMbPeak, Double gpuMemoryUsedMbMean, Double gpuMemoryTotalMb,
                     Double gpuUtilPctPeak, Double gpuUtilPctMean, Double gpuPowerWPeak, Double gpuPowerWMean,
                     String serverVersion, Integer contextSize, String parameters, String quantization,
                     String licence, String gpuName) {
    }

    /** {@code comparisons}' baseline columns, the same on every row of a run. */
    record Baseline(String mode, List<Long> runIds, double thresholdPct, double alpha) {
    }

    Tail tail(String modelAlias, String promptId) {
        return tails.getOrDefault(new Key(modelAlias, promptId), Tail.NONE);
    }

    static ResultsData load(JdbcClient jdbc, long runId) {
        List<Model> models = jdbc.sql("""
                        SELECT model_alias, endpoint_name, server_model, simulated, size_mb, capabilities,
                               price_input_per_1k, price_output_per_1k, availability, failure_reason, cold_start_ms,
                               cold_start_note, endpoint_type, load_ms, load_note, model_sha256
                        FROM run_models WHERE run_id = ? ORDER BY ordinal""")
                .param(runId)
                .query((rs, n) -> new Model(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        rs.getObject(5, Integer.class), strings(rs.getArray(6)), rs.getBigDecimal(7),
                        rs.getBigDecimal(8), rs.getString(9), rs.getString(10), rs.getObject(11, Double.class),
                        rs.getString(12), rs.getString(13), rs.getObject(14, Double.class),
                        rs.getString(15), rs.getString(16)))
                .list();
        Map<Key, Tail> tails = new HashMap<>();
        jdbc.sql("""
                        SELECT model_alias, prompt_id, ttft_ms_p99, tpot_ms_mean, tpot_ms_p99, tpot_ms_n, tpot_ms_ci95_low,
                               tpot_ms_ci95_high, e2e_ms_p99, decode_tps_mean, decode_tps_p95
                        FROM summaries WHERE run_id = ? AND load_mode = 'serial'""")
                .param(runId)
                .query(rs -> {
                    tails.put(new Key(rs.getString(1), rs.getString(2)), new Tail(rs.getObject(3, Double.class),
                            rs.getObject(4, Double.class), rs.getObject(5, Double.class), rs.getObject(6, Integer.class),
                            rs.getObject(7, Double.class), rs.getObject(8, Double.class), rs.getObject(9, Double.class),
                            rs.getObject(10, Double.class), rs.getObject(11, Double.class)));
                });
        List<Telemetry> telemetry = jdbc.sql("""
                        SELECT t.model_alias, t.source, t.endpoint_name, t.status, t.detail, t.samples, t.polls_failed,
                               t.memory_mb_peak, t.memory_mb_mean, t.vram_mb_peak, t.vram_mb_mean, t.kv_cache_usage_peak,
                               t.kv_cache_usage_mean, t.requests_running_peak, t.requests_running_mean,
                               t.requests_waiting_peak, t.requests_waiting_mean, t.gpu_memory_used_mb_peak,
                               t.gpu_memory_used_mb_mean, t.gpu_memory_total_mb, t.gpu_util_pct_peak, t.gpu_util_pct_mean,
                               t.gpu_power_w_peak, t.gpu_power_w_mean, t.server_version, t.context_size, t.parameters,
                               t.quantization, t.licence, t.gpu_name
                        FROM run_model_telemetry t
                        JOIN run_models rm ON rm.run_id = t.run_id AND rm.model_alias = t.model_alias
                        WHERE t.run_id = ?
                        ORDER BY rm.ordinal, t.source""")
                .param(runId).query(Telemetry.class).list();
        return new ResultsData(models, tails, telemetry, baseline(jdbc, runId));
    }

    /** How the run's stored comparison chose its baseline; null when the run has no comparison rows. */
    static Baseline baseline(JdbcClient jdbc, long runId) {
        return jdbc.sql("""
                        SELECT baseline_mode, baseline_run_ids, threshold_pct, alpha
                        FROM comparisons WHERE run_id = ? LIMIT 1""")
                .param(runId)
                .query((rs, n) -> new Baseline(rs.getString(1), longs(rs.getArray(2)), rs.getDouble(3),
                        rs.getDouble(4)))
                .optional().orElse(null);
    }

    private static List<String> strings(Array array) throws java.sql.SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    private static List<Long> longs(Array array) throws java.sql.SQLException {
        return array == null ? List.of() : List.of((Long[]) array.getArray());
    }
}
