package dev.nightbench.quality;

import dev.nightbench.plan.CheckSpec;

import java.util.Locale;

/** {@code contains} / {@code not_contains}: a text anywhere in the answer, ignoring case unless told otherwise. */
record ContainsCheck(CheckSpec.Contains spec) implements Check {

    @Override
    public CheckOutcome check(String answer) {
        String haystack = spec.caseSensitive() ? answer : answer.toLowerCase(Locale.ROOT);
        String needle = spec.caseSensitive() ? spec.text() : spec.text().toLowerCase(Locale.ROOT);
        int at = haystack.indexOf(needle);
        String quoted = CheckOutcome.quote(spec.text());
        if (spec.negated()) {
            return at < 0 ? CheckOutcome.pass(quoted + " absent")
                    : CheckOutcome.fail("expected no " + quoted + ", found at character " + at);
        }
        return at >= 0 ? CheckOutcome.pass("found " + quoted + " at character " + at)
                : CheckOutcome.fail("expected " + quoted + ", not found");
    }
}
