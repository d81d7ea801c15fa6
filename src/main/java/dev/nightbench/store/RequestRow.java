package dev.nightbench.store;

import dev.nightbench.measure.Measurement;

/**
 * One stored request attempt: where it sits in the run, and its measurement.
 *
 * @param scheduledLagMs open-loop load only: actual send minus scheduled send, else null
 */
public record RequestRow(long runId, String phase, int cellIndex, int requestIndex, int attempt, boolean isFinal,
                         String modelAlias, String promptId, Integer round, String loadMode, double loadLevel,
                         Double scheduledLagMs, boolean simulated, Measurement measurement) {

    public static final String WARMUP = "warmup";
    public static final String MEASURE = "measure";
}
