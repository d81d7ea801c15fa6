package dev.nightbench.cli;

import dev.nightbench.plan.LoadedPlan;
import dev.nightbench.plan.Plan;
import dev.nightbench.report.ReportService;
import dev.nightbench.run.JobParams;
import dev.nightbench.run.Scheduler;
import dev.nightbench.run.UnfinishedRuns;
import dev.nightbench.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/** The commands that need the database, run inside the Spring context. */
@Component
class Commands {

    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final Job job;
    private final RunStore runs;
    private final ReportService reports;
    private final UnfinishedRuns unfinishedRuns;
    private final Clock clock;
    private final Scheduler scheduler;
    private final PrintStream out = System.out;
    private final Path reportsDir;

    Commands(JobOperator jobOperator, JobRepository jobRepository, Job nightlyBenchmarkJob, RunStore runs,
             ReportService reports, UnfinishedRuns unfinishedRuns, Clock clock, Scheduler scheduler,
             @Value("${nightbench.reports-dir:reports}") Path reportsDir) {
        this.reportsDir = reportsDir;
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.job = nightlyBenchmarkJob;
        this.runs = runs;
        this.reports = reports;
        this.unfinishedRuns = unfinishedRuns;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    int run(LoadedPlan loaded, LocalDate runDate, String label, boolean failOnRegression, boolean failOnModelFailure) {
        Plan plan = loaded.plan();
        boolean adHoc = runDate == null;
        LocalDate date = adHoc ? LocalDate.now(clock.withZone(ZoneId.systemDefault())) : runDate;
        JobParams params = new JobParams(plan.name(), plan.source(), plan.hash(), date,
                adHoc ? clock.instant().toString() : null, label, failOnModelFailure);
        JobExecution execution;
        try {
            execution = jobOperator.start(job, params.toJobParameters());
        } catch (JobExecutionAlreadyRunningException | JobInstanceAlreadyCompleteException e) {
            JobInstance existing = jobRepository.getJobInstance(job.getName(), params.toJobParameters());
            Optional<UnfinishedRuns.Night> dead = existing == null ? Optional.empty()
                    : unfinishedRuns.ofJobInstance(existing.getInstanceId()).filter(n -> !unfinishedRuns.runningElsewhere(n));
            if (dead.isPresent()) {
                return continueNight("run", dead.get(), failOnRegression);
            }
            return refuseExisting(plan, date, params);
                } catch (Exception e) {
            return unfinished("run", e);
        }
        return finishOrReport("run", execution, failOnRegression);
    }

    /** Spring Batch 6 refuses any existing instance; say which case this is and what to do. */
    private int refuseExisting(Plan plan, LocalDate date, JobParams params) {
        JobInstance instance = jobRepository.getJobInstance(job.getName(), params.toJobParameters());
        JobExecution last = instance == null ? null : jobRepository.getLastJobExecution(instance);
        Long runId = instance == null ? null : runs.runIdForJobInstance(instance.getInstanceId()).orElse(null);
        String run = runId == null ? "" : " (run " + runId + ")";
        if (last != null && last.getStatus().isRunning()) {
            System.err.printf("nightbench run: plan '%s' for %s is already running%s. Wait for it; if its process died, "
                    + "'nightbench restart%s' recovers and finishes it.%n", plan.name(), date, run,
                    runId == null ? "" : " " + runId);
        } else if (last != null && last.getStatus() != BatchStatus.COMPLETED) {
            System.err.printf("nightbench run: plan '%s' for %s already has a %s run%s. Finish it with "
                    + "'nightbench restart%s', or use another --run-date.%n", plan.name(), date, last.getStatus(), run,
                    runId == null ? "" : " " + runId);
        } else {
            System.err.printf("nightbench run: plan '%s' already has a completed run for %s%s. Use another --run-date, "
                    + "or omit it for an ad-hoc run.%n", plan.name(), date, run);
        }
        return Cli.BAD_INPUT;
    }

    /** The job could not even record its end: say what happened and how to finish it, in one paragraph. */
    private static int unfinished(String command, Exception e) {
        log.error(Logs.FILE_ONLY, "nightbench {}: the job could not finish", command, e);
        if (databaseFault(e)) {
            System.err.println("nightbench " + command + ": lost the database while running (" + rootMessage(e).replaceAll("\\.$", "") + "). "
                    + "Nothing already committed is lost: every finished cell stays stored and the run is left "
                    + "unfinished. Once the database is back, 'nightbench restart' finishes it." + Logs.details());
        } else {
            System.err.println("nightbench " + command + ": the job could not run: " + rootMessage(e).replaceAll("\\.$", "") + "."
                    + Logs.details());
        }
        return Cli.JOB_FAILED;
    }

    /** {@link #finish} reads the run back; a database lost by then is reported like one lost while running. */
    private int finishOrReport(String command, JobExecution execution, boolean failOnRegression) {
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

    int restart(Long runId) {
        Optional<RunStore.RunSummary> run = runId == null ? Optional.empty() : runs.find(runId);
        if (runId != null && run.isEmpty()) {
            System.err.println("nightbench restart: no run with id " + runId);
            return Cli.BAD_INPUT;
        }
        // from Spring Batch's job instances, so a night killed before its runs row existed is found too
        Optional<UnfinishedRuns.Night> night = run.isPresent()
                ? unfinishedRuns.ofJobInstance(run.get().jobInstanceId()) : unfinishedRuns.newest();
        if (night.isEmpty()) {
            System.err.println(runId != null ? "nightbench restart: run " + runId + " is already COMPLETED; nothing to restart."
                    : "nightbench restart: no failed, stopped or unfinished run to restart");
            return Cli.BAD_INPUT;
        }
        return continueNight("restart", night.get(), false);
    }

    /** Recovers a night left running by a dead process, then restarts it: the pairs not yet committed are run. */
    private int continueNight(String command, UnfinishedRuns.Night night, boolean failOnRegression) {
        String what = night.describe();
        JobExecution last = night.last();
        if (night.running()) {
            if (unfinishedRuns.runningElsewhere(night)) {
                System.err.printf("nightbench %s: %s is still running in another Nightbench process.%n", command, what);
                return Cli.BAD_INPUT;
            }
            out.printf("%s was left %s by a process that is gone (job execution %d); marking it FAILED so it can "
                    + "be restarted.%n", capitalized(what), last.getStatus(), last.getId());
            last = unfinishedRuns.recover(night);
        }
        out.printf("Restarting %s: finishing the pairs not yet committed.%n", night.runId() == null ? what
                : what + " (plan '" + night.planName() + "', " + night.runDate() + ")");
        JobExecution previous = last;
        JobExecution execution;
        try {
            execution = jobOperator.restart(previous);
        } catch (Exception e) {
            return unfinished(command, e);
        }
        return finishOrReport(command, execution, failOnRegression);
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private int finish(JobExecution execution, boolean failOnRegression) {
        Optional<RunStore.RunSummary> run = runs.runIdForJobInstance(execution.getJobInstanceId()).flatMap(runs::find);
        BatchStatus status = execution.getStatus();
        if (run.isEmpty()) {
            System.err.println("nightbench: the job ended " + status + " before the run was registered: "
                    + execution.getAllFailureExceptions().stream().map(Throwable::getMessage).toList());
            return Cli.JOB_FAILED;
        }
        RunStore.RunSummary r = run.get();
        if (status == BatchStatus.STOPPED) {
            System.err.printf("Run %d stopped after %d ok and %d failed requests; 'nightbench restart %d' finishes it.%n",
                    r.runId(), r.okRequests(), r.failedRequests(), r.runId());
            return Cli.JOB_FAILED;
        }
        List<RunStore.ModelTally> tallies = runs.modelTallies(r.runId());
        out.printf("Run %d %s: %d ok, %d failed, %d skipped requests%s.%n", r.runId(), status, r.okRequests(),
                r.failedRequests(), Tallies.skipped(tallies), r.simulated() ? " (SIMULATED endpoint)" : "");
        Tallies.lines(tallies).forEach(out::println);
        for (RunStore.ModelState m : runs.models(r.runId())) {
            if (m.availability().isFailure()) {
                out.printf("  MODEL %s %s: %s%n", m.modelAlias(), m.availability().value().toUpperCase(), m.failureReason());
            }
        }
        if (status != BatchStatus.COMPLETED) {
            String why = execution.getAllFailureExceptions().stream().map(Commands::rootMessage).distinct()
                    .reduce((a, b) -> a + "; " + b).orElse(execution.getExitStatus().getExitDescription());
            System.err.printf("Run %d ended %s: %s%nFinish it with: nightbench restart %d%n", r.runId(), status, why,
                    r.runId());
            return Cli.JOB_FAILED;
        }
        out.println("Report: " + reportDir(r));
        if (failOnRegression && reports.hasRegressions(r.runId())) {
            System.err.printf("Run %d regressed against its baseline (see the report; SQL: SELECT * FROM run_regressions "
                    + "WHERE run_id = %d).%n", r.runId(), r.runId());
            return Cli.REGRESSION;
        }
        return r.failedModels() > 0 ? Cli.MODEL_FAILED : Cli.OK;
    }

    private Path reportDir(RunStore.RunSummary r) {
        return reportsDir.resolve(r.runDate() + "_" + r.runId());
    }

    int runs(int limit) {
        return ReadCommands.runs(runs, limit, out);
    }

    int report(Long runId) {
        return ReadCommands.report(runs, reports, runId, out, System.err);
    }

    int serve() {
        return scheduler.serveUntilStopped((plan, label) -> run(plan, null, label, false, false));
    }
}
