package dev.nightbench.measure;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The plausibility rules on synthetic chunk arrivals fed through a real {@link RequestMeter}. */
class PlausibilityTest {

    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;

    /** Feeds chunks of {@code text} at the given offsets from t0 (nanos), then usage (null: none). */
    private static Measurement stream(long[] offsets, String text, Integer usageTokens) {
        RequestMeter meter = new RequestMeter(true);
        long t0 = 1_000 * MS;
        meter.onSent(t0, 0);
        for (long offset : offsets) {
            meter.onChunk(t0 + offset, text, null);
        }
        meter.onFinish("stop");
        if (usageTokens != null) {
            meter.onUsage(5, usageTokens);
        }
        meter.onClosed(t0 + offsets[offsets.length - 1] + MS);
        return meter.toMeasurement(Instant.EPOCH, null);
    }

    private static long[] evenly(int n, long firstAt, long gap) {
        long[] at = new long[n];
        for (int i = 0; i < n; i++) {
            at[i] = firstAt + i * gap;
        }
        return at;
    }

    @Test
    void aStreamWhoseChunksAreSpreadOverTimeIsNotFlagged() {
        Measurement m = stream(evenly(40, 30 * MS, 8 * MS), " word", null);

        assertThat(m.flags()).isEmpty();
        assertThat(m.flagged()).isFalse();
        assertThat(m.decodeTps()).isCloseTo(125.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void aWholeAnswerReadInOneBurstAfterAStallIsABurstWithAnImplausibleDecodeRate() {
        // TTFT 50 ms, then 40 chunks 20 µs apart: TTFT ≈ E2E, decode ~ 50,000 tok/s (the client's parsing)
        Measurement m = stream(evenly(40, 50 * MS, 20 * US), " word", null);

        assertThat(m.flags()).containsExactly(Plausibility.BURST, Plausibility.IMPLAUSIBLE_DECODE);
        assertThat(m.decodeTps()).isGreaterThan(10_000);
    }

    @Test
    void anInProcessModelsTokensFasterThanAReadAreGenerationNotABurstButAnImpossibleRateStaysFlagged() {
        // a tiny model in-process: a long prompt's prefill 25 ms, then a token every 150 µs (6,700 tok/s), each stamped
        // as the reader takes it from llama.cpp
        long[] at = evenly(40, 25 * MS, 150 * US);
        RequestMeter inProcess = new RequestMeter(true, RequestMeter.DEFAULT_TEXT_LIMIT, t -> t, false);
        long t0 = 1_000 * MS;
        inProcess.onSent(t0, 0);
        for (long offset : at) {
            inProcess.onChunk(t0 + offset, " word", null);
        }
        inProcess.onFinish("length");
        inProcess.onUsage(5, 40);
        inProcess.onClosed(t0 + at[at.length - 1]);

        assertThat(stream(at, " word", 40).flags()).containsExactly(Plausibility.BURST); // over a socket: one read
        assertThat(inProcess.toMeasurement(Instant.EPOCH, null).flags()).isEmpty();
        assertThat(Plausibility.flags(0, evenly(40, 2 * MS, 20 * US), new int[40], 40, 40, 50_000.0, false))
                .containsExactly(Plausibility.IMPLAUSIBLE_DECODE);
    }

    @Test
    void aFirstTokenOnTimeThenTheRestInOneLateReadIsABurst() {
        long[] at = new long[30];
        at[0] = 10 * MS;
        for (int i = 1; i < at.length; i++) {
            at[i] = 400 * MS + i * 30 * US; // a 390 ms stall, then 29 chunks in under a millisecond
        }
        Measurement m = stream(at, " word", null);

        assertThat(m.flags()).contains(Plausibility.BURST);
    }

    @Test
    void theWholeAnswerInItsOnlyChunkAfterAStallIsABurst() {
        Measurement m = stream(new long[]{80 * MS}, "a long answer of many words in one single chunk", 12);

        assertThat(m.flags()).containsExactly(Plausibility.BURST);
        assertThat(m.decodeTps()).isNull(); // undefined, and the flag says why TTFT = E2E
    }

    @Test
    void aShortAnswerInOneReadIsNotABurst() {
        Measurement m = stream(evenly(5, 50 * MS, 20 * US), "x", null);

        assertThat(m.flags()).doesNotContain(Plausibility.BURST);
    }

    @Test
    void aServerSendingSeveralTokensPerChunkSpreadOverTimeIsNotFlagged() {
        // 10 chunks 25 ms apart, the usage says 80 tokens: 8 per chunk, 320 tok/s
        Measurement m = stream(evenly(10, 40 * MS, 25 * MS), " several words at once", 80);

        assertThat(m.tokensSource()).isEqualTo("usage");
        assertThat(m.outputTokens()).isGreaterThan(m.chunkCount());
        assertThat(m.flags()).isEmpty();
    }

    @Test
    void severalTokensPerChunkAllowAProportionallyHigherDecodeRate() {
        // 20 chunks 0.3 ms apart (no burst: each gap is longer than one read), 8 tokens per chunk: ~26,000 tok/s,
        // within 8 × 10,000; the same gaps with one token per chunk (3,300 tok/s) are fine too
        Measurement many = stream(evenly(20, 5 * MS, 300 * US), "abcd", 160);
        Measurement one = stream(evenly(20, 5 * MS, 300 * US), "abcd", null);

        assertThat(many.decodeTps()).isGreaterThan(10_000);
        assertThat(many.flags()).isEmpty();
        assertThat(one.flags()).isEmpty();
    }

    @Test
    void chunksFasterThanAnyServerEmitsThemAreAnImplausibleDecodeEvenWithoutAStall() {
        // first chunk at 0.5 ms (no stall to speak of), then 50 chunks 50 µs apart: 20,000 tok/s at one token each
        Measurement m = stream(evenly(50, 500 * US, 50 * US), "w", null);

        assertThat(m.flags()).containsExactly(Plausibility.IMPLAUSIBLE_DECODE);
    }

    @Test
    void aBurstOfHalfTheAnswerOrLessIsNotABurst() {
        long[] at = new long[20];
        for (int i = 0; i < 10; i++) {
            at[i] = 10 * MS + i * 5 * MS;       // spread
        }
        for (int i = 10; i < 20; i++) {
            at[i] = 200 * MS + i * 10 * US;     // then exactly half in one read
        }
        Measurement m = stream(at, "w", null);

        assertThat(m.flags()).doesNotContain(Plausibility.BURST);
    }

    @Test
    void theRulesDependOnlyOnTheChunksNotOnStatus() {
        long[] at = evenly(12, 50 * MS, 10 * US);
        int[] chars = new int[12];
        Arrays.fill(chars, 3);

        assertThat(Plausibility.flags(0, at, chars, 12, 12, 1_100_000.0))
                .isEqualTo(List.of(Plausibility.BURST, Plausibility.IMPLAUSIBLE_DECODE));
        assertThat(Plausibility.flags(0, at, chars, 12, null, null)).isEmpty();
    }
}
