package dev.nightbench.quality;

import dev.nightbench.plan.CheckSpec;

/**
 * One check of a prompt's answers, ready to run: built once per run from the plan's {@link CheckSpec} (a regex
 * compiled, a schema loaded), then applied to every measured answer. Plain Java, thread-safe, no I/O.
 */
public sealed interface Check permits ContainsCheck, RegexCheck, EqualsCheck, NumericCheck, JsonCheck, LengthCheck {

    /** What the plan asked for. */
    CheckSpec spec();

    /** Checks one answer (never null: a missing answer is checked as the empty text). */
    CheckOutcome check(String answer);

    static Check of(CheckSpec spec) {
        return switch (spec) {
            case CheckSpec.Contains c -> new ContainsCheck(c);
            case CheckSpec.Regex r -> new RegexCheck(r);
            case CheckSpec.Equals e -> new EqualsCheck(e);
            case CheckSpec.Numeric n -> new NumericCheck(n);
            case CheckSpec.Json j -> new JsonCheck(j);
            case CheckSpec.MaxLength m -> new LengthCheck(m);
        };
    }
}
