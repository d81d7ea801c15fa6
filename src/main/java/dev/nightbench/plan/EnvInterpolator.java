package dev.nightbench.plan;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** @param unsetVariable the variable's name when the issue is that it is not set, else null */
    record Issue(int line, String message, String unsetVariable) {
        Issue(int line, String message) {
            this(line, message, null);
        }
    }

    /**
     * Stands in the text for a variable that is not set, so that the field holding it can still be found by
     * parsing the text ({@link #unsetFields}); the text is never used otherwise once there is an issue.
     */
    private static final String UNSET = "__nightbench_unset_";

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
                            + " (set it, or give a default: ${" + name + ":-value})", name));
                    out.append(UNSET).append(name).append("__");
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

    /**
     * Where each unset variable sits in the interpolated text: "line:NAME" to the field path holding it, e.g.
     * {@code endpoints[0].base_url}. Empty when the text does not parse (a syntax error is reported on its own).
     */
    static Map<String, String> unsetFields(ObjectMapper mapper, String text) {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser p = mapper.createParser(text)) {
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                if (token != JsonToken.VALUE_STRING && token != JsonToken.PROPERTY_NAME) {
                    continue;
                }
                String value = p.getString();
                int at = value.indexOf(UNSET);
                while (at >= 0) {
                    int end = value.indexOf("__", at + UNSET.length());
                    if (end < 0) {
                        break;
                    }
                    String name = value.substring(at + UNSET.length(), end);
                    FieldPath path = FieldPath.of(p.streamReadContext());
                    fields.putIfAbsent(p.currentTokenLocation().getLineNr() + ":" + name,
                            token == JsonToken.PROPERTY_NAME ? path.parent().display() : path.display());
                    at = value.indexOf(UNSET, end + 2);
                }
            }
        } catch (JacksonException e) {
            return Map.of();
        }
        return fields;
    }
}
