package dev.nightbench.measure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakersTest {

    @Test
    void aModelOpensAfterTheConfiguredConsecutiveFailuresWithTheLastReason() {
        CircuitBreakers breakers = new CircuitBreakers(3);
        assertThat(breakers.recordFailure("m", "http_5xx: boom")).isFalse();
        assertThat(breakers.recordFailure("m", "http_5xx: boom")).isFalse();
        assertThat(breakers.recordFailure("m", "timeout_idle: silent")).isTrue();
        assertThat(breakers.openReason("m")).hasValue("3 consecutive failed requests; last: timeout_idle: silent");
    }

    @Test
    void aSuccessResetsTheCount() {
        CircuitBreakers breakers = new CircuitBreakers(2);
        breakers.recordFailure("m", "x");
        breakers.recordSuccess("m");
        assertThat(breakers.recordFailure("m", "x")).isFalse();
        assertThat(breakers.openReason("m")).isEmpty();
    }

    @Test
    void modelsAreIndependent() {
        CircuitBreakers breakers = new CircuitBreakers(1);
        breakers.recordFailure("a", "x");
        assertThat(breakers.openReason("a")).isPresent();
        assertThat(breakers.openReason("b")).isEmpty();
    }
}
