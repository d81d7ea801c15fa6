package dev.nightbench.plan;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How measured requests use HTTP connections ({@code run.connection}, overridden per endpoint by
 * {@code endpoints[].connection}).
 * <ul>
 *   <li>{@code keep_alive} (default): connections are pooled and reused, as every production client does; a
 *       request sent on a pooled connection the server had already closed is re-sent at once on a fresh one and
 *       counted as a reconnect, not as a failure;</li>
 *   <li>{@code close}: every request sends {@code Connection: close} and opens its own connection, so its TTFT
 *       includes the TCP (and TLS) handshake; for servers whose keep-alive cannot be trusted, or to measure
 *       what a client without pooling sees.</li>
 * </ul>
 */
public enum ConnectionPolicy {
    KEEP_ALIVE("keep_alive"),
    CLOSE("close");

    private final String value;

    ConnectionPolicy(String value) {
        this.value = value;
    }

    /** The value written in a plan. */
    public String value() {
        return value;
    }

    /** The policy a plan value names (case and surrounding blanks ignored), or empty. */
    public static Optional<ConnectionPolicy> of(String text) {
        String v = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.value.equals(v)).findFirst();
    }

    /** The allowed values, for messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(ConnectionPolicy::value).collect(Collectors.joining(", "));
    }
}
