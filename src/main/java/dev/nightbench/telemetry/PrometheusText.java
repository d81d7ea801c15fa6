package dev.nightbench.telemetry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), as llama.cpp's {@code llama-server} and
 * vLLM serve it on {@code /metrics}: {@code # HELP} / {@code # TYPE} lines, then {@code name{label="value",...} value
 * [timestamp]} samples.
 *
 * <p>Written here rather than taken from a library because no kept Java library parses this format: the Prometheus
 * Java client ({@code io.prometheus:prometheus-metrics-exposition-textformats}, 1.x) only <em>writes</em> it, the
 * older {@code simpleclient} modules likewise, and the Java parsers that exist (e.g. Hawkular's
 * {@code prometheus-scraper}) have been unmaintained for years. What is needed is small: sample lines with labels,
 * the escapes {@code \\}, {@code \"} and {@code \n} in label values, {@code NaN} and {@code ±Inf}. It is strict: a line
 * that is not one of those is a {@link ParseException} naming the line, so a page that is not Prometheus text (an
 * HTML error page, JSON) is never read as figures.
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** One sample line. */
    public record Series(String name, Map<String, String> labels, double value) {
        public Series {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }
    }

    /** A parsed page: its samples in order and the {@code # TYPE} of each metric family that declared one. */
    public record Exposition(List<Series> series, Map<String, String> types) {
        public Exposition {
            series = List.copyOf(series);
            types = Map.copyOf(types);
        }

        /** The samples named {@code name}. */
        public List<Series> named(String name) {
            return series.stream().filter(s -> s.name().equals(name)).toList();
        }

        /** The value of the first sample named {@code name}. */
        public Optional<Double> first(String name) {
            return series.stream().filter(s -> s.name().equals(name)).map(Series::value).findFirst();
        }

        /** True when some sample's name starts with {@code prefix} (e.g. {@code llamacpp:}). */
        public boolean hasPrefix(String prefix) {
            return series.stream().anyMatch(s -> s.name().startsWith(prefix));
        }
    }

    /** A line that is not Prometheus text. */
    public static final class ParseException extends Exception {
        ParseException(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    public static Exposition parse(String text) throws ParseException {
        List<Series> out = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            int n = i + 1;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.substring(1).strip().split("\\s+", 3);
                if (parts.length >= 2 && parts[0].equals("TYPE")) {
                    if (parts.length < 3 || !parts[2].strip().matches("counter|gauge|histogram|summary|untyped")) {
                        throw new ParseException(n, "bad TYPE line '" + line + "'");
                    }
                    types.put(parts[1], parts[2].strip());
                }
                continue;
            }
            out.add(new LineParser(line, n).sample());
        }
        return new Exposition(out, types);
    }

    /** One sample line, read left to right. */
    private static final class LineParser {
        private final String s;
        private final int line;
        private int pos;

        LineParser(String s, int line) {
            this.s = s;
            this.line = line;
        }

        Series sample() throws ParseException {
            String name = name(true);
            Map<String, String> labels = new LinkedHashMap<>();
            if (pos < s.length() && s.charAt(pos) == '{') {
                pos++;
                labels(labels);
            }
            if (pos >= s.length() || !Character.isWhitespace(s.charAt(pos))) {
                throw fail("expected a space and a value after '" + name + "'");
            }
            String[] rest = s.substring(pos).strip().split("[ \t]+");
            if (rest.length > 2) {
                throw fail("expected a value and an optional timestamp, got '" + s.substring(pos).strip() + "'");
            }
            double value = value(rest[0]);
            if (rest.length == 2) {
                try {
                    Long.parseLong(rest[1]);
                } catch (NumberFormatException e) {
                    throw fail("bad timestamp '" + rest[1] + "'");
                }
            }
            return new Series(name, labels, value);
        }

        private String name(boolean metric) throws ParseException {
            int start = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                boolean ok = Character.isLetter(c) && c < 128 || c == '_' || (metric && c == ':')
                        || (pos > start && c >= '0' && c <= '9');
                if (!ok) {
                    break;
                }
                pos++;
            }
            if (pos == start) {
                throw fail("expected a " + (metric ? "metric" : "label") + " name at column " + (pos + 1));
            }
            return s.substring(start, pos);
        }

        private void labels(Map<String, String> labels) throws ParseException {
            while (true) {
                skipSpaces();
                if (pos < s.length() && s.charAt(pos) == '}') {
                    pos++;
                    return;
                }
                String key = name(false);
                skipSpaces();
                expect('=');
                skipSpaces();
                expect('"');
                StringBuilder value = new StringBuilder();
                while (true) {
                    if (pos >= s.length()) {
                        throw fail("unterminated label value of '" + key + "'");
                    }
                    char c = s.charAt(pos++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        if (pos >= s.length()) {
                            throw fail("unterminated escape in label '" + key + "'");
                        }
                        char e = s.charAt(pos++);
                        value.append(switch (e) {
                            case 'n' -> '\n';
                            case '\\' -> '\\';
                            case '"' -> '"';
                            default -> throw fail("bad escape '\\" + e + "' in label '" + key + "'");
                        });
                    } else {
                        value.append(c);
                    }
                }
                labels.put(key, value.toString());
                skipSpaces();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                } else if (pos >= s.length() || s.charAt(pos) != '}') {
                    throw fail("expected ',' or '}' after label '" + key + "'");
                }
            }
        }

        private double value(String text) throws ParseException {
            switch (text) {
                case "NaN":
                    return Double.NaN;
                case "+Inf", "Inf":
                    return Double.POSITIVE_INFINITY;
                case "-Inf":
                    return Double.NEGATIVE_INFINITY;
                default:
                    if (!text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                        throw fail("bad value '" + text + "'");
                    }
                    return Double.parseDouble(text);
            }
        }

        private void skipSpaces() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private void expect(char c) throws ParseException {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw fail("expected '" + c + "' at column " + (pos + 1));
            }
            pos++;
        }

        private ParseException fail(String message) {
            return new ParseException(line, message);
        }
    }
}
