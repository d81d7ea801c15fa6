package dev.nightbench.store;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a run ended, as {@code runs.status} stores it: Spring Batch's {@code BatchStatus} name of the job execution
 * (V2__nightbench_schema.sql), {@link #STARTED} from registration until the job ends. Every {@code BatchStatus} name
 * is here, so the job's status always maps; the views treat only {@link #COMPLETED} runs as baselines.
 *
 * <p>{@link #toString()} is the database value, so text built from it reads as it did when it was a string.
 */
public enum RunStatus {
    COMPLETED("COMPLETED"),
    STARTING("STARTING"),
    STARTED("STARTED"),
    STOPPING("STOPPING"),
    STOPPED("STOPPED"),
    FAILED("FAILED"),
    ABANDONED("ABANDONED"),
    UNKNOWN("UNKNOWN");

    private static final Map<String, RunStatus> BY_VALUE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(RunStatus::value, Function.identity()));

    private final String value;

    RunStatus(String value) {
        this.value = value;
    }

    /** The value stored in {@code runs.status}. */
    public String value() {
        return value;
    }

    /**
     * The value stored as {@code value}; null for SQL NULL.
     *
     * @throws IllegalArgumentException for a value {@code runs.status} does not hold
     */
    public static RunStatus from(String value) {
        if (value == null) {
            return null;
        }
        RunStatus v = BY_VALUE.get(value);
        if (v == null) {
            throw new IllegalArgumentException("unknown runs.status value '" + value + "' (expected one of "
                    + BY_VALUE.keySet().stream().sorted().toList() + ")");
        }
        return v;
    }

    @Override
    public String toString() {
        return value;
    }
}
