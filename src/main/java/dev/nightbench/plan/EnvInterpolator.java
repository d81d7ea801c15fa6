package dev.nightbench.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in the raw plan text before it is parsed, and turns
 * {@code $${} into a literal {@code ${}. Working on text keeps every line where it was, so parse errors
 * still point at the user's line; for the same reason a value containing a line break is refused.
 * Messages name variables, never their values.
 */
final class EnvInterpolator {

    static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    record Issue(int line, String message) {
    }

    record Result(String text, List<Issue> issues) {
    }

    private EnvInterpolator() {
    }

    static Result interpolate(String raw, Function<String, String> env) {
        StringBuilder out = new StringBuilder(raw.length());
        List<Issue> issues = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c == '\n') {
                line++;
            }
            if (c == '$' && raw.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                continue;
            }
            if (c != '$' || !raw.startsWith("${", i)) {
                out.append(c);
                i++;
                continue;
            }
            int close = raw.indexOf('}', i + 2);
            int lineEnd = raw.indexOf('\n', i + 2);
            if (close < 0 || (lineEnd >= 0 && lineEnd < close)) {
                issues.add(new Issue(line, "'${' without a closing '}' on the same line;"
                        + " write ${NAME} or ${NAME:-default}, or $${ for a literal ${"));
                out.append("${");
                i += 2;
                continue;
            }
            String expression = raw.substring(i + 2, close);
            int sep = expression.indexOf(":-");
            String name = sep < 0 ? expression : expression.substring(0, sep);
            String fallback = sep < 0 ? null : expression.substring(sep + 2);
            if (!VARIABLE_NAME.matcher(name).matches()) {
                issues.add(new Issue(line, "'${" + expression + "}' is not a variable reference;"
                        + " write ${NAME} or ${NAME:-default} (NAME: letters, digits, '_'), or $${ for a literal ${"));
                out.append(raw, i, close + 1);
            } else {
                String value = env.apply(name);
                if (fallback != null && (value == null || value.isEmpty())) {
                    value = fallback;
                }
                if (value == null) {
                    issues.add(new Issue(line, "environment variable " + name + " is not set"
                            + " (set it, or give a default: ${" + name + ":-value})"));
                } else if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                    issues.add(new Issue(line, "environment variable " + name
                            + " holds several lines; only a single-line value can be put into a plan"));
                } else {
                    out.append(value);
                }
            }
            i = close + 1;
        }
        return new Result(out.toString(), List.copyOf(issues));
    }
}
