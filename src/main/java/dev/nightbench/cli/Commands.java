package dev.nightbench.cli;

import dev.nightbench.cli.Outcome.Line;
import dev.nightbench.cli.Outcome.Status;
import dev.nightbench.plan.LoadedPlan;
import dev.nightbench.report.ReportService;
import dev.nightbench.report.RunComparer;
import dev.nightbench.run.JobParams;
import dev.nightbench.run.RunLauncher;
import dev.nightbench.run.RunLauncher.Launch;
import dev.nightbench.run.Scheduler;
import dev.nightbench.run.ServeProperties;
import dev.nightbench.run.UnfinishedRuns;
import dev.nightbench.store.Retention;
import dev.nightbench.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The commands that need the database, run inside the Spring context. Each returns an {@link Outcome} that
 * {@link Cli} prints; the few lines that must appear before long work starts (a dead run being recovered, a restart
 * beginning, each of {@code serve}'s runs) go to the {@code now} consumer Cli passes in. Nothing here prints.
 */
@Component
class Commands {

    /** {@code nightbench serve --help}. */
    static final String SERVE_USAGE = """
                    Usage: nightbench serve
                      Stays up, serves the read-only dashboard (runs, reports, trends, A/B) and runs plans on cron
                      schedules from configuration, e.g.
                        NIGHTBENCH_SERVE_SCHEDULES_0_CRON="0 0 2 * * *" NIGHTBENCH_SERVE_SCHEDULES_0_PLAN=jobs/demo.yaml
                      (Spring cron: second minute hour day month weekday); without a schedule, the dashboard alone.
                      Dashboard: NIGHTBENCH_SERVE_BIND (default 127.0.0.1), NIGHTBENCH_SERVE_PORT (default 8090, 0 any
                      free one), NIGHTBENCH_SERVE_TOKEN (then every request needs 'Authorization: Bearer TOKEN' or,
                      once in a browser, ?token=TOKEN; required to bind beyond 127.0.0.1).
                      Retention on its own cron: e.g. NIGHTBENCH_SERVE_PRUNE_CRON="0 30 5 * * SUN"
                        NIGHTBENCH_SERVE_PRUNE_OLDER_THAN=180d ('prune --help').
                    """;

    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    private final RunLauncher launcher;
    private final RunStore runs;
    private final ReportService reports;
    private final UnfinishedRuns unfinishedRuns;
    private final Scheduler scheduler;
    private final NightbenchProperties properties;
    private final RunComparer comparer;

    /** Without {@code compare} (its comparer null), as unit tests of the other commands build it. */
    Commands(RunLauncher launcher, RunStore runs, ReportService reports, UnfinishedRuns unfinishedRuns,
             Scheduler scheduler, NightbenchProperties properties) {
        this(launcher, runs, reports, unfinishedRuns, scheduler, properties, null);
    }

    @org.springframework.beans.factory.annotation.Autowired
    Commands(RunLauncher launcher, RunStore runs, ReportService reports, UnfinishedRuns unfinishedRuns,
             Scheduler scheduler, NightbenchProperties properties, RunComparer comparer) {
        this.comparer = comparer;
        this.launcher = launcher;
        this.runs = runs;
        this.reports = reports;
        this.unfinishedRuns = unfinishedRuns;
        this.scheduler = scheduler;
        this.properties = properties;
    }

    Outcome run(LoadedPlan loaded, LocalDate runDate, String label, boolean failOnRegression, boolean failOnModelFailure,
                Consumer<Line> now) {
        return run(loaded, runDate, label, null, failOnRegression, failOnModelFailure, now);
    }

    /**
     * @param baseline the {@code --baseline} run (already this context's {@code nightbench.report.pinned-run-id}, see
     *                 {@link BaselineOption#springArgs}), checked before the run starts: an unknown one is exit 2, nothing run
     */
    Outcome run(LoadedPlan loaded, LocalDate runDate, String label, Long baseline, boolean failOnRegression,
                boolean failOnModelFailure, Consumer<Line> now) {
        return run(loaded, runDate, label, baseline, failOnRegression, failOnModelFailure, null, now);
    }

    /** @param workers {@code --workers N} ({@link RunOptions#workers}), null for the plan's own {@code scale:} */
    Outcome run(LoadedPlan loaded, LocalDate runDate, String label, Long baseline, boolean failOnRegression,
                boolean failOnModelFailure, Integer workers, Consumer<Line> now) {
        if (baseline != null && runs.find(baseline).isEmpty()) {
            return Outcome.of(Status.BAD_INPUT, Line.err("nightbench run: --baseline " + baseline + ": no run with id "
                    + baseline + " (see 'nightbench runs'); nothing was run"));
        }
        JobParams params = launcher.params(loaded.plan(), runDate, label, failOnModelFailure, workers);
        return launched("run", launcher.start(params), failOnRegression, now);
    }

    private Outcome launched(String command, Launch launch, boolean failOnRegression, Consumer<Line> now) {
        return switch (launch) {
            case Launch.Ran ran -> finishOrReport(command, ran.execution(), failOnRegression);
            case Launch.NotRun notRun -> unfinished(command, notRun.cause());
            case Launch.Exists exists -> exists.dead().isPresent()
                    ? continueNight(command, exists.dead().get(), failOnRegression, now) : refuseExisting(exists);
        };
    }

    /** Spring Batch 6 refuses any existing instance; say which case this is and what to do. */
    private static Outcome refuseExisting(Launch.Exists exists) {
        JobExecution last = exists.last();
        Long runId = exists.runId();
        String plan = exists.params().planName();
        LocalDate date = exists.params().runDate();
        String run = runId == null ? "" : " (run " + runId + ")";
        String message;
        if (last != null && last.getStatus().isRunning()) {
            message = String.format("nightbench run: plan '%s' for %s is already running%s. Wait for it; if its process "
                    + "died, 'nightbench restart%s' recovers and finishes it.", plan, date, run,
                    runId == null ? "" : " " + runId);
        } else if (last != null && last.getStatus() != BatchStatus.COMPLETED) {
            message = String.format("nightbench run: plan '%s' for %s already has a %s run%s. Finish it with "
                    + "'nightbench restart%s', or use another --run-date.", plan, date, last.getStatus(), run,
                    runId == null ? "" : " " + runId);
        } else {
            message = String.format("nightbench run: plan '%s' already has a completed run for %s%s. Use another "
                    + "--run-date, or omit it for an ad-hoc run.", plan, date, run);
        }
        return Outcome.of(Status.BAD_INPUT, Line.err(message));
    }

    /** The job could not even record its end: say what happened and how to finish it, in one paragraph. */
    private static Outcome unfinished(String command, Exception e) {
        log.error(Logs.FILE_ONLY, "nightbench {}: the job could not finish", command, e);
        if (databaseFault(e)) {
            return Outcome.of(Status.JOB_FAILED, Line.err("nightbench " + command + ": lost the database while running ("
                    + rootMessage(e).replaceAll("\\.$", "") + "). "
                    + "Nothing already committed is lost: every finished cell stays stored and the run is left "
                    + "unfinished. Once the database is back, 'nightbench restart' finishes it." + Logs.details()));
        }
        return Outcome.of(Status.JOB_FAILED, Line.err("nightbench " + command + ": the job could not run: "
                + rootMessage(e).replaceAll("\\.$", "") + "." + Logs.details()));
    }

    /** {@link #finish} reads the run back; a database lost by then is reported like one lost while running. */
    private Outcome finishOrReport(String command, JobExecution execution, boolean failOnRegression) {
        try {
            return finish(execution, failOnRegression);
        } catch (RuntimeException e) {
            if (databaseFault(e)) {
                return unfinished(command, e);
            }
            throw e;
        }
    }

    static boolean databaseFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.springframework.dao.DataAccessException || t instanceof java.sql.SQLException
                    || t instanceof org.springframework.transaction.TransactionException) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    Outcome restart(Long runId, Consumer<Line> now) {
        Optional<RunStore.RunSummary> run = runId == null ? Optional.empty() : runs.find(runId);
        if (runId != null && run.isEmpty()) {
            return Outcome.of(Status.BAD_INPUT, Line.err("nightbench restart: no run with id " + runId));
        }
        // from Spring Batch's job instances, so a night killed before its runs row existed is found too
        Optional<UnfinishedRuns.Night> night = run.isPresent()
                ? unfinishedRuns.ofJobInstance(run.get().jobInstanceId()) : unfinishedRuns.newest();
        if (night.isEmpty()) {
            return Outcome.of(Status.BAD_INPUT, Line.err(runId != null
                    ? "nightbench restart: run " + runId + " is already COMPLETED; nothing to restart."
                    : "nightbench restart: no failed, stopped or unfinished run to restart"));
        }
        return continueNight("restart", night.get(), false, now);
    }

    /** Recovers a night left running by a dead process, then restarts it: the pairs not yet committed are run. */
    private Outcome continueNight(String command, UnfinishedRuns.Night night, boolean failOnRegression,
                                  Consumer<Line> now) {
        String what = night.describe();
        JobExecution last = night.last();
        if (unfinishedRuns.runningElsewhere(night)) {
            return Outcome.of(Status.BAD_INPUT, Line.err(String.format("nightbench %s: %s is still running in another "
                    + "Nightbench process (its manager, or a worker still at one of its partitions); wait for it to "
                    + "end, then restart.", command, what)));
        }
        if (night.running()) {
            now.accept(Line.out(String.format("%s was left %s by a process that is gone (job execution %d); marking it "
                    + "FAILED so it can be restarted.", capitalized(what), last.getStatus(), last.getId())));
            last = unfinishedRuns.recover(night);
        }
        now.accept(Line.out(String.format("Restarting %s: finishing the pairs not yet committed.",
                night.runId() == null ? what : what + " (plan '" + night.planName() + "', " + night.runDate() + ")")));
        return launched(command, launcher.restart(last), failOnRegression, now);
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private Outcome finish(JobExecution execution, boolean failOnRegression) {
        Optional<RunStore.RunSummary> run = runs.runIdForJobInstance(execution.getJobInstanceId()).flatMap(runs::find);
        BatchStatus status = execution.getStatus();
        if (run.isEmpty()) {
            return Outcome.of(Status.JOB_FAILED, Line.err("nightbench: the job ended " + status
                    + " before the run was registered: "
                    + execution.getAllFailureExceptions().stream().map(Throwable::getMessage).toList()));
        }
        RunStore.RunSummary r = run.get();
        if (status == BatchStatus.STOPPED) {
            return Outcome.of(Status.JOB_FAILED, Line.err(String.format("Run %d stopped after %d ok and %d failed "
                    + "requests; 'nightbench restart %d' finishes it.", r.runId(), r.okRequests(), r.failedRequests(),
                    r.runId())));
        }
        Outcome.Builder out = Outcome.builder();
        List<RunStore.ModelTally> tallies = runs.modelTallies(r.runId());
        out.out(String.format("Run %d %s: %d ok, %d failed, %d skipped requests%s.", r.runId(), status, r.okRequests(),
                r.failedRequests(), Tallies.skipped(tallies), r.simulated() ? " (SIMULATED endpoint)" : ""));
        Tallies.lines(tallies).forEach(out::out);
        for (RunStore.ModelState m : runs.models(r.runId())) {
            if (m.availability().isFailure()) {
                out.out(String.format("  MODEL %s %s: %s", m.modelAlias(), m.availability().value().toUpperCase(),
                        m.failureReason()));
            }
        }
        if (status != BatchStatus.COMPLETED) {
            String why = execution.getAllFailureExceptions().stream().map(Commands::rootMessage).distinct()
                    .reduce((a, b) -> a + "; " + b).orElse(execution.getExitStatus().getExitDescription());
            return out.err(String.format("Run %d ended %s: %s", r.runId(), status, why))
                    .err(String.format("Finish it with: nightbench restart %d", r.runId())).end(Status.JOB_FAILED);
        }
        out.out("Report: " + reports.folder(r.runId()));
        if (failOnRegression && reports.hasRegressions(r.runId())) {
            List<String> regressed = reports.regressions(r.runId());
            return out.err(String.format("Run %d regressed against its baseline%s (see the report; SQL: SELECT * FROM "
                    + "run_regressions WHERE run_id = %d).", r.runId(),
                    regressed.isEmpty() ? "" : ": " + String.join("; ", regressed), r.runId())).end(Status.REGRESSION);
        }
        return out.end(r.failedModels() > 0 ? Status.MODEL_FAILED : Status.OK);
    }

    Outcome runs(int limit) {
        return ReadCommands.runs(runs, limit);
    }

    Outcome report(Long runId) {
        return report(runId, false);
    }

    /** {@code report --format json}: the run's results.json on stdout instead of the report files. */
    Outcome report(Long runId, boolean json) {
        return ReadCommands.report(runs, reports, runId, null, json);
    }

    Outcome report(Long runId, Long baseline) {
        return ReadCommands.report(runs, reports, runId, baseline, false);
    }

    Outcome report(Long runId, Long baseline, boolean json) {
        return ReadCommands.report(runs, reports, runId, baseline, json);
    }

    Outcome compare(CompareCommand.Request request) {
        return CompareCommand.run(request, comparer);
    }

    /**
     * Checks the schedules (a valid cron and a valid plan each: exit 2 otherwise), prints where the dashboard
     * listens ({@code dashboard}, null without one), then serves them until the process is stopped; each run's
     * outcome is printed through {@code now} as it ends. Without a schedule it serves the dashboard alone.
     */
    Outcome serve(Consumer<Line> now, String dashboard) {
        List<ServeProperties.Schedule> schedules = properties.serve().schedules();
        ServeProperties.Prune prune = properties.serve().prune();
        if (prune != null && prune.cron() != null) {
            try {
                if (!CronExpression.isValidExpression(prune.cron())) {
                    throw new IllegalArgumentException("cron '" + prune.cron() + "' is not a valid cron (6 fields: "
                            + "second minute hour day month weekday)");
                }
                Retention.age(prune.olderThan());
            } catch (IllegalArgumentException e) {
                return Outcome.of(Status.BAD_INPUT, Line.err("nightbench serve: nightbench.serve.prune: " + e.getMessage()));
            }
        }
        for (int i = 0; i < schedules.size(); i++) {
            ServeProperties.Schedule s = schedules.get(i);
            if (s.cron() == null || !CronExpression.isValidExpression(s.cron()) || s.plan() == null) {
                return Outcome.of(Status.BAD_INPUT, Line.err(String.format("nightbench serve: schedule %d needs a valid "
                        + "cron (6 fields: second minute hour day month weekday) and a plan; got cron='%s' plan='%s'",
                        i, s.cron(), s.plan())));
            }
            scheduler.plans().loadWithSnapshot(Path.of(s.plan())); // fail fast at startup on a bad plan (exit 2)
        }
        if (dashboard != null) {
            now.accept(Line.out(dashboard));
        }
        if (schedules.isEmpty() && (prune == null || prune.cron() == null)) {
            now.accept(Line.out("No schedule configured: serving the dashboard only (a schedule: "
                    + "NIGHTBENCH_SERVE_SCHEDULES_0_CRON and NIGHTBENCH_SERVE_SCHEDULES_0_PLAN, or "
                    + "nightbench.serve.schedules in application.yaml)."));
        }
        scheduler.serveUntilStopped((plan, launch) -> {
            Outcome outcome = launched("run", launch, false, now);
            outcome.lines().forEach(now);
            log.info("Scheduled run of {} ended with exit code {}", plan.plan().source(), outcome.exitCode());
        });
        return Outcome.of(Status.OK);
    }
}
