package dev.nightbench.measure;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Why a request was recorded as skipped without being sent, as stored in {@code requests.error_type} beside the
 * status {@code skipped} (where a failed request stores its {@code FailureClass} code).
 *
 * <p>{@link #toString()} is the database value, so text built from a reason reads as it did when it was a string.
 */
public enum SkipReason {
    /** Its model's circuit breaker was open: the model failed (or was unavailable) before. */
    MODEL_FAILED("skipped"),
    /** A lower level of its model's sweep broke an SLO: this level was never offered. */
    SWEEP_STOPPED("sweep_stopped"),
    /**
     * A conversation's turn whose history is incomplete: an earlier turn has no successful answer in this round, so
     * the turn cannot be sent with the model's own previous answers ({@link ConversationTurns}).
     */
    HISTORY_MISSING("history_missing");

    private static final Map<String, SkipReason> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(SkipReason::code, Function.identity()));

    private final String code;

    SkipReason(String code) {
        this.code = code;
    }

    /** The value stored in {@code requests.error_type}. */
    public String code() {
        return code;
    }

    /**
     * The reason stored as {@code code}; null for SQL NULL.
     *
     * @throws IllegalArgumentException for a code that is not a skip reason
     */
    public static SkipReason from(String code) {
        if (code == null) {
            return null;
        }
        SkipReason r = BY_CODE.get(code);
        if (r == null) {
            throw new IllegalArgumentException("unknown skip reason '" + code + "' (expected one of "
                    + BY_CODE.keySet().stream().sorted().toList() + ")");
        }
        return r;
    }

    @Override
    public String toString() {
        return code;
    }
}
