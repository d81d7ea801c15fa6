package dev.nightbench.store;

import dev.nightbench.client.RequestStatus;

import java.time.Instant;
import java.util.List;

/**
 * One stored request attempt: one {@code requests} row, column for column (V2, V4, V6, V7), in the order
 * {@link RequestStore} inserts them. Figures are as METRICS.md defines them; null where undefined.
 *
 * @param scheduledLagMs open-loop load only: actual send minus scheduled send, else null
 * @param errorType      the failure class or skip reason, null when ok
 * @param responsePrefix the answer text's first 2,000 characters (cut by the caller) (the whole answer is in
 *                       {@code answers}, {@link AnswerRow})
 * @param flags          plausibility flags, empty when none
 * @param pipeline       phase {@value #PIPELINE} only: the pipeline's name (V18), else null
 * @param stage          phase {@value #PIPELINE} only: {@value #DRAFT} or {@value #REFINE} (V18), else null
 * @param cachedTokens   prompt tokens served from the server's prefix cache (V20), null when not reported
 * @param promptTokensSource "usage" or "tokenizer" (V20), null when prompt_tokens is null
 * @param workerHost     the host (or NIGHTBENCH_WORKER_HOST) of the process that sent it (V27)
 */
public record RequestRow(long runId, String phase, int cellIndex, int requestIndex, int attempt, boolean isFinal,
                         String modelAlias, String promptId, Integer round, String loadMode, double loadLevel,
                         RequestStatus status, String errorType, String errorMessage, Integer httpStatus,
                         Long retryAfterMs, Instant startedAt, Double scheduledLagMs, boolean streamed,
                         boolean simulated, Double prepMs, Double ttftMs, Double ttfoMs, Double e2eMs, Double totalMs,
                         Integer promptTokens, Integer outputTokens, String tokensSource, Integer outputTokensEstimate,
                         Double tokensDiffPct, Double tpotMs, Double decodeTps, Double e2eTps, int chunkCount,
                         Double gapMeanMs, Double gapP50Ms, Double gapP95Ms, Double gapMaxMs, String finishReason,
                         String responsePrefix, int reconnects, Double backoffMs, List<String> flags,
                         String pipeline, String stage, Integer cachedTokens, String promptTokensSource,
                         String workerHost) {

    public static final String WARMUP = "warmup";
    public static final String MEASURE = "measure";
    /** A pipeline stage's phase: never in a model's own figures, which read {@value #MEASURE} rows (V18). */
    public static final String PIPELINE = "pipeline";
    public static final String DRAFT = "draft";
    public static final String REFINE = "refine";

    public RequestRow {
        flags = flags == null ? List.of() : List.copyOf(flags);
    }
}
