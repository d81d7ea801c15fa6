package dev.nightbench.plan;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns parser syntax errors into one-line problems with line and column. */
final class Syntax {

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:Object property|field) \"(.*)\"");

    private Syntax() {
    }

    /** @return the line index, or null after adding a syntax problem */
    static LineIndex scan(ObjectMapper mapper, Path file, String text, String format, Problems problems) {
        try {
            return LineIndex.scan(mapper, text);
        } catch (JacksonException e) {
            problems.add(problem(file, format, e));
            return null;
        }
    }

    static PlanProblem problem(Path file, String format, JacksonException e) {
        TokenStreamLocation loc = e.getLocation();
        Integer line = loc == null || loc.getLineNr() <= 0 ? null : loc.getLineNr();
        String column = loc == null || loc.getColumnNr() <= 0 ? "" : " (column " + loc.getColumnNr() + ")";
        String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        Matcher duplicate = DUPLICATE.matcher(original);
        if (duplicate.find()) {
            return new PlanProblem(file, line, null, "duplicate key '" + duplicate.group(1) + "'" + column);
        }
        String prefix = e instanceof StreamReadException ? format + " syntax error: " : "cannot parse " + format + ": ";
        return new PlanProblem(file, line, null, prefix + summary(original) + column);
    }

    /**
     * SnakeYAML's messages span several lines: context and problem lines start in column one, the
     * location and the quoted source lines are indented. Keep the former.
     */
    static String summary(String message) {
        StringBuilder sb = new StringBuilder();
        for (String line : message.split("\\R")) {
            if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(line.strip());
        }
        return sb.isEmpty() ? message.strip() : sb.toString();
    }

    static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "true/false";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }
}
