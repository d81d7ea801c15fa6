package dev.nightbench.measure;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workshop's "auto-skip failed models", per model: after {@code failAfter} consecutive failed requests
 * (or at once, for a model the server does not know or an unavailable model) the model is open, with the
 * reason, and its remaining requests are recorded as skipped without calling it. Thread-safe: the concurrent
 * requests of a load cell share it ("consecutive" then means in order of completion).
 */
public final class CircuitBreakers {

    private final int failAfter;
    private final Map<String, Integer> consecutive = new ConcurrentHashMap<>();
    private final Map<String, String> openReasons = new ConcurrentHashMap<>();

    public CircuitBreakers(int failAfter) {
        this.failAfter = failAfter;
    }

    public Optional<String> openReason(String model) {
        return Optional.ofNullable(openReasons.get(model));
    }

    public void open(String model, String reason) {
        openReasons.putIfAbsent(model, reason);
    }

    public void recordSuccess(String model) {
        consecutive.put(model, 0);
    }

    /** Records a failed request; returns true when this failure opened the breaker. */
    public boolean recordFailure(String model, String description) {
        int n = consecutive.merge(model, 1, Integer::sum);
        // putIfAbsent: under load several workers fail at once, and exactly one of them opens the breaker
        return n >= failAfter
                && openReasons.putIfAbsent(model, n + " consecutive failed requests; last: " + description) == null;
    }
}
