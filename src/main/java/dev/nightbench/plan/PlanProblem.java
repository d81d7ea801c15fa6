package dev.nightbench.plan;

import java.nio.file.Path;

/**
 * One thing wrong with a plan, located precisely enough to fix it without guessing.
 * {@link #toString()} reads like a compiler message, e.g.
 * {@code jobs/x.yaml:12: models[2].alias: duplicate alias 'phi' (first at line 8)}.
 *
 * @param file    the file the problem is in (the plan, or a file it includes)
 * @param line    1-based line, or null when the problem concerns the whole file or a missing key
 * @param field   the path of the offending field, e.g. {@code models[2].alias}, or null
 * @param message what is wrong and what was expected
 */
public record PlanProblem(Path file, Integer line, String field, String message) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<plan>" : file.toString());
        if (line != null) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (field != null && !field.isEmpty()) {
            sb.append(field).append(": ");
        }
        return sb.append(message).toString();
    }
}
