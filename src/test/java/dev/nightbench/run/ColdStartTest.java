package dev.nightbench.run;

import dev.nightbench.measure.CellExecutor.Attempt;
import dev.nightbench.measure.Measurement;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A model's cold start: the first successful warm-up request's TTFT, never a failed attempt's. */
class ColdStartTest {

    private static Measurement ok(double ttft) {
        return new Measurement(Instant.EPOCH, 0.1, ttft, ttft, ttft + 10, ttft + 11, 5, 3, "usage", 3, 0.0, 5.0, 200.0,
                100.0, 3, 5.0, 5.0, 5.0, 5.0, "stop", "ok", null, null, null, null, "Paris", true);
    }

    private static Measurement failed(Double ttft, String type) {
        return new Measurement(Instant.EPOCH, 0.1, ttft, ttft, ttft, 20.0, null, null, null, null, null, null, null,
                null, ttft == null ? 0 : 1, null, null, null, null, null, "truncated_stream", type, "cut", null, null,
                "", true);
    }

    private static Attempt attempt(int request, int attempt, boolean isFinal, Measurement m) {
        return new Attempt(request, attempt, isFinal, request + 1, m, null, "p");
    }

    @Test
    void aFailedAttemptThatReachedAFirstTokenIsNotTheColdStart() {
        RunSteps.ColdStart cold = RunSteps.coldStart(List.of(attempt(0, 1, false, failed(3.0, "truncated_stream")),
                attempt(0, 2, true, ok(150.0))));

        assertThat(cold.ms()).isEqualTo(150.0);
        assertThat(cold.note()).isNull();
    }

    @Test
    void aFirstAttemptThatFailedBeforeAnyByteDoesNotLoseTheColdStartOfTheRetry() {
        RunSteps.ColdStart cold = RunSteps.coldStart(List.of(attempt(0, 1, false, failed(null, "connect_error")),
                attempt(0, 2, true, ok(60.0)), attempt(1, 1, true, ok(20.0))));

        assertThat(cold.ms()).isEqualTo(60.0);
    }

    @Test
    void withoutASuccessfulWarmUpThereIsNoColdStartAndTheNoteSaysWhy() {
        RunSteps.ColdStart cold = RunSteps.coldStart(List.of(attempt(0, 1, false, failed(null, "connect_error")),
                attempt(0, 2, true, failed(4.0, "truncated_stream"))));

        assertThat(cold.ms()).isNull();
        assertThat(cold.note()).isEqualTo("no warm-up request succeeded (2 attempts; last: truncated_stream: cut)");
    }
}
