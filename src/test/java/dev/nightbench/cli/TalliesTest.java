package dev.nightbench.cli;

import dev.nightbench.store.RunStore.ModelTally;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's end-of-run lines about retries, skips and flags. */
class TalliesTest {

    private static final ModelTally RETRIED = new ModelTally("llama", 30, 0, 0, 29, 59, 14_650.0, 0, "connect_error 29", 0);
    private static final ModelTally SKIPPED = new ModelTally("flaky", 2, 3, 7, 1, 6, 500.0, 0, "http_5xx 1", 2);

    @Test
    void skippedRequestsAreCountedApartFromFailedOnes() {
        assertThat(Tallies.skipped(List.of(RETRIED, SKIPPED))).isEqualTo(7);
        assertThat(SKIPPED.sent()).isEqualTo(5);
        assertThat(Tallies.retried(List.of(RETRIED, SKIPPED))).isEqualTo("30/35");
    }

    @Test
    void aModelThatNeededRetriesOnMostRequestsIsCalledOutEvenWhenAllEndedOk() {
        List<String> lines = Tallies.lines(List.of(RETRIED, SKIPPED));

        assertThat(lines.getFirst()).isEqualTo("  Retries: 30 of 35 requests retried, 1.86 attempts per request, "
                + "15.2 s waited in backoff, 0 reconnects.");
        assertThat(lines).contains("  RETRIES llama: 29 of 30 requests retried (connect_error 29), 1.97 attempts per "
                + "request, 14.7 s backoff, 0 reconnects: MOST REQUESTS NEEDED A RETRY");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  RETRIES flaky: 1 of 5 requests retried (http_5xx 1)")
                .doesNotContain("MOST"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  FLAGGED flaky: 2 of 2 ok requests"));
    }

    @Test
    void aRunWithoutRetriesSaysSoInOneLine() {
        List<String> lines = Tallies.lines(List.of(new ModelTally("m", 4, 0, 0, 0, 4, 0, 0, "", 0)));

        assertThat(lines).containsExactly("  Retries: 0 of 4 requests retried, 1.00 attempts per request, 0.0 s waited "
                + "in backoff, 0 reconnects.");
    }
}
