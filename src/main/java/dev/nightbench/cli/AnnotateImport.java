package dev.nightbench.cli;

import dev.nightbench.store.AnnotationStore;
import dev.nightbench.store.AnnotationStore.RequestRef;
import dev.nightbench.store.AnnotationStore.Rubric;
import dev.nightbench.store.AnnotationStore.RunCriterion;
import dev.nightbench.store.AnnotationStore.ScoreCell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an annotation file against the database before anything is stored: every problem of every row is
 * collected as "FILE:LINE: what is wrong" (LINE: where the row's CSV record starts, 1 being the header), and a file
 * with any problem stores nothing, so a rater fixes the file and imports it again as a whole.
 *
 * <p>Rules: columns {@link AnnotateCsv#REQUIRED} present, no column twice, every other column one of
 * {@link AnnotateCsv#FIXED}, {@link AnnotateCsv#RATER} or a criterion of the run, at least one criterion column; each
 * row's request id names a scorable answer (measured, final, ok, serial, with its whole answer), of the same run as
 * every other row, once per file, and its model and prompt id are that answer's; scores are whole numbers 1-5, or
 * empty / {@code n/a} for no score; a criterion scored on context prompts only is not scored on other answers; a
 * filled {@code rater} cell is the {@code --rater} given (a file passed between people cannot be stored under the
 * wrong name).
 */
final class AnnotateImport {

    private static final Pattern SCORE = Pattern.compile("[1-5]");
    private static final Pattern WHOLE = Pattern.compile("\\d{1,18}");

    /**
     * A file that passed every check.
     *
     * @param runId the run its rows belong to
     * @param rubric the run's rubric (to be recorded when it is the default one)
     * @param cells  one per row and criterion column: a score, or null to clear the rater's earlier one
     */
    record Checked(long runId, Rubric rubric, List<ScoreCell> cells) {
    }

    private final String file;
    private final String rater;
    private final List<Problem> errors = new ArrayList<>();

    /** A problem and the line it is on (0 for the file as a whole). */
    private record Problem(long line, String text) {
    }

    AnnotateImport(String file, String rater) {
        this.file = file;
        this.rater = rater;
    }

    /** Every problem found by the last {@link #check}, in file order. */
    List<String> errors() {
        return errors.stream().sorted(Comparator.comparingLong(Problem::line)).map(Problem::text).toList();
    }

    /** @return the scores to store, or null when {@link #errors()} has at least one problem */
    Checked check(AnnotateCsv.Table table, AnnotationStore store) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < table.header().size(); i++) {
            String name = table.header().get(i);
            if (name == null || name.isBlank()) {
                error(1, "column " + (i + 1) + " has no name");
            } else if (!seen.add(name)) {
                error(1, "column '" + name + "' appears twice");
            }
        }
        for (String required : AnnotateCsv.REQUIRED) {
            if (!table.header().contains(required)) {
                error(1, "missing column '" + required + "' (the columns are " + String.join(",", AnnotateCsv.FIXED)
                        + ", one per criterion, then " + AnnotateCsv.RATER + ")");
            }
        }
        if (!errors.isEmpty()) {
            return null;
        }
        if (table.rows().isEmpty()) {
            errors.add(new Problem(0, file + ": no answer rows, nothing to import"));
            return null;
        }
        Map<AnnotateCsv.Row, Long> ids = new HashMap<>();
        for (AnnotateCsv.Row row : table.rows()) {
            String id = row.get(AnnotateCsv.REQUEST_ID).strip();
            if (WHOLE.matcher(id).matches()) {
                ids.put(row, Long.parseLong(id));
            } else {
                error(row.line(), "request_id '" + id + "' is not a request id (a whole number)");
            }
        }
        Map<Long, RequestRef> refs = store.requests(new LinkedHashSet<>(ids.values()));
        Long runId = table.rows().stream().filter(ids::containsKey).map(r -> refs.get(ids.get(r)))
                .filter(r -> r != null).map(RequestRef::runId).findFirst().orElse(null);
        if (runId == null) {
            table.rows().stream().filter(ids::containsKey).forEach(r -> error(r.line(), "no request with id "
                    + ids.get(r)));
            return null;
        }
        Rubric rubric = store.rubric(runId);
        Map<String, RunCriterion> criteria = new HashMap<>();
        rubric.criteria().forEach(c -> criteria.put(c.name(), c));
        List<String> criterionColumns = new ArrayList<>();
        for (String name : table.header()) {
            if (name == null || name.isBlank() || AnnotateCsv.FIXED.contains(name) || AnnotateCsv.RATER.equals(name)) {
                continue;
            }
            if (criteria.containsKey(name)) {
                criterionColumns.add(name);
            } else {
                error(1, "column '" + name + "' is not a criterion of run " + runId + " (its criteria: "
                        + names(rubric) + ")");
            }
        }
        if (criterionColumns.isEmpty() && errors.isEmpty()) {
            error(1, "no criterion column to score (run " + runId + "'s criteria: " + names(rubric) + ")");
        }
        List<ScoreCell> cells = new ArrayList<>();
        Map<Long, Long> firstLine = new HashMap<>();
        for (AnnotateCsv.Row row : table.rows()) {
            Long id = ids.get(row);
            if (id == null) {
                continue;
            }
            RequestRef ref = refs.get(id);
            if (ref == null) {
                error(row.line(), "no request with id " + id);
                continue;
            }
            if (ref.runId() != runId) {
                error(row.line(), "request " + id + " is of run " + ref.runId() + ", not run " + runId
                        + " like the rows above (one file holds one run's answers)");
                continue;
            }
            if (!ref.scorable()) {
                error(row.line(), "request " + id + " is not a scorable answer (only the final, successful measured "
                        + "requests of the latency rounds with a stored answer are scored)");
                continue;
            }
            Long earlier = firstLine.putIfAbsent(id, row.line());
            if (earlier != null) {
                error(row.line(), "request " + id + " is also on line " + earlier);
                continue;
            }
            rowChecks(row, ref, criteria, criterionColumns, cells);
        }
        return errors.isEmpty() ? new Checked(runId, rubric, List.copyOf(cells)) : null;
    }

    private void rowChecks(AnnotateCsv.Row row, RequestRef ref, Map<String, RunCriterion> criteria,
                           List<String> criterionColumns, List<ScoreCell> cells) {
        if (row.extra() > 0) {
            error(row.line(), row.extra() + " value(s) beyond the header's columns");
        }
        String model = row.get(AnnotateCsv.MODEL).strip();
        String prompt = row.get(AnnotateCsv.PROMPT_ID).strip();
        if (!model.equals(ref.modelAlias()) || !prompt.equals(ref.promptId())) {
            error(row.line(), "request " + ref.requestId() + " is model '" + ref.modelAlias() + "' prompt '"
                    + ref.promptId() + "', the row says model '" + model + "' prompt '" + prompt + "'");
        }
        String named = row.get(AnnotateCsv.RATER).strip();
        if (!named.isEmpty() && !named.equals(rater)) {
            error(row.line(), "rater '" + named + "' is not --rater '" + rater + "' (leave the column empty, or "
                    + "import as that rater)");
        }
        for (String column : criterionColumns) {
            String value = row.get(column).strip();
            if (value.isEmpty() || value.equalsIgnoreCase(AnnotateCsv.NOT_APPLICABLE)) {
                cells.add(new ScoreCell(ref.requestId(), column, null));
            } else if (!SCORE.matcher(value).matches()) {
                error(row.line(), column + ": '" + value + "' is not a whole score 1-5 (leave it empty for no score)");
            } else if (criteria.get(column).contextOnly() && !ref.context()) {
                error(row.line(), column + " is scored only on answers to prompts with context; prompt '"
                        + ref.promptId() + "' has none (leave it " + AnnotateCsv.NOT_APPLICABLE + ")");
            } else {
                cells.add(new ScoreCell(ref.requestId(), column, Integer.parseInt(value)));
            }
        }
    }

    private void error(long line, String message) {
        errors.add(new Problem(line, file + ":" + line + ": " + message));
    }

    private static String names(Rubric rubric) {
        return String.join(", ", rubric.criteria().stream().map(RunCriterion::name).toList());
    }
}
