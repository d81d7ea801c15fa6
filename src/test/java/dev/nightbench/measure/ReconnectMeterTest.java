package dev.nightbench.measure;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A request re-sent on a fresh connection: its figures count from the re-send, and the reconnect is recorded. */
class ReconnectMeterTest {

    private static final long MS = 1_000_000;

    @Test
    void figuresCountFromTheReSendAndTheReconnectIsCountedNotFailed() {
        RequestMeter meter = new RequestMeter(true);
        meter.onSent(1_000 * MS, 2 * MS);
        meter.onReconnect(1_003 * MS);           // the pooled connection was dead: re-sent 3 ms later
        meter.onChunk(1_053 * MS, "Hel", null);  // 50 ms after the re-send
        meter.onChunk(1_063 * MS, "lo", null);
        meter.onFinish("stop");
        meter.onUsage(4, 2);
        meter.onClosed(1_064 * MS);

        Measurement m = meter.toMeasurement(Instant.EPOCH, null);

        assertThat(m.ok()).isTrue();
        assertThat(m.reconnects()).isEqualTo(1);
        assertThat(m.prepMs()).isCloseTo(2.0, within(1e-9));
        assertThat(m.ttftMs()).isCloseTo(50.0, within(1e-9));
        assertThat(m.e2eMs()).isCloseTo(60.0, within(1e-9));
        assertThat(m.totalMs()).isCloseTo(61.0, within(1e-9));
    }

    @Test
    void aRequestWithoutReconnectsHasNone() {
        RequestMeter meter = new RequestMeter(true);
        meter.onSent(0, 0);
        meter.onChunk(5 * MS, "a", null);
        meter.onClosed(6 * MS);

        assertThat(meter.toMeasurement(Instant.EPOCH, null).reconnects()).isZero();
    }

    @Test
    void theRedactionRunsOverTheWholeKeptText() {
        RequestMeter meter = new RequestMeter(true, 100, text -> text.replace("secret", "***"));
        meter.onSent(0, 0);
        meter.onChunk(1 * MS, "my sec", null);
        meter.onChunk(2 * MS, "ret is safe", null);
        meter.onClosed(3 * MS);

        assertThat(meter.toMeasurement(Instant.EPOCH, null).responseText()).isEqualTo("my *** is safe");
    }
}
