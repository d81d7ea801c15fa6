package dev.nightbench.client;

import java.time.Duration;

/** A request failed; {@link #failure()} says how, so the retry policy and storage can act on it as data. */
public class ModelClientException extends RuntimeException {

    private final FailureClass failure;
    private final Integer httpStatus;
    private final Duration retryAfter;

    public ModelClientException(FailureClass failure, String message, Integer httpStatus, Duration retryAfter,
                                Throwable cause) {
        super(message, cause);
        this.failure = failure;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    public ModelClientException(FailureClass failure, String message) {
        this(failure, message, null, null, null);
    }

    public FailureClass failure() {
        return failure;
    }

    /** HTTP status, or null when no response was received. */
    public Integer httpStatus() {
        return httpStatus;
    }

    /** The server's Retry-After, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
