package dev.nightbench.quality;

import dev.nightbench.plan.CheckSpec;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * {@code equals} / {@code one_of}: the answer, normalised, equals an expected text, normalised the same way:
 * Unicode NFKC, lower case, punctuation removed, runs of whitespace as one space, trimmed. So "Paris." equals
 * "paris" and "  New   York! " equals "new york"; "Paris, France" does not equal "Paris".
 */
final class EqualsCheck implements Check {

    private final CheckSpec.Equals spec;
    private final List<String> expected;

    EqualsCheck(CheckSpec.Equals spec) {
        this.spec = spec;
        this.expected = spec.expected().stream().map(EqualsCheck::normalise).toList();
    }

    @Override
    public CheckSpec.Equals spec() {
        return spec;
    }

    static String normalise(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return s.replaceAll("\\p{P}+", "").replaceAll("\\s+", " ").strip();
    }

    @Override
    public CheckOutcome check(String answer) {
        String got = normalise(answer);
        int i = expected.indexOf(got);
        if (i >= 0) {
            return CheckOutcome.pass("equals " + CheckOutcome.quote(spec.expected().get(i)) + " (normalised)");
        }
        String wanted = spec.oneOf() ? "one of " + expected.size() + " answers" : CheckOutcome.quote(expected.getFirst());
        return CheckOutcome.fail("expected " + wanted + ", got " + CheckOutcome.quote(got) + " (normalised)");
    }
}
