package dev.nightbench.measure;

import java.time.Duration;

/**
 * The unit of work: one model, one prompt (or, for a load cell, the plan's prompts cycled), one load, and how
 * many requests to make in it or for how long. The measure step commits a Cell's requests together, so a crash
 * loses at most the Cells in flight.
 *
 * @param index     position in the run's stable cell order (the restart key)
 * @param phase     "warmup" or "measure"
 * @param promptId  the prompt of a latency cell; {@value #ALL_PROMPTS} for a load cell, whose requests cycle
 *                  through the plan's prompts in plan order
 * @param loadMode  {@value #SERIAL} (one request at a time), {@value #CONCURRENCY} (closed loop) or
 *                  {@value #RATE} (open loop, Poisson arrivals)
 * @param loadLevel 1 for serial; the concurrency; or the request rate in req/s
 * @param requests  number of requests in the cell (rounds, for a latency cell); 0 when bounded by
 *                  {@code duration}
 * @param duration  for a load cell bounded by time: no request is started after it; else null
 * @param sweep     true for a level of a load sweep (skipped once a lower level broke an SLO)
 * @param pipeline  for a pipeline cell (phase {@value #PIPELINE}, its model the draft model): the pipeline's name;
 *                  else null
 */
public record Cell(int index, String phase, String modelAlias, String promptId, String loadMode, double loadLevel,
                   int requests, Duration duration, boolean sweep, String pipeline) {

    /** The phase of a pipeline's cells: their rows stay out of every per-model figure, which reads {@code measure}. */
    public static final String PIPELINE = "pipeline";

    /** A cell of no pipeline. */
    public Cell(int index, String phase, String modelAlias, String promptId, String loadMode, double loadLevel,
                int requests, Duration duration, boolean sweep) {
        this(index, phase, modelAlias, promptId, loadMode, loadLevel, requests, duration, sweep, null);
    }

    public static final String SERIAL = "serial";
    public static final String CONCURRENCY = "concurrency";
    public static final String RATE = "rate";
    public static final String ALL_PROMPTS = "*";

    /** A latency (serial) or warm-up cell. */
    public Cell(int index, String phase, String modelAlias, String promptId, String loadMode, double loadLevel,
                int requests) {
        this(index, phase, modelAlias, promptId, loadMode, loadLevel, requests, null, false);
    }

    /** True for a concurrency or rate cell. */
    public boolean isLoad() {
        return !SERIAL.equals(loadMode);
    }

    /** "concurrency 16", "rate 2 req/s", for messages. */
    public String describeLoad() {
        return describeLoad(loadMode, loadLevel);
    }

    /** "concurrency 16", "rate 2 req/s", "rate 0.5 req/s". */
    public static String describeLoad(String loadMode, double loadLevel) {
        String level = loadLevel == Math.rint(loadLevel) ? Long.toString((long) loadLevel) : Double.toString(loadLevel);
        return switch (loadMode) {
            case RATE -> "rate " + level + " req/s";
            case CONCURRENCY -> "concurrency " + level;
            default -> loadMode;
        };
    }
}
