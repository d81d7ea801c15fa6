package dev.nightbench.measure;

import dev.nightbench.client.FailureClass;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The one place where request retries are decided (the HTTP SDK's own retries are off, and Spring Batch's
 * step retry is reserved for storage faults). Attempts are counted per failure class; the delay is
 * exponential with "equal jitter" (half fixed, half random), and never shorter than the server's
 * Retry-After.
 *
 * @param maxAttempts attempts in all (1 = no retry) per failure class
 */
public record RetryPolicy(Map<FailureClass, Integer> maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public RetryPolicy {
        maxAttempts = Map.copyOf(maxAttempts);
    }

    public static RetryPolicy defaults() {
        Map<FailureClass, Integer> attempts = new EnumMap<>(FailureClass.class);
        attempts.put(FailureClass.CONNECT_ERROR, 3);
        attempts.put(FailureClass.TIMEOUT_CONNECT, 3);
        attempts.put(FailureClass.TIMEOUT_FIRST_TOKEN, 2);
        attempts.put(FailureClass.TIMEOUT_IDLE, 2);
        attempts.put(FailureClass.TIMEOUT_TOTAL, 1);
        attempts.put(FailureClass.HTTP_429, 4);
        attempts.put(FailureClass.HTTP_5XX, 3);
        attempts.put(FailureClass.HTTP_4XX, 1);
        attempts.put(FailureClass.INVALID_RESPONSE, 2);
        attempts.put(FailureClass.TRUNCATED_STREAM, 3);
        attempts.put(FailureClass.CANCELLED, 1);
        return new RetryPolicy(attempts, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /** No retries at all (tests, or plans that want raw failure rates). */
    public static RetryPolicy none() {
        return new RetryPolicy(Map.of(), Duration.ZERO, Duration.ZERO);
    }

    /** True when a request that failed with {@code failure} on attempt {@code attempt} (1-based) is tried again. */
    public boolean shouldRetry(FailureClass failure, int attempt) {
        return attempt < maxAttempts.getOrDefault(failure, 1);
    }

    /** How long to wait before attempt {@code attempt + 1}. */
    public Duration backoff(int attempt, Duration retryAfter, RandomGenerator random) {
        long base = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, maxBackoff.toMillis());
        long jittered = capped / 2 + (capped > 1 ? random.nextLong(capped / 2 + 1) : 0);
        long floor = retryAfter == null ? 0 : Math.min(retryAfter.toMillis(), maxBackoff.toMillis());
        return Duration.ofMillis(Math.max(jittered, floor));
    }
}
