package dev.nightbench.measure;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static dev.nightbench.measure.Measurements.aMeasurement;
import static org.assertj.core.api.Assertions.assertThat;

/** The meter keeps the whole answer up to a bound in UTF-8 bytes, flags a cut, and never splits a character. */
class WholeAnswerTest {

    private static RequestMeter meter(int limitBytes, String... chunks) {
        RequestMeter meter = new RequestMeter(true, limitBytes);
        long t = 1_000_000;
        meter.onSent(t, 0);
        for (String c : chunks) {
            t += 1_000_000;
            meter.onChunk(t, c, null);
        }
        meter.onClosed(t + 1_000_000);
        return meter;
    }

    @Test
    void anAnswerWithinTheBoundIsKeptWholeAndNotFlagged() {
        Measurement m = meter(8192, "Paris — ", "la capitale ", "✓").toMeasurement(Instant.EPOCH, null);

        assertThat(m.responseText()).isEqualTo("Paris — la capitale ✓");
        assertThat(m.responseTruncated()).isFalse();
    }

    @Test
    void anAnswerOverTheBoundIsCutAtTheBoundInBytesAndFlagged() {
        String chunk = "x".repeat(1000);
        Measurement m = meter(2500, chunk, chunk, chunk, chunk).toMeasurement(Instant.EPOCH, null);

        assertThat(m.responseText()).hasSize(2500).isEqualTo("x".repeat(2500));
        assertThat(m.responseTruncated()).isTrue();
        assertThat(m.outputTokensEstimate()).isEqualTo(1000); // the estimate still sees all 4,000 characters
    }

    @Test
    void aCutNeverSplitsAMultiByteCharacterOrASurrogatePair() {
        // "é" is 2 bytes, "😀" a surrogate pair of 4: a bound of 5 bytes keeps "aé" (3) and stops before the emoji (7)
        Measurement m = meter(5, "aé", "😀b").toMeasurement(Instant.EPOCH, null);
        assertThat(m.responseText()).isEqualTo("aé");
        assertThat(m.responseTruncated()).isTrue();

        Measurement exact = meter(7, "aé", "😀", "b").toMeasurement(Instant.EPOCH, null);
        assertThat(exact.responseText()).isEqualTo("aé😀");
        assertThat(exact.responseText().getBytes(StandardCharsets.UTF_8)).hasSize(7);

        assertThat(AnswerText.cut("ab€c", 4)).isEqualTo("ab");   // € is 3 bytes
        assertThat(AnswerText.bytes("ab€😀")).isEqualTo("ab€😀".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aRedactionLongerThanWhatItHidesCannotPushTheTextOverTheBound() {
        RequestMeter meter = new RequestMeter(true, 10, text -> text.replace("k", "[redacted]"));
        meter.onSent(0, 0);
        meter.onChunk(1, "abk", null);
        meter.onClosed(2);

        Measurement m = meter.toMeasurement(Instant.EPOCH, null);

        assertThat(m.responseText()).isEqualTo("ab[redacte");
        assertThat(m.responseTruncated()).isTrue();
    }

    @Test
    void pastItsBudgetACellKeepsFurtherAnswersToTheirPrefixFlagged() {
        AnswerBudget budget = new AnswerBudget(2L * 5000);   // room for 5,000 characters
        Measurement big = aMeasurement().responseText("y".repeat(4000)).build();

        Measurement first = budget.keep("m", big);
        Measurement second = budget.keep("m", big);

        assertThat(first).isSameAs(big);
        assertThat(second.responseText()).isEqualTo("y".repeat(Measurement.PREFIX_CHARS));
        assertThat(second.responseTruncated()).isTrue();
        budget.newCell();
        assertThat(budget.keep("m", big)).isSameAs(big);
    }
}
