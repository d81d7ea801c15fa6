package dev.nightbench.client;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Why a request failed, fine-grained, as stored in {@code requests.error_type}. Each maps to one of the
 * coarse METRICS.md statuses stored in {@code requests.status} ({@link RequestStatus}).
 */
public enum FailureClass {
    CONNECT_ERROR("connect_error", RequestStatus.CONNECT_ERROR),
    TIMEOUT_CONNECT("timeout_connect", RequestStatus.TIMEOUT),
    TIMEOUT_FIRST_TOKEN("timeout_first_token", RequestStatus.TIMEOUT),
    TIMEOUT_IDLE("timeout_idle", RequestStatus.TIMEOUT),
    TIMEOUT_TOTAL("timeout_total", RequestStatus.TIMEOUT),
    HTTP_429("http_429", RequestStatus.HTTP_ERROR),
    HTTP_5XX("http_5xx", RequestStatus.HTTP_ERROR),
    HTTP_4XX("http_4xx", RequestStatus.HTTP_ERROR),
    INVALID_RESPONSE("invalid_response", RequestStatus.INVALID_RESPONSE),
    TRUNCATED_STREAM("truncated_stream", RequestStatus.TRUNCATED_STREAM),
    CANCELLED("cancelled", RequestStatus.CANCELLED);

    private static final Map<String, FailureClass> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(FailureClass::code, Function.identity()));

    private final String code;
    private final RequestStatus status;

    FailureClass(String code, RequestStatus status) {
        this.code = code;
        this.status = status;
    }

    /** The value stored in {@code requests.error_type}. */
    public String code() {
        return code;
    }

    /** The METRICS.md status stored in {@code requests.status}. */
    public RequestStatus status() {
        return status;
    }

    /**
     * The class stored as {@code code}; null for SQL NULL.
     *
     * @throws IllegalArgumentException for a code that is not a failure class
     */
    public static FailureClass from(String code) {
        if (code == null) {
            return null;
        }
        FailureClass f = BY_CODE.get(code);
        if (f == null) {
            throw new IllegalArgumentException("unknown failure class '" + code + "' (expected one of "
                    + BY_CODE.keySet().stream().sorted().toList() + ")");
        }
        return f;
    }
}
