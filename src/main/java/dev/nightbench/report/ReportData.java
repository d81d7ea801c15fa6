package dev.nightbench.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Everything a run's report shows about the run itself, read through the SQL views. */
public record ReportData(Run run, List<ModelRow> models, List<ModelRow> prompts, List<Failure> failures,
                         List<EndpointRow> endpoints, List<SampleAnswer> samples) {

    public record Run(long runId, String planName, String planPath, String planHash, LocalDate runDate, String label,
                      boolean simulated, String host, String nightbenchVersion, String status, Instant startedAt,
                      Instant finishedAt, String exitMessage) {
    }

    /** One summaries row (per model, or per model and prompt) with the model's availability. */
    public record ModelRow(String modelAlias, String promptId, String loadMode, double loadLevel, int requests,
                           int okRequests, double successRate, Long promptTokens, Long outputTokens,
                           Double e2eMsMean, Double e2eMsP50, Double e2eMsP95, Double ttftMsP50, Double ttftMsP95,
                           Double tpotMsP50, Double decodeTpsP50, Double e2eTpsMean, String availability,
                           String failureReason, Double coldStartMs, Double costEstimate) {
    }

    /** Models that were unavailable or failed, and why. */
    public record Failure(String modelAlias, String availability, String reason, long failedRequests,
                          long skippedRequests) {
    }

    /** An endpoint the run's models were served from (base URL null for the built-in simulator). */
    public record EndpointRow(String endpointName, String baseUrl, boolean simulated, String models) {
    }

    /** The first successful measured answer of a model: untrusted text, escaped wherever it is shown. */
    public record SampleAnswer(String modelAlias, String promptId, String responsePrefix) {
    }
}
