package dev.nightbench.client;

import java.time.Duration;

/**
 * The limits a {@link ModelClient} puts on one request, in the client's own terms (a plan's {@code run.timeouts}
 * are mapped to this by {@code measure/PlanToClient}).
 *
 * @param connect    TCP/TLS connect
 * @param firstToken from t0 to the first content chunk
 * @param idle       longest silence between chunks
 * @param total      whole request
 */
public record Timeouts(Duration connect, Duration firstToken, Duration idle, Duration total) {

    /** The same limits a plan gets when it sets no {@code run.timeouts}. */
    public static Timeouts defaults() {
        return new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofMinutes(5));
    }
}
