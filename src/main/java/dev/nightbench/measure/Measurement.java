package dev.nightbench.measure;

import dev.nightbench.client.FailureClass;
import dev.nightbench.client.RequestStatus;

import java.time.Instant;
import java.util.List;

/**
 * The figures of one request attempt, named and defined exactly as in METRICS.md. Durations are in
 * milliseconds (fractional) from a monotonic clock; a figure that is undefined for this request is null,
 * never faked.
 *
 * <p>How the attempt ended is typed: a {@link FailureClass} when it failed, a {@link SkipReason} when it was never
 * sent, neither when it succeeded; its {@link #status()} and {@link #errorType()} (the {@code requests.status} and
 * {@code requests.error_type} values) follow from them, so the two can never disagree.
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
 * @param failure          why the attempt failed; null when it succeeded or was skipped
 * @param skip             why the request was not sent; null when it was
 * @param errorMessage     failure (or skip) message, null when ok
 * @param httpStatus       HTTP status when known
 * @param retryAfterMs     the server's Retry-After in ms, when given
 * @param responseText     the answer's content, whole up to the plan's {@code run.answer_max_bytes} (UTF-8 bytes),
 *                         redacted; null when the request was not sent
 * @param responseTruncated true when the answer went on beyond what {@code responseText} keeps
 * @param streamed         true when the request streamed
 * @param reconnects       times the request was re-sent on a fresh connection because a reused (pooled) connection
 *                         failed before any byte of the response arrived; not failed attempts (METRICS.md)
 * @param backoffMs        the retry backoff actually waited before this attempt, ms; null on a first attempt
 * @param flags            plausibility flags ({@link Plausibility}): figures the client could not measure
 *                         truthfully; empty when none
 * @param cachedTokens     prompt tokens the server served from its prefix cache
 *                         ({@code usage.prompt_tokens_details.cached_tokens}, or llama.cpp's {@code timings.cache_n}),
 *                         null when it reported neither
 * @param promptTokensSource "usage" when {@code promptTokens} came from the server, "tokenizer" when counted with the
 *                         model's tokenizer, null when unknown
 */
public record Measurement(Instant startedAt, Double prepMs, Double ttftMs, Double ttfoMs, Double e2eMs,
                          Double totalMs, Integer promptTokens, Integer outputTokens, String tokensSource,
                          Integer outputTokensEstimate, Double tokensDiffPct, Double tpotMs, Double decodeTps,
                          Double e2eTps, int chunkCount, Double gapMeanMs, Double gapP50Ms, Double gapP95Ms,
                          Double gapMaxMs, String finishReason, FailureClass failure, SkipReason skip,
                          String errorMessage, Integer httpStatus, Long retryAfterMs, String responseText,
                          boolean responseTruncated, boolean streamed, int reconnects, Double backoffMs, List<String> flags,
                          Integer cachedTokens, String promptTokensSource) {

    /**
     * Characters of an answer kept as its prefix ({@code requests.response_prefix}, for reports and CSVs), and what
     * {@link AnswerBudget} cuts an answer to past a cell's budget, so the stored prefix is the same either way.
     */
    public static final int PREFIX_CHARS = 2000;

    public Measurement {
        if (failure != null && skip != null) {
            throw new IllegalArgumentException("an attempt either failed (" + failure + ") or was skipped (" + skip
                    + "), not both");
        }
        flags = flags == null ? List.of() : List.copyOf(flags);
    }

    /** The row for a request not sent: only when, why and whether it would have streamed. */
    public static Measurement skipped(Instant at, SkipReason reason, String message, boolean streamed) {
        return new Measurement(at, null, null, null, null, null, null, null, null, null, null, null, null, null, 0,
                null, null, null, null, null, null, reason, message, null, null, null, false, streamed, 0, null, List.of(),
                null, null);
    }

    /** This attempt, having waited {@code ms} of retry backoff before it was sent. */
    public Measurement withBackoffMs(Double ms) {
        return new Measurement(startedAt, prepMs, ttftMs, ttfoMs, e2eMs, totalMs, promptTokens, outputTokens,
                tokensSource, outputTokensEstimate, tokensDiffPct, tpotMs, decodeTps, e2eTps, chunkCount, gapMeanMs,
                gapP50Ms, gapP95Ms, gapMaxMs, finishReason, failure, skip, errorMessage, httpStatus, retryAfterMs,
                responseText, responseTruncated, streamed, reconnects, ms, flags, cachedTokens, promptTokensSource);
    }

    /** This attempt with its answer text replaced by {@code text}, a start of it, and flagged truncated. */
    public Measurement withResponseCut(String text) {
        return new Measurement(startedAt, prepMs, ttftMs, ttfoMs, e2eMs, totalMs, promptTokens, outputTokens,
                tokensSource, outputTokensEstimate, tokensDiffPct, tpotMs, decodeTps, e2eTps, chunkCount, gapMeanMs,
                gapP50Ms, gapP95Ms, gapMaxMs, finishReason, failure, skip, errorMessage, httpStatus, retryAfterMs,
                text, true, streamed, reconnects, backoffMs, flags, cachedTokens, promptTokensSource);
    }

    /** The METRICS.md status ({@code requests.status}): the failure's, {@code skipped}, or {@code ok}. */
    public RequestStatus status() {
        if (failure != null) {
            return failure.status();
        }
        return skip != null ? RequestStatus.SKIPPED : RequestStatus.OK;
    }

    /**
     * The fine-grained class stored in {@code requests.error_type}: the failure class's code, the skip reason's, or
     * null when ok.
     */
    public String errorType() {
        if (failure != null) {
            return failure.code();
        }
        return skip != null ? skip.code() : null;
    }

    /** True when a plausibility rule flagged this attempt: its decode figures are left out of the aggregates. */
    public boolean flagged() {
        return !flags.isEmpty();
    }

    public boolean ok() {
        return failure == null && skip == null;
    }
}
