package dev.nightbench.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A run against its baseline and its recent history: what the comparison section and the trend charts show.
 *
 * @param settings         the settings the comparison used
 * @param baseline         the baseline runs, newest first; empty when there is none
 * @param noBaseline       why there is no baseline (null when there is one)
 * @param changes          plan differences between the run and its baseline
 * @param comparisons      every comparison, as stored (read back through the {@code run_comparisons} view)
 * @param currentRequests  measured requests of the run that were compared
 * @param baselineRequests measured requests of the baseline runs that were compared
 * @param trend            per-model points of the trend window (serial load), oldest first
 */
record TrendReport(TrendSettings settings, List<BaselineRun> baseline, String noBaseline, PlanChanges changes,
                   List<TrendAnalysis.Row> comparisons, int currentRequests, int baselineRequests,
                   List<TrendPoint> trend) {

    record BaselineRun(long runId, LocalDate runDate, String planName, String planHash, String status,
                       Instant startedAt) {
    }

    /** One run's figures for one model, from the {@code model_summaries} view. */
    record TrendPoint(String modelAlias, long runId, LocalDate runDate, Instant startedAt, Double ttftMsP50,
                      Double ttftMsP95, Double decodeTpsP50, double successRate) {
    }

    long count(Verdict verdict) {
        return comparisons.stream().filter(r -> r.comparison().verdict() == verdict).count();
    }

    long insufficient() {
        return comparisons.stream().filter(r -> r.comparison().insufficientData()).count();
    }
}
