package dev.nightbench.client;

/**
 * How a {@link ModelClient} uses HTTP connections for its requests (a plan's {@code run.connection} and
 * {@code endpoints[].connection} are mapped to this by {@code measure/PlanToClient}).
 * <ul>
 *   <li>{@link #KEEP_ALIVE}: connections are pooled and reused; a request sent on a pooled connection the server
 *       had already closed is re-sent at once on a fresh one and reported as a reconnect, not as a failure;</li>
 *   <li>{@link #CLOSE}: every request sends {@code Connection: close} and opens its own connection, so its TTFT
 *       includes the TCP (and TLS) handshake.</li>
 * </ul>
 */
public enum ConnectionPolicy {
    KEEP_ALIVE,
    CLOSE
}
