package dev.nightbench.report;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A run whose request rows were deleted by {@code nightbench prune --keep-summaries} ({@code runs.requests_pruned_at},
 * V28). Its report is still written from what was kept (summaries, load figures, stored comparisons), says at the top
 * that the per-request sections are empty because the rows were pruned, and keeps the comparison stored while the
 * samples existed instead of recomputing it from samples that are gone.
 */
final class PrunedRuns {

    private PrunedRuns() {
    }

    /** When the run's requests were pruned, or empty for a run that has them. */
    static Optional<Instant> prunedAt(ReportRepository repository, long runId) {
        return repository.read(jdbc -> jdbc.sql("SELECT requests_pruned_at FROM runs WHERE run_id = ?").param(runId)
                .query(Timestamp.class).optional().map(Timestamp::toInstant));
    }

    /** The comparison stored before the prune, with the baseline runs it named that still exist. */
    static TrendReport storedComparison(ReportRepository repository, TrendSettings settings, long runId, Instant pruned,
                                        List<TrendReport.TrendPoint> trend) {
        List<Long> ids = repository.read(jdbc -> jdbc.sql("""
                        SELECT baseline_run_ids FROM comparisons WHERE run_id = ? LIMIT 1""").param(runId)
                .query((rs, n) -> List.of((Long[]) rs.getArray(1).getArray())).optional().orElse(List.of()));
        List<TrendReport.BaselineRun> baseline = ids.stream().map(repository::baselineRun).flatMap(Optional::stream)
                .toList();
        if (baseline.isEmpty()) {
            return new TrendReport(settings, List.of(), "the run's requests were pruned on " + pruned
                    + " and no comparison with a baseline was stored before", PlanChanges.NONE, List.of(), 0, 0, trend);
        }
        return new TrendReport(settings, baseline, null, PlanChanges.NONE, repository.comparisons(runId), 0, 0, trend);
    }

    /** The note under the report's title. */
    static void note(ReportDocument doc, Instant pruned) {
        List<ReportDocument.Block> blocks = doc.blocks();
        int at = blocks.isEmpty() || !(blocks.getFirst() instanceof ReportDocument.Heading) ? 0 : 1;
        blocks.add(at, new ReportDocument.Note(List.of(ReportDocument.strong("Requests pruned"),
                ReportDocument.text(" on " + pruned + " (nightbench prune --keep-summaries): the figures below come from "
                        + "the stored summaries and comparisons; the per-request sections (answers, failures, samples, "
                        + "requests.csv) are empty because those rows were deleted.")), true));
    }
}
