package dev.nightbench.plan;

import java.time.Duration;

/**
 * The plan's {@code telemetry:} section: whether the model servers' own telemetry is read during the run, how often,
 * and whether {@code nvidia-smi} is asked too (for endpoints on this machine, when the command exists).
 *
 * @param enabled   read telemetry at all (default true); false stores nothing for the run
 * @param interval  time between two samples while a model's cell runs (default {@link #DEFAULT_INTERVAL}), besides
 *                  the samples at each cell's start and end
 * @param nvidiaSmi also run {@code nvidia-smi --query-gpu} for endpoints on this machine (default true)
 */
public record TelemetrySpec(boolean enabled, Duration interval, boolean nvidiaSmi) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** The shortest interval a plan may ask for: sampling must never become load. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    public static final Duration MAX_INTERVAL = Duration.ofHours(1);

    /** What a plan without {@code telemetry:} gets. */
    public static final TelemetrySpec DEFAULT = new TelemetrySpec(true, DEFAULT_INTERVAL, true);

    /** No telemetry at all. */
    public static final TelemetrySpec OFF = new TelemetrySpec(false, DEFAULT_INTERVAL, false);

    public TelemetrySpec {
        if (interval == null || interval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("telemetry interval must be at least " + MIN_INTERVAL + ": " + interval);
        }
    }
}
