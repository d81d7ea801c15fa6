package dev.nightbench.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The plan's {@code retry:} section as written: per failure class, the attempts and backoff that override the
 * built-in retry policy ({@code measure.RetryPolicy#defaults()}); what is not given keeps the built-in value.
 * HTTP 4xx other than 429 are never retried and have no entry.
 *
 * @param rules by class key ({@link #CLASSES}); {@value #DEFAULT} applies to every class without its own value
 */
public record RetrySettings(Map<String, Rule> rules) {

    public static final String DEFAULT = "default";
    public static final String HTTP_429 = "http_429";
    public static final String HTTP_5XX = "http_5xx";
    public static final String TIMEOUT = "timeout";
    public static final String CONNECT_ERROR = "connect_error";
    public static final String TRUNCATED_STREAM = "truncated_stream";
    public static final String INVALID_RESPONSE = "invalid_response";
    /** The keys of {@code retry:}, {@value #DEFAULT} first. */
    public static final List<String> CLASSES = List.of(DEFAULT, HTTP_429, HTTP_5XX, TIMEOUT, CONNECT_ERROR,
            TRUNCATED_STREAM, INVALID_RESPONSE);

    public static final RetrySettings NONE = new RetrySettings(Map.of());

    public RetrySettings {
        rules = Map.copyOf(rules);
    }

    public Rule rule(String key) {
        return rules.get(key);
    }

    /**
     * @param attempts   attempts in all (1 = no retry), or null to keep the default
     * @param backoff    delay before the first retry (doubling after each), or null
     * @param maxBackoff cap on the delay, or null
     */
    public record Rule(Integer attempts, Duration backoff, Duration maxBackoff) {
    }
}
