package dev.nightbench.run;

import dev.nightbench.client.FailureClass;
import dev.nightbench.measure.CellExecutor.Attempt;
import dev.nightbench.measure.Measurement;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.nightbench.measure.Measurements.aMeasurement;
import static org.assertj.core.api.Assertions.assertThat;

/** A model's cold start: the first successful warm-up request's TTFT, never a failed attempt's. */
class ColdStartTest {

    private static Measurement ok(double ttft) {
        return aMeasurement().startedAt(Instant.EPOCH).prepMs(0.1).ttftMs(ttft).ttfoMs(ttft).e2eMs(ttft + 10)
                .totalMs(ttft + 11).promptTokens(5).outputTokens(3).tokensSource("usage").outputTokensEstimate(3)
                .tokensDiffPct(0.0).tpotMs(5.0).decodeTps(200.0).e2eTps(100.0).chunkCount(3)
                .gapsMs(5.0, 5.0, 5.0, 5.0).finishReason("stop").responseText("Paris").streamed(true).build();
    }

    private static Measurement failed(Double ttft, FailureClass failure) {
        return aMeasurement().startedAt(Instant.EPOCH).prepMs(0.1).ttftMs(ttft).ttfoMs(ttft).e2eMs(ttft).totalMs(20.0)
                .chunkCount(ttft == null ? 0 : 1).failed(failure, "cut").responseText("").streamed(true).build();
    }

    private static Attempt attempt(int request, int attempt, boolean isFinal, Measurement m) {
        return new Attempt(request, attempt, isFinal, request + 1, m, null, "p");
    }

    @Test
    void aFailedAttemptThatReachedAFirstTokenIsNotTheColdStart() {
        RunSteps.ColdStart cold = RunSteps.coldStart(List.of(
                attempt(0, 1, false, failed(3.0, FailureClass.TRUNCATED_STREAM)),
                attempt(0, 2, true, ok(150.0))));

        assertThat(cold.ms()).isEqualTo(150.0);
        assertThat(cold.note()).isNull();
    }

    @Test
    void aFirstAttemptThatFailedBeforeAnyByteDoesNotLoseTheColdStartOfTheRetry() {
        RunSteps.ColdStart cold = RunSteps.coldStart(List.of(
                attempt(0, 1, false, failed(null, FailureClass.CONNECT_ERROR)),
                attempt(0, 2, true, ok(60.0)), attempt(1, 1, true, ok(20.0))));

        assertThat(cold.ms()).isEqualTo(60.0);
    }

    @Test
    void withoutASuccessfulWarmUpThereIsNoColdStartAndTheNoteSaysWhy() {
        RunSteps.ColdStart cold = RunSteps.coldStart(List.of(
                attempt(0, 1, false, failed(null, FailureClass.CONNECT_ERROR)),
                attempt(0, 2, true, failed(4.0, FailureClass.TRUNCATED_STREAM))));

        assertThat(cold.ms()).isNull();
        assertThat(cold.note()).isEqualTo("no warm-up request succeeded (2 attempts; last: truncated_stream: cut)");
    }
}
