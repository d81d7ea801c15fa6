package dev.nightbench.store;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether a run's model answered, as {@code run_models.availability} stores it: {@link #UNKNOWN} until the probe,
 * then {@link #AVAILABLE} or {@link #UNAVAILABLE} (its endpoint did not list it), and {@link #FAILED} when its circuit
 * breaker opened during the run.
 *
 * <p>{@link #toString()} is the database value, so text built from it reads as it did when it was a string.
 */
public enum ModelAvailability {
    UNKNOWN("unknown"),
    AVAILABLE("available"),
    UNAVAILABLE("unavailable"),
    FAILED("failed");

    private static final Map<String, ModelAvailability> BY_VALUE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ModelAvailability::value, Function.identity()));

    private final String value;

    ModelAvailability(String value) {
        this.value = value;
    }

    /** The value stored in {@code run_models.availability}. */
    public String value() {
        return value;
    }

    /** The model did not run to the end: it was unavailable, or it failed. */
    public boolean isFailure() {
        return this == UNAVAILABLE || this == FAILED;
    }

    /**
     * The value stored as {@code value}; null for SQL NULL.
     *
     * @throws IllegalArgumentException for a value {@code run_models.availability} does not hold
     */
    public static ModelAvailability from(String value) {
        if (value == null) {
            return null;
        }
        ModelAvailability v = BY_VALUE.get(value);
        if (v == null) {
            throw new IllegalArgumentException("unknown run_models.availability value '" + value + "' (expected one of "
                    + BY_VALUE.keySet().stream().sorted().toList() + ")");
        }
        return v;
    }

    @Override
    public String toString() {
        return value;
    }
}
