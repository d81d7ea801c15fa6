package dev.nightbench.plan;

import java.nio.file.Path;

/** A parsed file (the plan or a file it includes) with the line of every value in it. */
record Source(Path file, LineIndex lines) {

    Integer lineOf(FieldPath path) {
        return lines == null ? null : lines.lineOf(path);
    }

    boolean has(FieldPath path) {
        return lines != null && lines.contains(path);
    }
}
