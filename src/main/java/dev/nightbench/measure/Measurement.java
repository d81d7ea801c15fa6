package dev.nightbench.measure;

import java.time.Instant;
import java.util.List;

/**
 * The figures of one request attempt, named and defined exactly as in METRICS.md. Durations are in
 * milliseconds (fractional) from a monotonic clock; a figure that is undefined for this request is null,
 * never faked.
 *
 * @param startedAt        wall-clock time of t0 (for display and ordering only, never for durations)
 * @param prepMs           building the request before t0
 * @param ttftMs           t0 → first chunk with non-empty content or reasoning_content
 * @param ttfoMs           t0 → first chunk with non-empty content
 * @param e2eMs            t0 → last chunk carrying content
 * @param totalMs          t0 → response closed
 * @param promptTokens     usage.prompt_tokens, null when not reported
 * @param outputTokens     usage.completion_tokens, or the content chunk count when the server gave none
 * @param tokensSource     "usage" or "chunks"
 * @param outputTokensEstimate client-side estimate of the output tokens from the text
 * @param tokensDiffPct    (outputTokens − estimate) / outputTokens × 100, null when undefined
 * @param tpotMs           (e2e − ttft) / (outputTokens − 1); null when outputTokens ≤ 1
 * @param decodeTps        (outputTokens − 1) / ((e2e − ttft) / 1000); null when undefined
 * @param e2eTps           outputTokens / (e2e / 1000)
 * @param chunkCount       content chunks received
 * @param gapMeanMs        mean gap between consecutive content chunks
 * @param gapP50Ms         median gap
 * @param gapP95Ms         95th percentile gap (linear interpolation)
 * @param gapMaxMs         largest gap
 * @param finishReason     the server's finish_reason, or null
 * @param status           METRICS.md status: ok, http_error, timeout, invalid_response, truncated_stream,
 *                         connect_error, cancelled
 * @param errorType        fine-grained failure class ({@code FailureClass.code()}), null when ok
 * @param errorMessage     failure message, null when ok
 * @param httpStatus       HTTP status when known
 * @param retryAfterMs     the server's Retry-After in ms, when given
 * @param responseText     the answer text, bounded to a prefix
 * @param streamed         true when the request streamed
 * @param reconnects       times the request was re-sent on a fresh connection because a reused (pooled) connection
 *                         failed before any byte of the response arrived; not failed attempts (METRICS.md)
 * @param backoffMs        the retry backoff actually waited before this attempt, ms; null on a first attempt
 * @param flags            plausibility flags ({@link Plausibility}): figures the client could not measure
 *                         truthfully; empty when none
 */
public record Measurement(Instant startedAt, Double prepMs, Double ttftMs, Double ttfoMs, Double e2eMs,
                          Double totalMs, Integer promptTokens, Integer outputTokens, String tokensSource,
                          Integer outputTokensEstimate, Double tokensDiffPct, Double tpotMs, Double decodeTps,
                          Double e2eTps, int chunkCount, Double gapMeanMs, Double gapP50Ms, Double gapP95Ms,
                          Double gapMaxMs, String finishReason, String status, String errorType,
                          String errorMessage, Integer httpStatus, Long retryAfterMs, String responseText,
                          boolean streamed, int reconnects, Double backoffMs, List<String> flags) {

    public Measurement {
        flags = flags == null ? List.of() : List.copyOf(flags);
    }

    /** The 27 figures of before reconnects, backoff and flags: no reconnect, no backoff, no flag. */
    public Measurement(Instant startedAt, Double prepMs, Double ttftMs, Double ttfoMs, Double e2eMs,
                       Double totalMs, Integer promptTokens, Integer outputTokens, String tokensSource,
                       Integer outputTokensEstimate, Double tokensDiffPct, Double tpotMs, Double decodeTps,
                       Double e2eTps, int chunkCount, Double gapMeanMs, Double gapP50Ms, Double gapP95Ms,
                       Double gapMaxMs, String finishReason, String status, String errorType,
                       String errorMessage, Integer httpStatus, Long retryAfterMs, String responseText,
                       boolean streamed) {
        this(startedAt, prepMs, ttftMs, ttfoMs, e2eMs, totalMs, promptTokens, outputTokens, tokensSource,
                outputTokensEstimate, tokensDiffPct, tpotMs, decodeTps, e2eTps, chunkCount, gapMeanMs, gapP50Ms,
                gapP95Ms, gapMaxMs, finishReason, status, errorType, errorMessage, httpStatus, retryAfterMs,
                responseText, streamed, 0, null, List.of());
    }

    /** This attempt, having waited {@code ms} of retry backoff before it was sent. */
    public Measurement withBackoffMs(Double ms) {
        return new Measurement(startedAt, prepMs, ttftMs, ttfoMs, e2eMs, totalMs, promptTokens, outputTokens,
                tokensSource, outputTokensEstimate, tokensDiffPct, tpotMs, decodeTps, e2eTps, chunkCount, gapMeanMs,
                gapP50Ms, gapP95Ms, gapMaxMs, finishReason, status, errorType, errorMessage, httpStatus, retryAfterMs,
                responseText, streamed, reconnects, ms, flags);
    }

    /** True when a plausibility rule flagged this attempt: its decode figures are left out of the aggregates. */
    public boolean flagged() {
        return !flags.isEmpty();
    }

    public boolean ok() {
        return "ok".equals(status);
    }
}
