package dev.nightbench.quality;

import dev.nightbench.plan.CheckSpec;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code numeric}: the first number in the answer is within {@code max(tolerance, relative_tolerance × |expected|)}
 * of the expected value. A number is an optional minus sign, digits (thousands may be grouped with commas:
 * "1,234"), an optional decimal part after a point, and an optional exponent; "17 + 25 = 42" has first number 17.
 */
record NumericCheck(CheckSpec.Numeric spec) implements Check {

    static final Pattern NUMBER = Pattern.compile(
            "(?<![\\w.])[-−]?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?(?:[eE][-+]?\\d+)?");

    @Override
    public CheckOutcome check(String answer) {
        Matcher m = NUMBER.matcher(answer);
        if (!m.find()) {
            return CheckOutcome.fail("no number in the answer, expected " + format(spec.expected()));
        }
        double got = Double.parseDouble(m.group().replace(",", "").replace('−', '-'));
        double allowed = Math.max(spec.tolerance(), spec.relativeTolerance() * Math.abs(spec.expected()));
        double off = Math.abs(got - spec.expected());
        String within = format(spec.expected()) + (allowed > 0 ? " ± " + format(allowed) : "");
        return off <= allowed + Math.ulp(spec.expected()) * 4
                ? CheckOutcome.pass("first number " + m.group() + " within " + within)
                : CheckOutcome.fail("first number " + m.group() + ", expected " + within);
    }

    static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
