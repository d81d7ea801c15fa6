package dev.nightbench.measure;

/**
 * The unit of work: one model, one prompt, one load, and how many requests to make in it. The measure
 * step commits a Cell's requests together, so a crash loses at most the Cells in flight.
 *
 * @param index     position in the run's stable cell order (the restart key)
 * @param phase     "warmup" or "measure"
 * @param loadMode  "serial" (one request at a time), "concurrency" or "rate"
 * @param loadLevel 1 for serial; the concurrency; or the request rate in req/s
 * @param requests  number of requests in the cell (rounds, for a latency cell)
 */
public record Cell(int index, String phase, String modelAlias, String promptId, String loadMode, double loadLevel,
                   int requests) {

    public static final String SERIAL = "serial";
}
