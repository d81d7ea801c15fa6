package dev.nightbench.plan;

import java.util.List;

/**
 * One check of a prompt's answers, as the plan asks for it ({@code expect:}), already validated: a regex compiles, a
 * schema is a JSON Schema. How an answer is checked is {@code quality}'s business; this is only what was asked.
 */
public sealed interface CheckSpec {

    CheckKind kind();

    /** A short human description, e.g. {@code contains 'Paris'}; stored in {@code run_checks.description}. */
    String describe();

    /** {@code contains} or {@code not_contains}: the text (not) found anywhere in the answer. */
    record Contains(String text, boolean caseSensitive, boolean negated) implements CheckSpec {
        @Override
        public CheckKind kind() {
            return negated ? CheckKind.NOT_CONTAINS : CheckKind.CONTAINS;
        }

        @Override
        public String describe() {
            return kind().value() + " '" + text + "'" + (caseSensitive ? " (case-sensitive)" : "");
        }
    }

    /** A Java regular expression found anywhere in the answer; {@code flags} a subset of "imsx", or "". */
    record Regex(String pattern, String flags) implements CheckSpec {
        @Override
        public CheckKind kind() {
            return CheckKind.REGEX;
        }

        @Override
        public String describe() {
            return "regex /" + pattern + "/" + flags;
        }

        /** The {@link java.util.regex.Pattern} flags the letters stand for (i also sets UNICODE_CASE). */
        public int javaFlags() {
            int f = 0;
            for (char c : flags.toCharArray()) {
                f |= switch (c) {
                    case 'i' -> java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE;
                    case 'm' -> java.util.regex.Pattern.MULTILINE;
                    case 's' -> java.util.regex.Pattern.DOTALL;
                    case 'x' -> java.util.regex.Pattern.COMMENTS;
                    default -> throw new IllegalArgumentException("unknown regex flag '" + c + "'");
                };
            }
            return f;
        }
    }

    /**
     * {@code equals} (one expected text) or {@code one_of} (several): the normalised answer equals a normalised
     * expected text.
     */
    record Equals(List<String> expected, boolean oneOf) implements CheckSpec {
        public Equals {
            expected = List.copyOf(expected);
        }

        @Override
        public CheckKind kind() {
            return oneOf ? CheckKind.ONE_OF : CheckKind.EQUALS;
        }

        @Override
        public String describe() {
            return oneOf ? "one_of " + expected.stream().map(e -> "'" + e + "'").toList()
                    : "equals '" + expected.getFirst() + "'";
        }
    }

    /**
     * The first number in the answer is within {@code max(tolerance, relativeTolerance × |expected|)} of
     * {@code expected}.
     */
    record Numeric(double expected, double tolerance, double relativeTolerance) implements CheckSpec {
        @Override
        public CheckKind kind() {
            return CheckKind.NUMERIC;
        }

        @Override
        public String describe() {
            return "numeric " + plain(expected)
                    + (tolerance > 0 ? " ± " + plain(tolerance) : "")
                    + (relativeTolerance > 0 ? " (± " + plain(relativeTolerance * 100) + " %)" : "");
        }

        private static String plain(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }

    /**
     * The answer is one JSON value (or one fenced code block holding one); with a schema, valid against it.
     *
     * @param schema     the JSON Schema as JSON text, or null for none
     * @param schemaFrom where the schema came from ("inline" or the schema_file as written), or null
     */
    record Json(String schema, String schemaFrom) implements CheckSpec {
        @Override
        public CheckKind kind() {
            return CheckKind.JSON;
        }

        @Override
        public String describe() {
            return schema == null ? "json" : "json with schema " + schemaFrom;
        }
    }

    /** {@code max_chars} (characters, trimmed answer) or {@code max_words} (whitespace-separated words). */
    record MaxLength(int limit, boolean words) implements CheckSpec {
        @Override
        public CheckKind kind() {
            return words ? CheckKind.MAX_WORDS : CheckKind.MAX_CHARS;
        }

        @Override
        public String describe() {
            return kind().value() + " " + limit;
        }
    }
}
