package dev.nightbench.report;

import dev.nightbench.store.LoadPhaseStatus;
import dev.nightbench.store.ModelAvailability;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Everything a run's report shows about the run itself, read through the SQL views. */
public record ReportData(Run run, Slo slo, List<ModelRow> models, List<ModelRow> prompts, List<LoadLevel> loadLevels,
                         List<SweepResult> sweeps, List<Failure> failures, List<EndpointRow> endpoints,
                         List<SampleAnswer> samples, QualityData quality) {

    public ReportData {
        quality = quality == null ? QualityData.NONE : quality;
    }

    /** A report without answer checks. */
    public ReportData(Run run, Slo slo, List<ModelRow> models, List<ModelRow> prompts, List<LoadLevel> loadLevels,
                      List<SweepResult> sweeps, List<Failure> failures, List<EndpointRow> endpoints,
                      List<SampleAnswer> samples) {
        this(run, slo, models, prompts, loadLevels, sweeps, failures, endpoints, samples, null);
    }

    public record Run(long runId, String planName, String planPath, String planHash, LocalDate runDate, String label,
                      boolean simulated, String host, String nightbenchVersion, String status, Instant startedAt,
                      Instant finishedAt, String exitMessage) {
    }

    /**
     * The run's SLOs ({@code runs.slo_*}); each limit null when the plan gives none.
     *
     * @param percentile which percentile of a level's latencies must be within each limit
     */
    public record Slo(Double ttftMs, Double tpotMs, Double e2eMs, Double maxErrorRate, double percentile) {

        static final Slo NONE = new Slo(null, null, null, null, 95);

        boolean any() {
            return hasLatencyLimit() || maxErrorRate != null;
        }

        boolean hasLatencyLimit() {
            return ttftMs != null || tpotMs != null || e2eMs != null;
        }
    }

    /**
     * A mean with its sample count, 95 % confidence interval and coefficient of variation (summaries'
     * {@code *_mean, *_n, *_ci95_low, *_ci95_high, *_cv}); any part null when undefined.
     */
    public record Spread(Double mean, Integer n, Double ci95Low, Double ci95High, Double cv) {

        static final Spread NONE = new Spread(null, null, null, null, null);

        /** Half the width of the interval, or null. */
        Double halfWidth() {
            return ci95Low == null || ci95High == null ? null : (ci95High - ci95Low) / 2;
        }
    }

    /**
     * One summaries row (per model, or per model and prompt) with the model's availability. The load figures
     * (throughput, wall time) are set on per-model rows of load cells only; lag on open-loop rows only.
     */
    public record ModelRow(String modelAlias, String promptId, String loadMode, double loadLevel, int requests,
                           int okRequests, double successRate, Long promptTokens, Long outputTokens,
                           Double e2eMsMean, Double e2eMsP50, Double e2eMsP95, Double ttftMsP50, Double ttftMsP95,
                           Double tpotMsP50, Double decodeTpsP50, Double e2eTpsMean, ModelAvailability availability,
                           String failureReason, Double coldStartMs, Double costEstimate, Spread ttft, Spread e2e,
                           Double tpotMsP95, Double errorRate, Integer goodputRequests, Double goodput,
                           Double offeredRate, Double wallMs, Double requestThroughput, Double outputTokenThroughput,
                           Double scheduledLagMsMean, Double scheduledLagMsP95, Double scheduledLagMsMax) {

        boolean serial() {
            return "serial".equals(loadMode);
        }
    }

    /**
     * One load level of a model, from the {@code load_summaries} view: the load cell ({@code load_phases}) with its
     * per-model figures; the figures are null for a level that was skipped. {@code clientLimited} and
     * {@code clientLimitReason}: whether the client, not the server, set the level's pace (V8; null when skipped).
     */
    public record LoadLevel(String modelAlias, String loadMode, double loadLevel, boolean sweep,
                            LoadPhaseStatus phaseStatus, Double offeredRate, Integer plannedRequests,
                            Integer maxInFlight, Boolean held, String sloBroken, String skipReason, Integer requests,
                            Integer okRequests, Double errorRate, Double goodput, Integer goodputRequests, Double wallMs,
                            Double requestThroughput, Double outputTokenThroughput, Double scheduledLagMsMean,
                            Double scheduledLagMsP95, Double scheduledLagMsMax, Double ttftMsP50, Double ttftMsP95,
                            Double tpotMsP50, Double tpotMsP95, Double e2eMsP50, Double e2eMsP95,
                            Boolean clientLimited, String clientLimitReason) {

        public LoadLevel(String modelAlias, String loadMode, double loadLevel, boolean sweep,
                         LoadPhaseStatus phaseStatus, Double offeredRate, Integer plannedRequests,
                         Integer maxInFlight, Boolean held, String sloBroken, String skipReason, Integer requests,
                         Integer okRequests, Double errorRate, Double goodput, Integer goodputRequests, Double wallMs,
                         Double requestThroughput, Double outputTokenThroughput, Double scheduledLagMsMean, Double scheduledLagMsP95,
                         Double scheduledLagMsMax, Double ttftMsP50, Double ttftMsP95, Double tpotMsP50,
                         Double tpotMsP95, Double e2eMsP50, Double e2eMsP95) {
            this(modelAlias, loadMode, loadLevel, sweep, phaseStatus, offeredRate, plannedRequests, maxInFlight, held,
                    sloBroken, skipReason, requests, okRequests, errorRate, goodput, goodputRequests, wallMs,
                    requestThroughput, outputTokenThroughput, scheduledLagMsMean, scheduledLagMsP95, scheduledLagMsMax,
                    ttftMsP50, ttftMsP95, tpotMsP50, tpotMsP95, e2eMsP50, e2eMsP95, null, null);
        }

        /** The client, not the server, set this level's pace ({@code load_phases.client_limited}). */
        boolean limitedByClient() {
            return Boolean.TRUE.equals(clientLimited);
        }

        boolean skipped() {
            return phaseStatus == LoadPhaseStatus.SKIPPED;
        }

        /** The offered rate of an open-loop level, req/s; null for a closed loop. */
        Double rate() {
            return "rate".equals(loadMode) ? (offeredRate != null ? offeredRate : loadLevel) : null;
        }

        /**
         * True when an open-loop level's scheduled-lag p95 exceeds {@code share} of its mean inter-arrival time
         * (1000 / rate ms): the client fell behind its schedule and offered less load than planned.
         */
        boolean lagging(double share) {
            Double rate = rate();
            return rate != null && rate > 0 && scheduledLagMsP95 != null && scheduledLagMsP95 > share * 1000 / rate;
        }
    }

    /** One sweep of a model, from the {@code sweep_results} view. */
    public record SweepResult(String modelAlias, String loadMode, Double maxLevelHeld, Double brokeAtLevel,
                              String sloBroken, long levelsPlanned, long levelsRun, long levelsSkipped,
                              Double maxLevelRequestThroughput, Double maxLevelOutputTokenThroughput,
                              Double maxLevelGoodput) {
    }

    /** Models that were unavailable or failed, and why. */
    public record Failure(String modelAlias, ModelAvailability availability, String reason, long failedRequests,
                          long skippedRequests) {
    }

    /**
     * An endpoint the run's models were served from (base URL null for the built-in simulator).
     *
     * @param type      the endpoint's type (null for runs before V32)
     * @param loadTimes "alias 12.3 ms, ..." for the models a provider loaded in-process ({@code run_models.load_ms},
     *                  or {@code load_note} in place of a time: "alias already loaded in this process since ..."), or null
     */
    public record EndpointRow(String endpointName, String baseUrl, boolean simulated, String type, String models,
                              String loadTimes) {
    }

    /** The first successful measured answer of a model: untrusted text, escaped wherever it is shown. */
    public record SampleAnswer(String modelAlias, String promptId, String responsePrefix) {
    }
}
