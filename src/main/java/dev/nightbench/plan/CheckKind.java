package dev.nightbench.plan;

import java.util.Arrays;
import java.util.List;

/**
 * The kinds of answer check a prompt's {@code expect:} may list, each with its key in the plan and its value in
 * {@code check_results.kind} / {@code run_checks.kind} (V10).
 */
public enum CheckKind {
    CONTAINS("contains"),
    NOT_CONTAINS("not_contains"),
    REGEX("regex"),
    EQUALS("equals"),
    ONE_OF("one_of"),
    NUMERIC("numeric"),
    JSON("json"),
    MAX_CHARS("max_chars"),
    MAX_WORDS("max_words");

    private final String value;

    CheckKind(String value) {
        this.value = value;
    }

    /** The key in the plan and the database value. */
    public String value() {
        return value;
    }

    /** @throws IllegalArgumentException naming the unknown value */
    public static CheckKind from(String value) {
        for (CheckKind k : values()) {
            if (k.value.equals(value)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown check kind '" + value + "'; known: " + String.join(", ", keys()));
    }

    /** The plan keys, in declaration order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(CheckKind::value).toList();
    }
}
