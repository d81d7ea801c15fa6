package dev.nightbench.quality;

import dev.nightbench.plan.CheckSpec;

/**
 * {@code max_chars} / {@code max_words}: the answer, trimmed, has at most so many characters (Unicode code points) or
 * whitespace-separated words.
 */
record LengthCheck(CheckSpec.MaxLength spec) implements Check {

    @Override
    public CheckOutcome check(String answer) {
        String s = answer.strip();
        int n = spec.words() ? (s.isEmpty() ? 0 : s.split("\\s+").length) : s.codePointCount(0, s.length());
        String unit = spec.words() ? "words" : "characters";
        return n <= spec.limit() ? CheckOutcome.pass(n + " " + unit + ", at most " + spec.limit())
                : CheckOutcome.fail(n + " " + unit + ", expected at most " + spec.limit());
    }
}
