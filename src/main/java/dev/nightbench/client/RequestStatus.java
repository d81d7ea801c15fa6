package dev.nightbench.client;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a request attempt ended, as METRICS.md names it and {@code requests.status} stores it. Each
 * {@link FailureClass} maps to one of the failure statuses; {@link #SKIPPED} is a request never sent (its model
 * failed, or its sweep stopped).
 *
 * <p>{@link #toString()} is the database value, so text built from a status reads as it did when it was a string.
 */
public enum RequestStatus {
    OK("ok"),
    HTTP_ERROR("http_error"),
    TIMEOUT("timeout"),
    INVALID_RESPONSE("invalid_response"),
    TRUNCATED_STREAM("truncated_stream"),
    CONNECT_ERROR("connect_error"),
    CANCELLED("cancelled"),
    SKIPPED("skipped");

    private static final Map<String, RequestStatus> BY_VALUE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(RequestStatus::value, Function.identity()));

    private final String value;

    RequestStatus(String value) {
        this.value = value;
    }

    /** The value stored in {@code requests.status}. */
    public String value() {
        return value;
    }

    /** A request that was sent and failed: neither {@link #OK} nor {@link #SKIPPED}. */
    public boolean isFailure() {
        return this != OK && this != SKIPPED;
    }

    /**
     * The status stored as {@code value}; null for SQL NULL.
     *
     * @throws IllegalArgumentException for a value that is not a request status
     */
    public static RequestStatus from(String value) {
        if (value == null) {
            return null;
        }
        RequestStatus s = BY_VALUE.get(value);
        if (s == null) {
            throw new IllegalArgumentException("unknown request status '" + value + "' (expected one of "
                    + BY_VALUE.keySet().stream().sorted().toList() + ")");
        }
        return s;
    }

    @Override
    public String toString() {
        return value;
    }
}
