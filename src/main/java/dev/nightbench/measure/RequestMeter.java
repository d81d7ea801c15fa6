package dev.nightbench.measure;

import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.ResponseObserver;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Times one request attempt and turns it into a {@link Measurement} with every figure defined in METRICS.md.
 *
 * <p>Why it looks like this: the callbacks run on the thread that reads the response, between two socket
 * reads, so they only store primitives (arrival times in a growable {@code long[]}) and the answer's content up to
 * the plan's {@code run.answer_max_bytes} (UTF-8), noting whether anything was cut;
 * all the maths happens afterwards in {@link #toMeasurement}. One meter per attempt; not thread-safe (one
 * reading thread calls it, then the same thread asks for the measurement).
 *
 * <p>Reading of METRICS.md where it is terse:
 * <ul>
 *   <li>A <em>token chunk</em> is a chunk whose delta carries non-empty {@code content} or non-empty
 *       {@code reasoning_content}; TTFT is the first one. E2E is the last one, the chunk-count fallback for
 *       {@code output_tokens} counts them, and chunk gaps are measured between consecutive ones. For a model
 *       that does not reason this is exactly "the chunks that carry content"; for a reasoning model it keeps
 *       TPOT consistent with TTFT and with {@code usage.completion_tokens}, which counts reasoning tokens too.</li>
 *   <li>Role-only chunks, empty chunks, the finish chunk and the usage chunk are not token chunks, so they
 *       move none of TTFT, TTFO, E2E or the gaps.</li>
 *   <li>Non-streaming: TTFT, TTFO, TPOT and decode rate are null; E2E equals total when the request
 *       succeeded; {@code output_tokens} comes from usage only (a single JSON body says nothing about tokens).</li>
 *   <li>A request re-sent on a fresh connection after a stale pooled one ({@link #onReconnect}) counts from the
 *       re-send's t0 (the send the model answered) and records the reconnect; it is not a failed attempt.</li>
 *   <li>The client-side token estimate is {@code round(characters / 4)} over content and reasoning text
 *       (OpenAI's rule of thumb for English; at least 1 when any text arrived). It is a sanity check on the
 *       server's usage, never a substitute for it.</li>
 *   <li>Every token chunk's arrival and size is kept, so {@link Plausibility} can flag a row whose figures the
 *       client could not have measured truthfully (a burst read, an impossible decode rate).</li>
 * </ul>
 */
public final class RequestMeter implements ResponseObserver {

    /**
     * Bytes (UTF-8) of answer text kept for {@link Measurement#responseText()} unless told otherwise (the doctor's
     * probe); the job passes {@code run.answer_max_bytes}.
     */
    public static final int DEFAULT_TEXT_LIMIT = 2000;

    static final double CHARS_PER_TOKEN = dev.nightbench.plan.Tokenizer.CHARS_PER_TOKEN;
    private static final long UNSET = Long.MIN_VALUE;
    private static final double NANOS_PER_MS = 1_000_000.0;

    private final boolean streamed;
    private final int textLimit;
    private final UnaryOperator<String> redaction;
    private final boolean chunksAreReads;
    private int reconnects;

    private long t0 = UNSET;
    private long prepNanos = UNSET;
    private long firstTokenNanos = UNSET;
    private long firstContentNanos = UNSET;
    private long lastTokenNanos = UNSET;
    private long closedNanos = UNSET;

    private long[] tokenChunkNanos = new long[256];
    private int[] tokenChunkChars = new int[256];
    private int tokenChunks;
    private long textChars;
    private final StringBuilder text;
    private long textBytes;
    private boolean textCut;

    private String finishReason;
    private Integer promptTokens;
    private Integer cachedTokens;
    private Integer completionTokens;

    public RequestMeter(boolean streamed) {
        this(streamed, DEFAULT_TEXT_LIMIT);
    }

    /**
     * @param streamed  whether the request streams (decides which figures are defined)
     * @param textLimit how many bytes (UTF-8) of the answer's content to keep; more is cut and flagged
     */
    public RequestMeter(boolean streamed, int textLimit) {
        this(streamed, textLimit, UnaryOperator.identity());
    }

    /**
     * @param redaction applied to the kept answer text before it leaves the meter (removes the API key a model
     *                  may echo; applied to the whole prefix, so a key split across chunks is caught too)
     */
    public RequestMeter(boolean streamed, int textLimit, UnaryOperator<String> redaction) {
        this(streamed, textLimit, redaction, true);
    }

    /**
     * @param chunksAreReads whether the chunk timestamps are when the client read them off a connection (several can
     *                       come out of one read, so the {@link Plausibility#BURST} rule applies); false for an
     *                       in-process provider that stamps every token as the model yields it
     *                       ({@code ModelClient.chunksAreReads})
     */
    public RequestMeter(boolean streamed, int textLimit, UnaryOperator<String> redaction, boolean chunksAreReads) {
        this.chunksAreReads = chunksAreReads;
        this.redaction = redaction;
        if (textLimit < 0) {
            throw new IllegalArgumentException("textLimit must be >= 0: " + textLimit);
        }
        this.streamed = streamed;
        this.textLimit = textLimit;
        this.text = new StringBuilder(Math.min(textLimit, 256));
    }

    @Override
    public void onSent(long t0Nanos, long prepNanos) {
        this.t0 = t0Nanos;
        this.prepNanos = prepNanos;
    }

    /** A re-send on a fresh connection after a stale pooled one: its t0 is the one the figures count from. */
    @Override
    public void onReconnect(long t0Nanos) {
        this.t0 = t0Nanos;
        reconnects++;
    }

    @Override
    public void onChunk(long nanos, String content, String reasoning) {
        boolean hasContent = content != null && !content.isEmpty();
        boolean hasReasoning = reasoning != null && !reasoning.isEmpty();
        if (!hasContent && !hasReasoning) {
            return;
        }
        if (firstTokenNanos == UNSET) {
            firstTokenNanos = nanos;
        }
        if (hasContent) {
            if (firstContentNanos == UNSET) {
                firstContentNanos = nanos;
            }
            textChars += content.length();
            keep(content);
        }
        if (hasReasoning) {
            textChars += reasoning.length();
        }
        lastTokenNanos = nanos;
        if (tokenChunks == tokenChunkNanos.length) {
            tokenChunkNanos = Arrays.copyOf(tokenChunkNanos, tokenChunks * 2);
            tokenChunkChars = Arrays.copyOf(tokenChunkChars, tokenChunks * 2);
        }
        tokenChunkChars[tokenChunks] = (hasContent ? content.length() : 0) + (hasReasoning ? reasoning.length() : 0);
        tokenChunkNanos[tokenChunks++] = nanos;
    }

    /** Appends the content while it fits in {@code textLimit} bytes; the first char that does not ends the text. */
    private void keep(String content) {
        if (textCut) {
            return;
        }
        char previous = text.isEmpty() ? 0 : text.charAt(text.length() - 1);
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            int b = AnswerText.bytes(c, previous);
            if (textBytes + b > textLimit) {
                text.append(content, 0, i);
                textCut = true;
                return;
            }
            textBytes += b;
            previous = c;
        }
        text.append(content);
    }

    @Override
    public void onFinish(String finishReason) {
        this.finishReason = finishReason;
    }

    @Override
    public void onUsage(Integer promptTokens, Integer completionTokens) {
        if (promptTokens != null) {
            this.promptTokens = promptTokens;
        }
        if (completionTokens != null) {
            this.completionTokens = completionTokens;
        }
    }

    @Override
    public void onCachedTokens(int cachedTokens) {
        this.cachedTokens = cachedTokens;
    }

    @Override
    public void onClosed(long nanos) {
        this.closedNanos = nanos;
    }

    /**
     * The figures of this attempt. A failed attempt keeps every timing it reached (a stream cut after ten
     * tokens still has its TTFT).
     *
     * @param startedAtWall wall-clock time of t0, for display and ordering only
     * @param failure       how the attempt failed, or null when it succeeded
     */
    public Measurement toMeasurement(Instant startedAtWall, ModelClientException failure) {
        Double prepMs = prepNanos == UNSET ? null : prepNanos / NANOS_PER_MS;
        Double totalMs = since(closedNanos);
        Double ttftMs = streamed ? since(firstTokenNanos) : null;
        Double ttfoMs = streamed ? since(firstContentNanos) : null;
        Double e2eMs = streamed ? since(lastTokenNanos) : (failure == null ? totalMs : null);

        Integer outputTokens;
        String tokensSource;
        if (completionTokens != null) {
            outputTokens = completionTokens;
            tokensSource = "usage";
        } else if (streamed && (failure == null || tokenChunks > 0)) {
            outputTokens = tokenChunks;
            tokensSource = "chunks";
        } else {
            outputTokens = null;
            tokensSource = null;
        }

        Integer estimate = null;
        if (textChars > 0) {
            estimate = (int) Math.max(1, Math.round(textChars / CHARS_PER_TOKEN));
        } else if (failure == null) {
            estimate = 0;
        }
        Double tokensDiffPct = outputTokens == null || outputTokens == 0 || estimate == null
                ? null
                : (outputTokens - estimate) * 100.0 / outputTokens;

        Double tpotMs = null;
        Double decodeTps = null;
        if (outputTokens != null && outputTokens > 1 && ttftMs != null && e2eMs != null) {
            double decodeMs = e2eMs - ttftMs;
            tpotMs = decodeMs / (outputTokens - 1);
            if (decodeMs > 0) {
                decodeTps = (outputTokens - 1) / (decodeMs / 1000.0);
            }
        }
        Double e2eTps = outputTokens != null && e2eMs != null && e2eMs > 0 ? outputTokens / (e2eMs / 1000.0) : null;

        String kept = text.toString();
        String redacted = redaction.apply(kept);
        // the mask may be longer than what it hides: the limit holds for the text as stored
        String answer = redacted.equals(kept) ? kept : AnswerText.cut(redacted, textLimit);

        Gaps gaps = streamed ? gaps() : Gaps.NONE;
        List<String> flags = streamed && t0 != UNSET
                ? Plausibility.flags(t0, tokenChunkNanos, tokenChunkChars, tokenChunks, outputTokens, decodeTps,
                        chunksAreReads)
                : List.of();

        return new Measurement(startedAtWall, prepMs, ttftMs, ttfoMs, e2eMs, totalMs, promptTokens, outputTokens,
                tokensSource, estimate, tokensDiffPct, tpotMs, decodeTps, e2eTps, tokenChunks, gaps.mean, gaps.p50,
                gaps.p95, gaps.max, finishReason,
                failure == null ? null : failure.failure(), null,
                failure == null ? null : failure.getMessage(),
                failure == null ? null : failure.httpStatus(),
                failure == null || failure.retryAfter() == null ? null : failure.retryAfter().toMillis(),
                answer, textCut || answer.length() < redacted.length(), streamed, reconnects, null, flags, cachedTokens,
                promptTokens == null ? null : "usage");
    }

    /** Nano time of t0 as the client reported it, or {@link Long#MIN_VALUE} when the request was never sent. */
    long sentNanos() {
        return t0;
    }

    /** Nano time the response was closed, or {@link Long#MIN_VALUE} when it was not. */
    long closedNanos() {
        return closedNanos;
    }

    private Double since(long nanos) {
        return nanos == UNSET || t0 == UNSET ? null : (nanos - t0) / NANOS_PER_MS;
    }

    private Gaps gaps() {
        int n = tokenChunks - 1;
        if (n < 1) {
            return Gaps.NONE;
        }
        long[] gaps = new long[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            gaps[i] = tokenChunkNanos[i + 1] - tokenChunkNanos[i];
            sum += gaps[i];
        }
        Arrays.sort(gaps);
        return new Gaps(sum / (double) n / NANOS_PER_MS,
                Percentiles.ofSorted(gaps, n, 0.50) / NANOS_PER_MS,
                Percentiles.ofSorted(gaps, n, 0.95) / NANOS_PER_MS,
                gaps[n - 1] / NANOS_PER_MS);
    }

    private record Gaps(Double mean, Double p50, Double p95, Double max) {
        static final Gaps NONE = new Gaps(null, null, null, null);
    }
}
