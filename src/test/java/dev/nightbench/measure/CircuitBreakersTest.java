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
    void exactlyOneOfManyConcurrentFailuresOpensTheBreaker() throws Exception {
        CircuitBreakers breakers = new CircuitBreakers(3);
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 64; i++) {
                threads.submit(() -> {
                    if (breakers.recordFailure("m", "http_5xx: boom")) {
                        opened.incrementAndGet();
                    }
                });
            }
        }
        assertThat(opened).hasValue(1);
        assertThat(breakers.openReason("m")).isPresent();
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
