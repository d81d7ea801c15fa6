package dev.nightbench.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An endpoint's {@code settings:} block as its {@link ModelProvider} reads it. Each typed getter returns the value,
 * or the fallback when the key is absent, and reports a wrong value through the problem sink, naming the key (the plan
 * validator adds the plan file, the line and {@code endpoints[i].settings.}). Relative paths are resolved against the
 * plan file's directory. The keys read are remembered, so the ones never read can be reported as unknown.
 */
public final class ProviderSettings {

    /** Where a problem goes: the key it is about (null for the block as a whole) and the message. */
    @FunctionalInterface
    public interface Problems {
        void add(String key, String message);

        /** For settings already validated: any problem is a bug, so it throws. */
        Problems THROW = (key, message) -> {
            throw new IllegalArgumentException("settings" + (key == null ? "" : "." + key) + ": " + message);
        };
    }

    private final Map<String, Object> values;
    private final Path planDir;
    private final Problems problems;
    private final Set<String> read = new LinkedHashSet<>();
    private boolean failed;

    /**
     * @param values  the block's keys and values as the YAML parser gave them (null: no block)
     * @param planDir the plan file's directory, for relative paths (null: the working directory)
     */
    public ProviderSettings(Map<String, Object> values, Path planDir, Problems problems) {
        this.values = values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.planDir = planDir;
        this.problems = problems;
    }

    /** Every key and value as given. */
    public Map<String, Object> values() {
        return values;
    }

    /** The plan file's directory (null: the working directory). */
    public Path planDir() {
        return planDir;
    }

    /** Reports a problem about {@code key} (null: the whole block). */
    public void problem(String key, String message) {
        failed = true;
        problems.add(key, message);
    }

    /** Whether any problem was reported through this instance. */
    public boolean failed() {
        return failed;
    }

    /** A text, or {@code fallback}. */
    public String string(String key, String fallback) {
        Object v = get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v);
        }
        problem(key, "expected a text, got " + describe(v));
        return fallback;
    }

    /** A whole number within [min, max], or {@code fallback}. */
    public Integer integer(String key, long min, long max, Integer fallback) {
        Object v = get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min
                || ((Number) v).longValue() > max) {
            problem(key, "expected a whole number from " + min + " to " + max + ", got " + describe(v));
            return fallback;
        }
        return ((Number) v).intValue();
    }

    /** A number within [min, max], or {@code fallback}. */
    public Double number(String key, double min, double max, Double fallback) {
        Object v = get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() < min
                || n.doubleValue() > max) {
            problem(key, "expected a number from " + min + " to " + max + ", got " + describe(v));
            return fallback;
        }
        return n.doubleValue();
    }

    /** true or false, or {@code fallback}. */
    public Boolean bool(String key, Boolean fallback) {
        Object v = get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            problem(key, "expected true or false, got " + describe(v));
            return fallback;
        }
        return b;
    }

    /** One of {@code allowed} (compared in lower case), or {@code fallback}. */
    public String oneOf(String key, List<String> allowed, String fallback) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        String lower = v.strip().toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            problem(key, "'" + v + "' is not one of " + String.join(", ", allowed));
            return fallback;
        }
        return lower;
    }

    /**
     * A readable file: {@code value} as given (a setting's value or a model name), resolved against the plan's
     * directory. Null, with the problem reported against {@code key}, when it is not a readable regular file.
     */
    public Path file(String key, String value) {
        if (value == null || value.isBlank()) {
            problem(key, "expected a file path, got nothing");
            return null;
        }
        Path path = resolve(value);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            problem(key, "no readable file at " + path + (planDir == null ? "" : " ('" + value
                    + "' is resolved against the plan's directory)"));
            return null;
        }
        return path;
    }

    /** {@code value} resolved against the plan's directory, normalized. */
    public Path resolve(String value) {
        Path given = Path.of(value.strip());
        return (planDir == null || given.isAbsolute() ? given : planDir.resolve(given)).toAbsolutePath().normalize();
    }

    /** The keys given that no getter read, to report after the provider has read its settings. */
    public List<String> unread() {
        return values.keySet().stream().filter(k -> !read.contains(k)).toList();
    }

    private Object get(String key) {
        read.add(key);
        return values.get(key);
    }

    private static String describe(Object v) {
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        if (v instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        return String.valueOf(v);
    }
}
