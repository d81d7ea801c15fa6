package dev.nightbench.measure;

import dev.nightbench.client.FailureClass;
import dev.nightbench.plan.RetrySettings;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The one place where request retries are decided (the HTTP SDK's own retries are off, and Spring Batch's
 * step retry is reserved for storage faults). Attempts are counted per failure class; the delay is
 * exponential with "equal jitter" (half fixed, half random), and never shorter than the server's
 * Retry-After.
 *
 * <p>Thread-safe (immutable): the workers of a load cell share one policy.
 *
 * @param maxAttempts    attempts in all (1 = no retry) per failure class
 * @param initialBackoff delay before the first retry of a class without its own backoff
 * @param maxBackoff     cap on the delay of a class without its own backoff
 * @param backoffs       per-class backoff, overriding the two above
 */
public record RetryPolicy(Map<FailureClass, Integer> maxAttempts, Duration initialBackoff, Duration maxBackoff,
                          Map<FailureClass, Backoff> backoffs) {

    public RetryPolicy {
        maxAttempts = Map.copyOf(maxAttempts);
        backoffs = Map.copyOf(backoffs);
    }

    /** One backoff for all classes. */
    public RetryPolicy(Map<FailureClass, Integer> maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this(maxAttempts, initialBackoff, maxBackoff, Map.of());
    }

    /** {@code initial} before the first retry, doubled before each next one, never more than {@code max}. */
    public record Backoff(Duration initial, Duration max) {
    }

    /** The classes each key of the plan's {@code retry:} section stands for ({@code default}: all of them). */
    static final Map<String, List<FailureClass>> PLAN_KEYS = Map.of(
            RetrySettings.HTTP_429, List.of(FailureClass.HTTP_429),
            RetrySettings.HTTP_5XX, List.of(FailureClass.HTTP_5XX),
            RetrySettings.TIMEOUT, List.of(FailureClass.TIMEOUT_CONNECT, FailureClass.TIMEOUT_FIRST_TOKEN,
                    FailureClass.TIMEOUT_IDLE, FailureClass.TIMEOUT_TOTAL),
            RetrySettings.CONNECT_ERROR, List.of(FailureClass.CONNECT_ERROR),
            RetrySettings.TRUNCATED_STREAM, List.of(FailureClass.TRUNCATED_STREAM),
            RetrySettings.INVALID_RESPONSE, List.of(FailureClass.INVALID_RESPONSE));

    /**
     * The built-in {@link #defaults()} with the plan's {@code retry:} section applied: for each class, a value
     * given under its own key wins, then one given under {@code default}, then the built-in one. HTTP 4xx and
     * cancelled requests are never retried, whatever the plan says.
     */
    public static RetryPolicy from(RetrySettings settings) {
        RetryPolicy base = defaults();
        if (settings == null || settings.rules().isEmpty()) {
            return base;
        }
        RetrySettings.Rule all = settings.rule(RetrySettings.DEFAULT);
        Map<FailureClass, Integer> attempts = new EnumMap<>(base.maxAttempts());
        Map<FailureClass, Backoff> backoffs = new EnumMap<>(FailureClass.class);
        PLAN_KEYS.forEach((key, classes) -> {
            RetrySettings.Rule own = settings.rule(key);
            for (FailureClass c : classes) {
                Integer n = pick(own == null ? null : own.attempts(), all == null ? null : all.attempts(), null);
                if (n != null) {
                    attempts.put(c, n);
                }
                Duration initial = pick(own == null ? null : own.backoff(), all == null ? null : all.backoff(),
                        base.initialBackoff());
                Duration max = pick(own == null ? null : own.maxBackoff(), all == null ? null : all.maxBackoff(),
                        base.maxBackoff());
                backoffs.put(c, new Backoff(initial, max));
            }
        });
        attempts.put(FailureClass.HTTP_4XX, 1);
        attempts.put(FailureClass.CANCELLED, 1);
        return new RetryPolicy(attempts, base.initialBackoff(), base.maxBackoff(), backoffs);
    }

    private static <T> T pick(T own, T all, T fallback) {
        return own != null ? own : all != null ? all : fallback;
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

    /** How long to wait before attempt {@code attempt + 1}, with the default backoff. */
    public Duration backoff(int attempt, Duration retryAfter, RandomGenerator random) {
        return backoff(new Backoff(initialBackoff, maxBackoff), attempt, retryAfter, random);
    }

    /** How long to wait before attempt {@code attempt + 1} of a request that failed with {@code failure}. */
    public Duration backoff(FailureClass failure, int attempt, Duration retryAfter, RandomGenerator random) {
        return backoff(backoffs.getOrDefault(failure, new Backoff(initialBackoff, maxBackoff)), attempt, retryAfter,
                random);
    }

    private static Duration backoff(Backoff b, int attempt, Duration retryAfter, RandomGenerator random) {
        long base = b.initial().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, b.max().toMillis());
        long jittered = capped / 2 + (capped > 1 ? random.nextLong(capped / 2 + 1) : 0);
        long floor = retryAfter == null ? 0 : Math.min(retryAfter.toMillis(), b.max().toMillis());
        return Duration.ofMillis(Math.max(jittered, floor));
    }
}
