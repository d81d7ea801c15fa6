package dev.nightbench.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects problems across the plan and its included files. A problem is dropped when one was already
 * reported for the same field or a parent of it, so a value that failed to parse is not reported
 * again as missing.
 */
final class Problems {

    private record Entry(PlanProblem problem, FieldPath path) {
    }

    private final List<Entry> entries = new ArrayList<>();

    void add(Source source, FieldPath path, String message) {
        for (Entry e : entries) {
            if (e.path != null && !e.path.isRoot() && pathsEqual(e.problem.file(), source.file())
                    && path.startsWith(e.path)) {
                return;
            }
        }
        entries.add(new Entry(new PlanProblem(source.file(), source.lineOf(path), path.display(), message), path));
    }

    void add(PlanProblem problem) {
        entries.add(new Entry(problem, null));
    }

    int size() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Grouped by file in the order files were first mentioned, each file's problems by line. */
    List<PlanProblem> sorted() {
        Map<Path, List<PlanProblem>> byFile = new LinkedHashMap<>();
        for (Entry e : entries) {
            byFile.computeIfAbsent(e.problem.file(), f -> new ArrayList<>()).add(e.problem);
        }
        List<PlanProblem> out = new ArrayList<>();
        Comparator<PlanProblem> byLine = Comparator.comparing(PlanProblem::line,
                Comparator.nullsFirst(Comparator.naturalOrder()));
        byFile.values().forEach(list -> list.stream().sorted(byLine).forEach(out::add));
        return out;
    }

    void throwIfAny() {
        if (!isEmpty()) {
            throw new PlanException(sorted());
        }
    }

    private static boolean pathsEqual(Path a, Path b) {
        return a == null ? b == null : a.equals(b);
    }
}
