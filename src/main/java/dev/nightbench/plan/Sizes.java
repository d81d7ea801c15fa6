package dev.nightbench.plan;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses plan sizes in bytes: a whole number ({@code 65536}), or with a unit: {@code 2000B}, {@code 64KiB},
 * {@code 1MiB} (binary units, 1 KiB = 1024 bytes; {@code KB}/{@code MB} are read as the same binary units, the way
 * most people mean them for buffer sizes). A space before the unit is allowed.
 */
final class Sizes {

    static final String EXPECTED = "expected a positive whole number of bytes or a size like 64KiB, 1MiB or 2000B";

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(b|kib|kb|k|mib|mb|m)?");

    private Sizes() {
    }

    /**
     * @param min    the smallest size allowed, in bytes
     * @param max    the largest size allowed, in bytes
     * @param whyMin why nothing smaller is allowed, appended to the message
     * @throws IllegalArgumentException with a message saying what was expected
     */
    static long parse(String text, long min, long max, String whyMin) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(EXPECTED + ", got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long bytes = switch (unit) {
            case "b" -> n;
            case "kib", "kb", "k" -> n * 1024;
            default -> n * 1024 * 1024;
        };
        if (bytes < min) {
            throw new IllegalArgumentException("must be at least " + min + " bytes (" + min / 1024 + "KiB): " + whyMin
                    + ", got '" + text + "'");
        }
        if (bytes > max) {
            throw new IllegalArgumentException("must be at most " + max + " bytes (" + max / (1024 * 1024)
                    + "MiB), got '" + text + "'");
        }
        return bytes;
    }
}
