package dev.nightbench.client.openai;

import com.openai.core.http.Headers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * How long a server asked to be left alone (429 and 5xx answers): {@code retry-after-ms} (OpenAI's own header, in
 * milliseconds, possibly fractional), else {@code Retry-After} in seconds or as an HTTP date (RFC 9110), measured
 * against the wall clock. Never negative; absent or unparsable is null, and the job's retry policy then uses its own
 * backoff.
 */
final class RetryAfter {

    private final Clock wallClock;

    /** @param wallClock the clock an HTTP-date {@code Retry-After} is measured against */
    RetryAfter(Clock wallClock) {
        this.wallClock = wallClock;
    }

    /** {@code retry-after-ms}, else {@code Retry-After} in seconds or as an HTTP date; null when absent. */
    Duration of(Headers headers) {
        String ms = first(headers, "retry-after-ms");
        if (ms != null) {
            try {
                return nonNegative(Duration.ofNanos(Math.round(Double.parseDouble(ms.trim()) * 1_000_000)));
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        return parse(first(headers, "retry-after"), wallClock.instant());
    }

    /** A {@code Retry-After} value, seconds or an HTTP date, as a duration from {@code now}; null when unparsable. */
    static Duration parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                return null;
            }
            return nonNegative(Duration.ofMillis(Math.round(seconds * 1000)));
        } catch (NumberFormatException e) {
            // not seconds: an HTTP date
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return nonNegative(Duration.between(now, at));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String first(Headers headers, String name) {
        for (String header : headers.names()) {
            if (header.equalsIgnoreCase(name)) {
                List<String> values = headers.values(header);
                if (!values.isEmpty()) {
                    return values.get(0);
                }
            }
        }
        return null;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
