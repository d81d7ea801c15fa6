package dev.nightbench.cli;

import dev.nightbench.cli.Outcome.Line;
import dev.nightbench.cli.Outcome.Status;
import dev.nightbench.report.ReportService;
import dev.nightbench.store.RunStore;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code runs} and {@code report}: plain calls on the stores, so the same code answers from the full context
 * ({@link Commands}) and from the small one that starts in a fraction of the time ({@link QueryContext}).
 */
final class ReadCommands {

    private ReadCommands() {
    }

    static Outcome runs(RunStore runs, int limit) {
        List<RunStore.RunSummary> list = runs.recent(limit);
        if (list.isEmpty()) {
            return Outcome.of(Status.OK, Line.out("No runs yet. Start one with: nightbench run --plan jobs/demo.yaml"));
        }
        Outcome.Builder out = Outcome.builder();
        out.out(String.format("%-6s %-20s %-10s %-10s %6s %7s %7s %9s %6s %-20s %s", "RUN", "PLAN", "DATE", "STATUS", "OK",
                "FAILED", "SKIPPED", "RETRIED", "MODELS", "STARTED", "LABEL"));
        for (RunStore.RunSummary r : list) {
            List<RunStore.ModelTally> tallies = runs.modelTallies(r.runId());
            out.out(String.format("%-6d %-20s %-10s %-10s %6d %7d %7d %9s %6s %-20s %s", r.runId(), r.planName(), r.runDate(),
                    r.status(), r.okRequests(), r.failedRequests(), Tallies.skipped(tallies), Tallies.retried(tallies),
                    r.failedModels() == 0 ? "ok" : r.failedModels() + " bad",
                    r.startedAt().toString().substring(0, 19).replace('T', ' '),
                    (r.label() == null ? "" : r.label()) + (r.simulated() ? " [simulated]" : "")));
        }
        return out.end(Status.OK);
    }

    static Outcome report(RunStore runs, ReportService reports, Long runId) {
        return report(runs, reports, runId, null, false);
    }

    /**
     * @param baseline the {@code --baseline} run, already in the report service's settings (PINNED); checked here so
     *                 that a run id that does not exist is a usage error (exit 2), not a report without comparison
     * @param json     print the run's {@code results.json} (from what is stored, nothing written) instead of writing
     *                 the report: stdout then holds the JSON document alone, for {@code | jq}
     */
    static Outcome report(RunStore runs, ReportService reports, Long runId, Long baseline, boolean json) {
        Optional<RunStore.RunSummary> run = runId != null ? runs.find(runId) : runs.recent(1).stream().findFirst();
        if (run.isEmpty()) {
            return Outcome.of(Status.BAD_INPUT,
                    Line.err("nightbench report: " + (runId == null ? "no runs yet" : "no run with id " + runId)));
        }
        if (baseline != null && runs.find(baseline).isEmpty()) {
            return Outcome.of(Status.BAD_INPUT, Line.err("nightbench report: --baseline " + baseline
                    + ": no run with id " + baseline + " (see 'nightbench runs')"));
        }
        if (baseline != null && baseline == run.get().runId()) {
            return Outcome.of(Status.BAD_INPUT, Line.err("nightbench report: --baseline " + baseline
                    + " is the run being reported; choose another run"));
        }
        if (json) {
            return Outcome.of(Status.OK, Line.out(reports.resultsJson(run.get().runId()).stripTrailing()));
        }
        Path dir = reports.write(run.get().runId());
        return Outcome.of(Status.OK, Line.out("Report: " + dir));
    }

    /** {@code report --format}: json, or absent for the report files; anything else is a usage error. */
    static boolean json(String format, String usage) {
        if (format == null) {
            return false;
        }
        if (!"json".equals(format)) {
            throw new UsageException("--format must be json (without it the report files are written), not '"
                    + format + "'", usage);
        }
        return true;
    }
}
