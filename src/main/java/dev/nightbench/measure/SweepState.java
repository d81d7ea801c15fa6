package dev.nightbench.measure;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which models' load sweeps have stopped, and why. The first sweep level that breaks an SLO or the error-rate
 * limit stops the model's sweep; its higher levels are then recorded as skipped with the reason. Restored from
 * the stored load phases on a restart.
 */
public final class SweepState {

    private final Map<String, String> stopped = new ConcurrentHashMap<>();

    /** The reason recorded when a sweep level breaks, e.g. "sweep stopped: SLO ttft_ms p95 812.4 ms > 500 ms broke at concurrency 16". */
    public static String reason(String broken, String loadMode, double loadLevel) {
        return "sweep stopped: SLO " + broken + " broke at " + Cell.describeLoad(loadMode, loadLevel);
    }

    /** Records that the model's sweep stopped; the first reason wins. */
    public void stop(String model, String reason) {
        stopped.putIfAbsent(model, reason);
    }

    public Optional<String> stopReason(String model) {
        return Optional.ofNullable(stopped.get(model));
    }
}
