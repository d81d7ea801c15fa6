package dev.nightbench.bench;

import dev.nightbench.client.ResponseObserver;
import dev.nightbench.measure.RequestMeter;

import java.util.Arrays;

/**
 * The job's {@link RequestMeter}, with the arrival time of every token chunk kept as well, so the benchmark can
 * compare each individual chunk gap with the server's (the meter itself keeps only per-request gap statistics).
 * Every callback is passed to the meter unchanged and first; the extra work is one array store.
 */
final class RecordingMeter implements ResponseObserver {

    final RequestMeter meter;
    long t0;
    private long[] tokenNanos = new long[32];
    private int tokens;

    RecordingMeter(boolean streamed) {
        this.meter = new RequestMeter(streamed);
    }

    @Override
    public void onSent(long t0Nanos, long prepNanos) {
        meter.onSent(t0Nanos, prepNanos);
        t0 = t0Nanos;
    }

    @Override
    public void onChunk(long nanos, String content, String reasoning) {
        meter.onChunk(nanos, content, reasoning);
        if ((content != null && !content.isEmpty()) || (reasoning != null && !reasoning.isEmpty())) {
            if (tokens == tokenNanos.length) {
                tokenNanos = Arrays.copyOf(tokenNanos, tokens * 2);
            }
            tokenNanos[tokens++] = nanos;
        }
    }

    @Override
    public void onFinish(String finishReason) {
        meter.onFinish(finishReason);
    }

    @Override
    public void onUsage(Integer promptTokens, Integer completionTokens) {
        meter.onUsage(promptTokens, completionTokens);
    }

    @Override
    public void onClosed(long nanos) {
        meter.onClosed(nanos);
    }

    /** Arrival times of the token chunks, in order. */
    long[] tokenNanos() {
        return Arrays.copyOf(tokenNanos, tokens);
    }
}
