package dev.nightbench.measure;

import java.util.Optional;

/** The most requests per second this client can drive at a concurrency, when known ({@link ClientCalibration}). */
@FunctionalInterface
public interface ClientCeilings {

    /** No calibration: the ceiling rule of {@link ClientLimitRules} does not apply. */
    ClientCeilings NONE = concurrency -> Optional.empty();

    /** The ceiling at {@code concurrency}, req/s; empty when it could not be measured. Never throws. */
    Optional<Double> at(int concurrency);

    /**
     * A level drove {@code requestsPerSecond} at {@code concurrency} against a real server: no server is faster than
     * a zero-delay one, so a figure above the ceiling proves the ceiling too low (measured cold or at a busier
     * moment) and raises it. Never throws.
     */
    default void observed(int concurrency, double requestsPerSecond) {
    }
}
