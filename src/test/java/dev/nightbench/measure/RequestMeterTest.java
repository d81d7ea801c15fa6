package dev.nightbench.measure;

import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.RequestStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RequestMeterTest {

    private static final Instant STARTED = Instant.parse("2025-01-01T02:00:00Z");

    private final FakeClock clock = new FakeClock();

    @Test
    void ttftIsTheFirstChunkWithTextAndRoleOnlyOrEmptyChunksAreNotTokens() {
        RequestMeter meter = sent(true, 1.5);
        clock.advanceMs(10);
        meter.onChunk(clock.nanoTime(), "", null);       // role-only chunk: content ""
        clock.advanceMs(20);
        meter.onChunk(clock.nanoTime(), null, null);     // empty delta
        clock.advanceMs(70);
        meter.onChunk(clock.nanoTime(), "Hel", null);    // t = 100
        clock.advanceMs(10);
        meter.onChunk(clock.nanoTime(), "lo", null);     // t = 110
        clock.advanceMs(5);
        meter.onChunk(clock.nanoTime(), null, null);     // finish chunk
        meter.onFinish("stop");
        clock.advanceMs(300);
        meter.onUsage(7, 2);                              // usage chunk at t = 415
        clock.advanceMs(1);
        meter.onClosed(clock.nanoTime());

        Measurement m = meter.toMeasurement(STARTED, null);

        assertThat(m.prepMs()).isEqualTo(1.5);
        assertThat(m.ttftMs()).isEqualTo(100.0);
        assertThat(m.ttfoMs()).isEqualTo(100.0);
        assertThat(m.e2eMs()).isEqualTo(110.0);
        assertThat(m.totalMs()).isEqualTo(416.0);
        assertThat(m.outputTokens()).isEqualTo(2);
        assertThat(m.promptTokens()).isEqualTo(7);
        assertThat(m.tokensSource()).isEqualTo("usage");
        assertThat(m.tpotMs()).isEqualTo(10.0);
        assertThat(m.decodeTps()).isEqualTo(100.0);
        assertThat(m.e2eTps()).isCloseTo(2 / 0.110, within(1e-9));
        assertThat(m.chunkCount()).isEqualTo(2);
        assertThat(m.finishReason()).isEqualTo("stop");
        assertThat(m.status()).isEqualTo(RequestStatus.OK);
        assertThat(m.errorType()).isNull();
        assertThat(m.responseText()).isEqualTo("Hello");
        assertThat(m.streamed()).isTrue();
        assertThat(m.startedAt()).isEqualTo(STARTED);
    }

    @Test
    void tpotFollowsTheFormulaE2eMinusTtftOverOutputTokensMinusOne() {
        RequestMeter meter = sent(true, 0);
        clock.advanceMs(200);
        meter.onChunk(clock.nanoTime(), "a", null);
        clock.advanceMs(300);
        meter.onChunk(clock.nanoTime(), "b c d", null);   // several tokens in one chunk
        meter.onUsage(10, 11);
        meter.onClosed(clock.nanoTime());

        Measurement m = meter.toMeasurement(STARTED, null);

        assertThat(m.tpotMs()).isEqualTo(300.0 / 10);
        assertThat(m.decodeTps()).isEqualTo(10 / 0.3, within(1e-9));
        assertThat(m.e2eTps()).isEqualTo(11 / 0.5, within(1e-9));
    }

    @Test
    void aOneTokenAnswerHasNoTpotAndNoDecodeRate() {
        RequestMeter meter = sent(true, 0);
        clock.advanceMs(50);
        meter.onChunk(clock.nanoTime(), "Yes", null);
        meter.onFinish("stop");
        meter.onUsage(3, 1);
        meter.onClosed(clock.nanoTime());

        Measurement m = meter.toMeasurement(STARTED, null);

        assertThat(m.ttftMs()).isEqualTo(50.0);
        assertThat(m.e2eMs()).isEqualTo(50.0);
        assertThat(m.tpotMs()).isNull();
        assertThat(m.decodeTps()).isNull();
        assertThat(m.e2eTps()).isEqualTo(20.0);
        assertThat(m.gapMeanMs()).isNull();
        assertThat(m.gapP50Ms()).isNull();
    }

    @Test
    void reasoningChunksSetTtftButOnlyContentSetsTtfo() {
        RequestMeter meter = sent(true, 0);
        clock.advanceMs(40);
        meter.onChunk(clock.nanoTime(), null, "Let me think");
        clock.advanceMs(60);
        meter.onChunk(clock.nanoTime(), null, " more");
        clock.advanceMs(100);
        meter.onChunk(clock.nanoTime(), "42", null);
        meter.onFinish("stop");
        meter.onClosed(clock.nanoTime());

        Measurement m = meter.toMeasurement(STARTED, null);

        assertThat(m.ttftMs()).isEqualTo(40.0);
        assertThat(m.ttfoMs()).isEqualTo(200.0);
        assertThat(m.e2eMs()).isEqualTo(200.0);
        assertThat(m.chunkCount()).isEqualTo(3);
        assertThat(m.responseText()).isEqualTo("42");
    }

    @Test
    void withoutUsageTheOutputTokensAreTheTokenChunkCountAndSaySo() {
        RequestMeter meter = sent(true, 0);
        for (int i = 0; i < 5; i++) {
            clock.advanceMs(10);
            meter.onChunk(clock.nanoTime(), "w" + i, null);
        }
        meter.onFinish("stop");
        meter.onClosed(clock.nanoTime());

        Measurement m = meter.toMeasurement(STARTED, null);

        assertThat(m.outputTokens()).isEqualTo(5);
        assertThat(m.tokensSource()).isEqualTo("chunks");
        assertThat(m.promptTokens()).isNull();
        assertThat(m.tpotMs()).isEqualTo(10.0);
    }

    @Test
    void chunkGapPercentilesAreLinearlyInterpolatedLikeNumpy() {
        // gaps 10, 20, 30, 40, 100 ms: numpy.percentile(gaps, 50) = 30, (…, 95) = 88, mean 40
        RequestMeter meter = sent(true, 0);
        clock.advanceMs(100);
        meter.onChunk(clock.nanoTime(), "a", null);
        for (long gap : new long[] {30, 10, 100, 20, 40}) {
            clock.advanceMs(gap);
            meter.onChunk(clock.nanoTime(), "x", null);
        }
        meter.onClosed(clock.nanoTime());

        Measurement m = meter.toMeasurement(STARTED, null);

        assertThat(m.chunkCount()).isEqualTo(6);
        assertThat(m.gapMeanMs()).isEqualTo(40.0);
        assertThat(m.gapP50Ms()).isEqualTo(30.0);
        assertThat(m.gapP95Ms()).isCloseTo(88.0, within(1e-9));
        assertThat(m.gapMaxMs()).isEqualTo(100.0);
    }

    @Test
    void percentilesOfAnEvenCountInterpolateBetweenTheMiddleValues() {
        long[] sorted = {1, 2, 3, 4};
        assertThat(Percentiles.ofSorted(sorted, 4, 0.5)).isEqualTo(2.5);
        assertThat(Percentiles.ofSorted(sorted, 4, 0.95)).isCloseTo(3.85, within(1e-12));
        assertThat(Percentiles.ofSorted(sorted, 4, 0.0)).isEqualTo(1.0);
        assertThat(Percentiles.ofSorted(sorted, 4, 1.0)).isEqualTo(4.0);
        assertThat(Percentiles.ofSorted(new long[] {7}, 1, 0.95)).isEqualTo(7.0);
    }

    @Test
    void aNonStreamingRequestHasNoTtftAndItsE2eIsItsTotal() {
        RequestMeter meter = sent(false, 0.25);
        clock.advanceMs(800);
        meter.onChunk(clock.nanoTime(), "The whole answer", null);
        meter.onFinish("stop");
        meter.onUsage(12, 3);
        meter.onClosed(clock.nanoTime());

        Measurement m = meter.toMeasurement(STARTED, null);

        assertThat(m.ttftMs()).isNull();
        assertThat(m.ttfoMs()).isNull();
        assertThat(m.tpotMs()).isNull();
        assertThat(m.decodeTps()).isNull();
        assertThat(m.e2eMs()).isEqualTo(800.0);
        assertThat(m.totalMs()).isEqualTo(800.0);
        assertThat(m.outputTokens()).isEqualTo(3);
        assertThat(m.e2eTps()).isEqualTo(3 / 0.8, within(1e-9));
        assertThat(m.gapP50Ms()).isNull();
        assertThat(m.streamed()).isFalse();
    }

    @Test
    void aNonStreamingRequestWithoutUsageHasNoOutputTokens() {
        RequestMeter meter = sent(false, 0);
        clock.advanceMs(100);
        meter.onChunk(clock.nanoTime(), "Some text here", null);
        meter.onClosed(clock.nanoTime());

        Measurement m = meter.toMeasurement(STARTED, null);

        assertThat(m.outputTokens()).isNull();
        assertThat(m.tokensSource()).isNull();
        assertThat(m.e2eTps()).isNull();
        assertThat(m.outputTokensEstimate()).isEqualTo(4);
    }

    @Test
    void aFailedRequestKeepsTheTimingsItReachedAndCarriesTheFailure() {
        RequestMeter meter = sent(true, 0);
        clock.advanceMs(30);
        meter.onChunk(clock.nanoTime(), "partial", null);
        clock.advanceMs(10);
        meter.onChunk(clock.nanoTime(), " answer", null);
        clock.advanceMs(500);
        meter.onClosed(clock.nanoTime());
        ModelClientException failure = new ModelClientException(FailureClass.TRUNCATED_STREAM,
                "stream ended without a finish_reason");

        Measurement m = meter.toMeasurement(STARTED, failure);

        assertThat(m.status()).isEqualTo(RequestStatus.TRUNCATED_STREAM);
        assertThat(m.errorType()).isEqualTo("truncated_stream");
        assertThat(m.errorMessage()).isEqualTo("stream ended without a finish_reason");
        assertThat(m.ok()).isFalse();
        assertThat(m.ttftMs()).isEqualTo(30.0);
        assertThat(m.e2eMs()).isEqualTo(40.0);
        assertThat(m.totalMs()).isEqualTo(540.0);
        assertThat(m.outputTokens()).isEqualTo(2);
        assertThat(m.tokensSource()).isEqualTo("chunks");
        assertThat(m.finishReason()).isNull();
    }

    @Test
    void anHttpFailureBeforeAnyChunkHasOnlyPrepAndTotalAndTheServersRetryAfter() {
        RequestMeter meter = sent(true, 0.5);
        clock.advanceMs(12);
        meter.onClosed(clock.nanoTime());
        ModelClientException failure = new ModelClientException(FailureClass.HTTP_429, "HTTP 429: slow down", 429,
                Duration.ofSeconds(2), null);

        Measurement m = meter.toMeasurement(STARTED, failure);

        assertThat(m.status()).isEqualTo(RequestStatus.HTTP_ERROR);
        assertThat(m.errorType()).isEqualTo("http_429");
        assertThat(m.httpStatus()).isEqualTo(429);
        assertThat(m.retryAfterMs()).isEqualTo(2000L);
        assertThat(m.prepMs()).isEqualTo(0.5);
        assertThat(m.totalMs()).isEqualTo(12.0);
        assertThat(m.ttftMs()).isNull();
        assertThat(m.e2eMs()).isNull();
        assertThat(m.outputTokens()).isNull();
        assertThat(m.outputTokensEstimate()).isNull();
        assertThat(m.tokensDiffPct()).isNull();
        assertThat(m.e2eTps()).isNull();
        assertThat(m.chunkCount()).isZero();
    }

    @Test
    void theTokenEstimateIsAboutFourCharactersPerTokenAndTheDiffIsRelativeToTheServersCount() {
        RequestMeter meter = sent(true, 0);
        clock.advanceMs(10);
        meter.onChunk(clock.nanoTime(), "abcdefghijklmnopqrst", null);   // 20 chars
        clock.advanceMs(10);
        meter.onChunk(clock.nanoTime(), null, "abcdefghijklmnopqrst");   // 20 chars of reasoning
        meter.onUsage(null, 8);
        meter.onClosed(clock.nanoTime());

        Measurement m = meter.toMeasurement(STARTED, null);

        assertThat(m.outputTokensEstimate()).isEqualTo(10);
        assertThat(m.tokensDiffPct()).isEqualTo(-25.0);
    }

    @Test
    void theResponseTextIsCappedButTheEstimateSeesEverything() {
        RequestMeter meter = new RequestMeter(true, 5);
        meter.onSent(clock.nanoTime(), 0);
        clock.advanceMs(10);
        meter.onChunk(clock.nanoTime(), "Hello", null);
        clock.advanceMs(10);
        meter.onChunk(clock.nanoTime(), " world, again", null);
        meter.onClosed(clock.nanoTime());

        Measurement m = meter.toMeasurement(STARTED, null);

        assertThat(m.responseText()).isEqualTo("Hello");
        assertThat(m.outputTokensEstimate()).isEqualTo(5);    // 18 chars / 4 = 4.5 → 5
    }

    @Test
    void manyChunksGrowTheArrivalBufferWithoutLosingAny() {
        RequestMeter meter = sent(true, 0);
        for (int i = 0; i < 1000; i++) {
            clock.advanceMs(2);
            meter.onChunk(clock.nanoTime(), "t", null);
        }
        meter.onClosed(clock.nanoTime());

        Measurement m = meter.toMeasurement(STARTED, null);

        assertThat(m.chunkCount()).isEqualTo(1000);
        assertThat(m.outputTokens()).isEqualTo(1000);
        assertThat(m.gapMaxMs()).isEqualTo(2.0);
        assertThat(m.e2eMs()).isEqualTo(2000.0);
    }

    private RequestMeter sent(boolean streamed, double prepMs) {
        RequestMeter meter = new RequestMeter(streamed);
        clock.advanceMs(1_000);
        meter.onSent(clock.nanoTime(), (long) (prepMs * 1_000_000));
        return meter;
    }

    /** A hand-driven monotonic clock. */
    static final class FakeClock implements NanoClock {
        private long now = 123_456_789L;

        void advanceMs(long ms) {
            now += ms * 1_000_000L;
        }

        @Override
        public long nanoTime() {
            return now;
        }
    }
}
