package dev.nightbench.plan;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The checks every named thing of a plan goes through: an alias or prompt id is present, of a safe alphabet and
 * unique across the plan and its workshop files; an endpoint name is present and unique. A duplicate says where the
 * first one was. Shared by {@link EndpointValidator}, {@link ModelValidator} and {@link PromptValidator}.
 */
final class IdValidator {

    /** Aliases and prompt ids end up in file names, so they are kept to a safe alphabet. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");

    /** Where a name was first seen, so that a duplicate can point at it. */
    record Origin(Source source, FieldPath path) {
    }

    private final Source plan;
    private final Problems problems;

    IdValidator(Source plan, Problems problems) {
        this.plan = plan;
        this.problems = problems;
    }

    /** An alias or prompt id: present, of the safe alphabet, and unique across the plan and its files. */
    boolean id(Source src, String value, FieldPath at, String what, Map<String, Origin> seen) {
        if (value == null) {
            problems.add(src, at, "required: the " + what);
            return false;
        }
        if (!ID.matcher(value).matches()) {
            problems.add(src, at, what + " '" + value + "' is not allowed: use 1 to 100 letters, digits, '.', '_',"
                    + " ':' or '-', starting with a letter or digit (aliases and prompt ids end up in file names)");
            return false;
        }
        return unique(src, value, at, what, seen);
    }

    /** An endpoint name: present and unique; it never reaches a file name, so any text will do. */
    boolean endpointName(String value, FieldPath at, Map<String, Origin> seen) {
        if (value == null || value.isBlank()) {
            problems.add(plan, at, "required: the endpoint name, which models refer to");
            return false;
        }
        return unique(plan, value, at, "endpoint name", seen);
    }

    private boolean unique(Source src, String value, FieldPath at, String what, Map<String, Origin> seen) {
        Origin first = seen.putIfAbsent(value, new Origin(src, at));
        if (first == null) {
            return true;
        }
        String where;
        Integer line = first.source().lineOf(first.path());
        if (Objects.equals(first.source().file(), src.file())) {
            where = line == null ? "" : " (first at line " + line + ")";
        } else {
            where = " (first at " + first.source().file() + (line == null ? "" : ":" + line) + ")";
        }
        problems.add(src, at, "duplicate " + what + " '" + value + "'" + where);
        return false;
    }
}
