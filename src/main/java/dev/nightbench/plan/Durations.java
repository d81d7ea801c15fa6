package dev.nightbench.plan;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses plan durations: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 1m30s}, or ISO-8601 ({@code PT10S}). */
final class Durations {

    static final String EXPECTED = "expected a duration like 500ms, 10s, 5m, 1h, 1m30s or ISO-8601 such as PT10S";

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {
    }

    /** @throws IllegalArgumentException with a message saying what was expected */
    static Duration parse(String text) {
        return parse(text, false);
    }

    /**
     * @param allowZero accept a zero duration ({@code 0s}, {@code 0ms}), e.g. for "no backoff"
     * @throws IllegalArgumentException with a message saying what was expected
     */
    static Duration parse(String text, boolean allowZero) {
        String s = text.trim();
        Duration d;
        if (s.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw bad(text);
            }
        } else {
            d = simple(s);
        }
        if (d.isNegative() || (d.isZero() && !allowZero)) {
            throw new IllegalArgumentException("must be longer than zero, got '" + text + "'");
        }
        return d;
    }

    private static Duration simple(String s) {
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw bad(s);
            }
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end == 0 || end != s.length()) {
            throw bad(s);
        }
        return total;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException(EXPECTED + ", got '" + text + "'");
    }
}
