package dev.nightbench.monitoring;

import dev.nightbench.store.RunStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The history's figures for Prometheus, kept up to date at a bounded cost: a run that has ended is counted once
 * (its requests and step executions), added to running totals and remembered with what it ended as; only runs still
 * going, new runs and runs whose end changed (a restart) are counted again at each refresh. The {@code runs} table
 * itself (one row per run) is read whole each time: it gives the runs by status, the last success per plan, and which
 * runs are new, changed or gone. Plain Java: the counting is handed in, so this is tested without a database.
 *
 * <p>Requests pruned from an ended run (retention) stay counted here, so the counter does not drop; a deleted run
 * drops out, which Prometheus reads as a counter reset.
 */
final class HistoryTally {

    /** Runs still writing rows: counted again at every refresh. */
    private static final Set<RunStatus> GOING = EnumSet.of(RunStatus.STARTING, RunStatus.STARTED, RunStatus.STOPPING);
    private static final Pattern PARTITION_NUMBER = Pattern.compile("(:.*?)\\d+$");

    private final Map<Long, Ended> ended = new HashMap<>();
    /** The sums over {@link #ended}, kept as runs come and go, so a refresh costs the runs it counts. */
    private final Map<RequestKey, Long> endedRequests = new HashMap<>();
    private final Map<String, StepTotal> endedSteps = new HashMap<>();

    /** One row of {@code runs}. */
    record RunRow(long runId, String planName, RunStatus status, Instant finishedAt) {
    }

    /** Measured requests (measure phase, final attempt) of one model with one status. */
    record RequestKey(String model, String status) {
    }

    /** Ended step executions of one step name: how many and their time in seconds. */
    record StepTotal(long count, double seconds) {
        StepTotal plus(StepTotal o) {
            return new StepTotal(count + o.count, seconds + o.seconds);
        }
    }

    /** What one run added: its requests and its step executions by step name. */
    record RunCounts(Map<RequestKey, Long> requests, Map<String, StepTotal> steps) {
        static final RunCounts NONE = new RunCounts(Map.of(), Map.of());
    }

    /** The figures exposed until the next refresh. */
    record Snapshot(Map<RunStatus, Long> runsByStatus, Map<String, Instant> lastSuccessByPlan,
                    Map<RequestKey, Long> requests, Map<String, StepTotal> steps) {
    }

    private record Ended(RunStatus status, Instant finishedAt, RunCounts counts) {
    }

    /**
     * Counts what changed since the last call and returns the new figures.
     *
     * @param runs  every row of {@code runs}
     * @param count the counts of the given runs (no entry for a run with nothing to count)
     * @param batch at most this many runs per call of {@code count}
     */
    Snapshot refresh(List<RunRow> runs, Function<List<Long>, Map<Long, RunCounts>> count, int batch) {
        Set<Long> present = new HashSet<>();
        List<RunRow> toCount = new ArrayList<>();
        for (RunRow run : runs) {
            present.add(run.runId());
            Ended known = ended.get(run.runId());
            if (GOING.contains(run.status()) || known == null || known.status() != run.status()
                    || !Objects.equals(known.finishedAt(), run.finishedAt())) {
                toCount.add(run);
            }
        }
        if (present.size() < ended.size()) { // runs deleted: their counts leave the totals
            for (var it = ended.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!present.contains(e.getKey())) {
                    add(e.getValue().counts(), -1);
                    it.remove();
                }
            }
        }
        Map<RequestKey, Long> requests = new HashMap<>();
        Map<String, StepTotal> steps = new HashMap<>();
        for (int from = 0; from < toCount.size(); from += batch) {
            List<RunRow> slice = toCount.subList(from, Math.min(toCount.size(), from + batch));
            Map<Long, RunCounts> counted = count.apply(slice.stream().map(RunRow::runId).toList());
            for (RunRow run : slice) {
                RunCounts c = counted.getOrDefault(run.runId(), RunCounts.NONE);
                Ended before = ended.remove(run.runId());
                if (before != null) {
                    add(before.counts(), -1);
                }
                if (GOING.contains(run.status())) {
                    merge(requests, steps, c);
                } else {
                    ended.put(run.runId(), new Ended(run.status(), run.finishedAt(), c));
                    add(c, 1);
                }
            }
        }
        merge(requests, steps, new RunCounts(endedRequests, endedSteps));
        Map<RunStatus, Long> byStatus = new LinkedHashMap<>();
        for (RunStatus s : RunStatus.values()) {
            byStatus.put(s, 0L);
        }
        Map<String, Instant> lastSuccess = new TreeMap<>();
        for (RunRow run : runs) {
            byStatus.merge(run.status(), 1L, Long::sum);
            if (run.status() == RunStatus.COMPLETED && run.finishedAt() != null) {
                lastSuccess.merge(run.planName(), run.finishedAt(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        return new Snapshot(byStatus, lastSuccess, Map.copyOf(requests), Map.copyOf(steps));
    }

    /** Adds ({@code sign} 1) or takes away (-1) an ended run's counts from the running totals. */
    private void add(RunCounts c, int sign) {
        c.requests().forEach((k, n) -> endedRequests.merge(k, sign * n, (a, b) -> a + b == 0 ? null : a + b));
        c.steps().forEach((k, t) -> endedSteps.merge(k, new StepTotal(sign * t.count(), sign * t.seconds()),
                (a, b) -> a.count() + b.count() == 0 ? null : a.plus(b)));
    }

    private static void merge(Map<RequestKey, Long> requests, Map<String, StepTotal> steps, RunCounts c) {
        c.requests().forEach((k, n) -> requests.merge(k, n, Long::sum));
        c.steps().forEach((k, t) -> steps.merge(k, t, StepTotal::plus));
    }

    /** How many ended runs are remembered (for tests and the log). */
    int endedRuns() {
        return ended.size();
    }

    /**
     * The step label for a step execution's name: a partition's worker step ({@code measure:partition3}, Spring
     * Batch's naming) loses its number, so the label set stays as small as the job's steps.
     */
    static String stepLabel(String stepName) {
        return stepName.contains(":") ? PARTITION_NUMBER.matcher(stepName).replaceFirst("$1") : stepName;
    }

}
