package dev.nightbench.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Everything a run's report shows, read through the SQL views. */
public record ReportData(Run run, List<ModelRow> models, List<ModelRow> prompts, List<Failure> failures) {

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
}
