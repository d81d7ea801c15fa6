package dev.nightbench.quality;

import dev.nightbench.plan.CheckSpec;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code regex}: a Java regular expression found anywhere in the answer ({@link Matcher#find()}). */
final class RegexCheck implements Check {

    private final CheckSpec.Regex spec;
    private final Pattern pattern;

    RegexCheck(CheckSpec.Regex spec) {
        this.spec = spec;
        this.pattern = Pattern.compile(spec.pattern(), spec.javaFlags());
    }

    @Override
    public CheckSpec.Regex spec() {
        return spec;
    }

    @Override
    public CheckOutcome check(String answer) {
        Matcher m = pattern.matcher(answer);
        return m.find() ? CheckOutcome.pass("matched " + CheckOutcome.quote(m.group()) + " at character " + m.start())
                : CheckOutcome.fail("no match for /" + spec.pattern() + "/" + spec.flags());
    }
}
