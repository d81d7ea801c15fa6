package dev.nightbench.client;

/**
 * Why a request failed, fine-grained, as stored in {@code requests.error_type}. Each maps to one of the
 * coarse METRICS.md statuses stored in {@code requests.status}.
 */
public enum FailureClass {
    CONNECT_ERROR("connect_error", "connect_error"),
    TIMEOUT_CONNECT("timeout_connect", "timeout"),
    TIMEOUT_FIRST_TOKEN("timeout_first_token", "timeout"),
    TIMEOUT_IDLE("timeout_idle", "timeout"),
    TIMEOUT_TOTAL("timeout_total", "timeout"),
    HTTP_429("http_429", "http_error"),
    HTTP_5XX("http_5xx", "http_error"),
    HTTP_4XX("http_4xx", "http_error"),
    INVALID_RESPONSE("invalid_response", "invalid_response"),
    TRUNCATED_STREAM("truncated_stream", "truncated_stream"),
    CANCELLED("cancelled", "cancelled");

    private final String code;
    private final String status;

    FailureClass(String code, String status) {
        this.code = code;
        this.status = status;
    }

    /** The value stored in {@code requests.error_type}. */
    public String code() {
        return code;
    }

    /** The METRICS.md status stored in {@code requests.status}. */
    public String status() {
        return status;
    }
}
