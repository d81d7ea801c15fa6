package dev.nightbench.measure;

import dev.nightbench.client.FailureClass;

import java.time.Instant;
import java.util.List;

/**
 * Test data: a {@link Measurement} with only the figures a test cares about, e.g.
 * {@code aMeasurement().ttftMs(12.0).e2eMs(80.0).outputTokens(9).build()}. Everything not set is null (the
 * figure was not measured), zero chunks and reconnects, not streamed, no flags, and the attempt succeeded unless
 * {@link #failed} or {@link #skipped} says otherwise.
 */
public final class Measurements {

    private Instant startedAt = Instant.EPOCH;
    private Double prepMs;
    private Double ttftMs;
    private Double ttfoMs;
    private Double e2eMs;
    private Double totalMs;
    private Integer promptTokens;
    private Integer cachedTokens;
    private String promptTokensSource;
    private Integer outputTokens;
    private String tokensSource;
    private Integer outputTokensEstimate;
    private Double tokensDiffPct;
    private Double tpotMs;
    private Double decodeTps;
    private Double e2eTps;
    private int chunkCount;
    private Double gapMeanMs;
    private Double gapP50Ms;
    private Double gapP95Ms;
    private Double gapMaxMs;
    private String finishReason;
    private FailureClass failure;
    private SkipReason skip;
    private String errorMessage;
    private Integer httpStatus;
    private Long retryAfterMs;
    private String responseText;
    private boolean responseTruncated;
    private boolean streamed;
    private int reconnects;
    private Double backoffMs;
    private List<String> flags = List.of();

    private Measurements() {
    }

    public static Measurements aMeasurement() {
        return new Measurements();
    }

    public Measurement build() {
        return new Measurement(startedAt, prepMs, ttftMs, ttfoMs, e2eMs, totalMs, promptTokens, outputTokens,
                tokensSource, outputTokensEstimate, tokensDiffPct, tpotMs, decodeTps, e2eTps, chunkCount, gapMeanMs,
                gapP50Ms, gapP95Ms, gapMaxMs, finishReason, failure, skip, errorMessage, httpStatus, retryAfterMs,
                responseText, responseTruncated, streamed, reconnects, backoffMs, flags, cachedTokens, promptTokensSource);
    }

    /** The attempt succeeded (the default). */
    public Measurements ok() {
        this.failure = null;
        this.skip = null;
        this.errorMessage = null;
        return this;
    }

    /** The attempt failed: {@code failure}, with {@code message}. */
    public Measurements failed(FailureClass failure, String message) {
        this.failure = failure;
        this.skip = null;
        this.errorMessage = message;
        return this;
    }

    /** The request was not sent: {@code reason}, with {@code message}. */
    public Measurements skipped(SkipReason reason, String message) {
        this.skip = reason;
        this.failure = null;
        this.errorMessage = message;
        return this;
    }

    public Measurements startedAt(Instant v) {
        this.startedAt = v;
        return this;
    }

    public Measurements prepMs(Double v) {
        this.prepMs = v;
        return this;
    }

    public Measurements ttftMs(Double v) {
        this.ttftMs = v;
        return this;
    }

    public Measurements ttfoMs(Double v) {
        this.ttfoMs = v;
        return this;
    }

    public Measurements e2eMs(Double v) {
        this.e2eMs = v;
        return this;
    }

    public Measurements totalMs(Double v) {
        this.totalMs = v;
        return this;
    }

    public Measurements promptTokens(Integer v) {
        this.promptTokens = v;
        return this;
    }

    public Measurements cachedTokens(Integer v) {
        this.cachedTokens = v;
        return this;
    }

    public Measurements promptTokensSource(String v) {
        this.promptTokensSource = v;
        return this;
    }

    public Measurements outputTokens(Integer v) {
        this.outputTokens = v;
        return this;
    }

    public Measurements tokensSource(String v) {
        this.tokensSource = v;
        return this;
    }

    public Measurements outputTokensEstimate(Integer v) {
        this.outputTokensEstimate = v;
        return this;
    }

    public Measurements tokensDiffPct(Double v) {
        this.tokensDiffPct = v;
        return this;
    }

    public Measurements tpotMs(Double v) {
        this.tpotMs = v;
        return this;
    }

    public Measurements decodeTps(Double v) {
        this.decodeTps = v;
        return this;
    }

    public Measurements e2eTps(Double v) {
        this.e2eTps = v;
        return this;
    }

    public Measurements chunkCount(int v) {
        this.chunkCount = v;
        return this;
    }

    /** Mean, median, p95 and largest gap between content chunks at once. */
    public Measurements gapsMs(Double mean, Double p50, Double p95, Double max) {
        this.gapMeanMs = mean;
        this.gapP50Ms = p50;
        this.gapP95Ms = p95;
        this.gapMaxMs = max;
        return this;
    }

    public Measurements finishReason(String v) {
        this.finishReason = v;
        return this;
    }

    public Measurements httpStatus(Integer v) {
        this.httpStatus = v;
        return this;
    }

    public Measurements retryAfterMs(Long v) {
        this.retryAfterMs = v;
        return this;
    }

    /** The answer was longer than the text kept. */
    public Measurements responseTruncated(boolean v) {
        this.responseTruncated = v;
        return this;
    }

    public Measurements responseText(String v) {
        this.responseText = v;
        return this;
    }

    public Measurements streamed(boolean v) {
        this.streamed = v;
        return this;
    }

    public Measurements reconnects(int v) {
        this.reconnects = v;
        return this;
    }

    public Measurements backoffMs(Double v) {
        this.backoffMs = v;
        return this;
    }

    public Measurements flags(String... v) {
        this.flags = List.of(v);
        return this;
    }
}
