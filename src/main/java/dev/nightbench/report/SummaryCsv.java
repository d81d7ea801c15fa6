package dev.nightbench.report;

import dev.nightbench.store.ModelAvailability;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run's {@code summary.csv}: its summaries rows with the load cells' own figures (written by {@link ReportService}). */
final class SummaryCsv {

    private SummaryCsv() {
    }

    private static String value(ModelAvailability availability) {
        return availability == null ? null : availability.value();
    }

    /** summary.csv's columns: the summaries row, then the load cell's own figures (load_phases). */
    static final List<String> SUMMARY_COLUMNS = List.of("run_id", "model_alias", "prompt_id", "load_mode", "load_level",
            "requests", "ok_requests", "success_rate", "e2e_ms_mean", "e2e_ms_p50", "e2e_ms_p95", "ttft_ms_p50",
            "ttft_ms_p95", "tpot_ms_p50", "decode_tps_p50", "e2e_tps_mean", "prompt_tokens", "output_tokens",
            "cost_estimate", "cold_start_ms", "availability", "simulated", "ttft_ms_mean", "ttft_ms_n",
            "ttft_ms_ci95_low", "ttft_ms_ci95_high", "ttft_ms_cv", "e2e_ms_n", "e2e_ms_ci95_low", "e2e_ms_ci95_high",
            "e2e_ms_cv", "tpot_ms_p95", "error_rate", "goodput", "goodput_requests", "offered_rate", "wall_ms",
            "request_throughput", "output_token_throughput", "scheduled_lag_ms_mean", "scheduled_lag_ms_p95",
            "scheduled_lag_ms_max", "sweep", "phase_status", "max_in_flight", "held", "slo_broken", "skip_reason",
            "lag_behind", "client_limited", "client_limit_reason");

    /**
     * Every summaries row of the run (per model, then per model and prompt), with the load cell's own figures on
     * per-model load rows, and one row per skipped load level (no figures, its reason in skip_reason).
     */
    static void write(ReportData data, Path file) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(SUMMARY_COLUMNS.toArray(String[]::new)).get();
        Map<LevelKey, ReportData.LoadLevel> levels = new HashMap<>();
        for (ReportData.LoadLevel l : data.loadLevels()) {
            levels.put(new LevelKey(l.modelAlias(), l.loadMode(), l.loadLevel()), l);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(w, format)) {
            for (ReportData.ModelRow r : data.models()) {
                csv.printRecord(summaryRecord(data.run(), r,
                        r.serial() ? null : levels.get(new LevelKey(r.modelAlias(), r.loadMode(), r.loadLevel()))));
            }
            for (ReportData.LoadLevel l : data.loadLevels()) {
                if (l.skipped() || l.requests() == null) {
                    Map<String, Object> v = new HashMap<>();
                    v.put("run_id", data.run().runId());
                    v.put("model_alias", l.modelAlias());
                    v.put("prompt_id", SampleSet.ALL_PROMPTS);
                    v.put("load_mode", l.loadMode());
                    v.put("load_level", l.loadLevel());
                    v.put("simulated", data.run().simulated());
                    v.put("offered_rate", l.offeredRate());
                    phase(v, l);
                    csv.printRecord(SUMMARY_COLUMNS.stream().map(v::get).toArray());
                }
            }
            for (ReportData.ModelRow r : data.prompts()) {
                csv.printRecord(summaryRecord(data.run(), r, null));
            }
        }
    }

    private static Object[] summaryRecord(ReportData.Run run, ReportData.ModelRow r, ReportData.LoadLevel level) {
        Map<String, Object> v = new HashMap<>();
        v.put("run_id", run.runId());
        v.put("model_alias", r.modelAlias());
        v.put("prompt_id", r.promptId());
        v.put("load_mode", r.loadMode());
        v.put("load_level", r.loadLevel());
        v.put("requests", r.requests());
        v.put("ok_requests", r.okRequests());
        v.put("success_rate", r.successRate());
        v.put("e2e_ms_mean", r.e2eMsMean());
        v.put("e2e_ms_p50", r.e2eMsP50());
        v.put("e2e_ms_p95", r.e2eMsP95());
        v.put("ttft_ms_p50", r.ttftMsP50());
        v.put("ttft_ms_p95", r.ttftMsP95());
        v.put("tpot_ms_p50", r.tpotMsP50());
        v.put("decode_tps_p50", r.decodeTpsP50());
        v.put("e2e_tps_mean", r.e2eTpsMean());
        v.put("prompt_tokens", r.promptTokens());
        v.put("output_tokens", r.outputTokens());
        v.put("cost_estimate", r.costEstimate());
        v.put("cold_start_ms", r.coldStartMs());
        v.put("availability", value(r.availability()));
        v.put("simulated", run.simulated());
        v.put("ttft_ms_mean", r.ttft().mean());
        v.put("ttft_ms_n", r.ttft().n());
        v.put("ttft_ms_ci95_low", r.ttft().ci95Low());
        v.put("ttft_ms_ci95_high", r.ttft().ci95High());
        v.put("ttft_ms_cv", r.ttft().cv());
        v.put("e2e_ms_n", r.e2e().n());
        v.put("e2e_ms_ci95_low", r.e2e().ci95Low());
        v.put("e2e_ms_ci95_high", r.e2e().ci95High());
        v.put("e2e_ms_cv", r.e2e().cv());
        v.put("tpot_ms_p95", r.tpotMsP95());
        v.put("error_rate", r.errorRate());
        v.put("goodput", r.goodput());
        v.put("goodput_requests", r.goodputRequests());
        v.put("offered_rate", r.offeredRate());
        v.put("wall_ms", r.wallMs());
        v.put("request_throughput", r.requestThroughput());
        v.put("output_token_throughput", r.outputTokenThroughput());
        v.put("scheduled_lag_ms_mean", r.scheduledLagMsMean());
        v.put("scheduled_lag_ms_p95", r.scheduledLagMsP95());
        v.put("scheduled_lag_ms_max", r.scheduledLagMsMax());
        if (level != null) {
            phase(v, level);
        }
        return SUMMARY_COLUMNS.stream().map(v::get).toArray();
    }

    /** The load cell's own columns: sweep, phase_status, max_in_flight, held, slo_broken, skip_reason, lag_behind. */
    private static void phase(Map<String, Object> v, ReportData.LoadLevel l) {
        v.put("sweep", l.sweep());
        v.put("phase_status", l.phaseStatus().value());
        v.put("max_in_flight", l.maxInFlight());
        v.put("held", l.held());
        v.put("slo_broken", l.sloBroken());
        v.put("skip_reason", l.skipReason());
        v.put("lag_behind", "rate".equals(l.loadMode()) && !l.skipped() ? l.lagging(LoadContent.LAG_SHARE) : null);
        v.put("client_limited", l.clientLimited());
        v.put("client_limit_reason", l.clientLimitReason());
    }

    private record LevelKey(String model, String mode, double level) {
    }
}
