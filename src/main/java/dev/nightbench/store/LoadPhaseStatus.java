package dev.nightbench.store;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether a load cell ran, as {@code load_phases.status} stores it (V4__load.sql): {@link #SKIPPED} when its sweep
 * stopped at a lower level or its model failed before.
 *
 * <p>{@link #toString()} is the database value, so text built from it reads as it did when it was a string.
 */
public enum LoadPhaseStatus {
    RAN("ran"),
    SKIPPED("skipped");

    private static final Map<String, LoadPhaseStatus> BY_VALUE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(LoadPhaseStatus::value, Function.identity()));

    private final String value;

    LoadPhaseStatus(String value) {
        this.value = value;
    }

    /** The value stored in {@code load_phases.status}. */
    public String value() {
        return value;
    }

    /**
     * The value stored as {@code value}; null for SQL NULL.
     *
     * @throws IllegalArgumentException for a value {@code load_phases.status} does not hold
     */
    public static LoadPhaseStatus from(String value) {
        if (value == null) {
            return null;
        }
        LoadPhaseStatus v = BY_VALUE.get(value);
        if (v == null) {
            throw new IllegalArgumentException("unknown load_phases.status value '" + value + "' (expected one of "
                    + BY_VALUE.keySet().stream().sorted().toList() + ")");
        }
        return v;
    }

    @Override
    public String toString() {
        return value;
    }
}
