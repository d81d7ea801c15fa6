package dev.nightbench.run;

import dev.nightbench.alert.Alerts;
import dev.nightbench.store.RunStatus;
import dev.nightbench.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Around the job (or a restart of it): takes the run's lock, opens the run's session before the first step (so a
 * restart refuses a changed plan at once) and restores what earlier executions learned; after the job, records
 * the outcome on the runs row and, for a FAILED run, sends its alerts ({@link Alerts}; a completed run's are sent by
 * the job's notify step). The run id comes from the job execution context ({@link RunContext}); the session
 * is closed by the job scope, after this listener. The run id sits in the log context (MDC) for the job's duration.
 */
@Component
class RunListener implements JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(RunListener.class);

    private final RunSession session;
    private final RunStore runs;
    private final RunSteps steps;
    private final RunLocks locks;
    private final GracefulStop gracefulStop;
    private final Clock clock;
    private final Alerts alerts;

    /** @param session the job-scoped session (a proxy resolving to the current job execution's) */
    RunListener(RunSession session, RunStore runs, RunSteps steps, RunLocks locks, GracefulStop gracefulStop,
                Clock clock, Alerts alerts) {
        this.alerts = alerts;
        this.gracefulStop = gracefulStop;
        this.session = session;
        this.runs = runs;
        this.steps = steps;
        this.locks = locks;
        this.clock = clock;
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        RunMdc.jobExecution(jobExecution.getId());
        if (!locks.acquire(jobExecution.getJobInstanceId())) {
            throw new IllegalStateException("another Nightbench process is running this run (job instance "
                    + jobExecution.getJobInstanceId() + ")");
        }
        gracefulStop.started(jobExecution.getId());
        Optional<Long> registered = registeredRunId(jobExecution);
        session.plan(); // opens the session: reads and checks the plan, builds the clients
        registered.ifPresent(runId -> {
            RunMdc.run(runId);
            steps.restoreModelStates(session);
            log.info("Restarting run {} (job execution {})", runId, jobExecution.getId());
        });
    }

    /**
     * The run id a restart continues, from the job execution context (copied from the execution it restarts). A run
     * registered by an earlier Nightbench, which did not keep it there, is looked up once by its job instance and
     * kept in the context from then on.
     */
    private Optional<Long> registeredRunId(JobExecution jobExecution) {
        Optional<Long> runId = RunContext.runId(jobExecution.getExecutionContext());
        if (runId.isPresent()) {
            return runId;
        }
        runId = runs.runIdForJobInstance(jobExecution.getJobInstanceId());
        runId.ifPresent(id -> jobExecution.getExecutionContext().putLong(RunContext.RUN_ID, id));
        return runId;
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        try {
            RunContext.runId(jobExecution.getExecutionContext()).ifPresent(runId -> {
                failOnModelFailures(jobExecution, runId);
                String message = jobExecution.getAllFailureExceptions().stream()
                        .map(RunListener::describe).distinct().collect(Collectors.joining("; "));
                runs.finish(runId, RunStatus.from(jobExecution.getStatus().name()), message.isEmpty() ? null : message,
                        clock.instant());
                try {
                    steps.refreshResults(runId);
                } catch (RuntimeException e) { // the run is recorded; its report directory keeps the earlier file
                    log.warn("Could not rewrite results.json of run {} with its final status: {}", runId, e.toString());
                }
                if (jobExecution.getStatus() == BatchStatus.FAILED) {
                    alerts.afterFailedRun(runId, planIfReadable(), message.isEmpty() ? null : message,
                            RunContext.reportDir(jobExecution.getExecutionContext()));
                }
            });
        } finally {
            locks.release(jobExecution.getJobInstanceId());
            gracefulStop.ended(jobExecution.getId());
            RunMdc.clear();
        }
    }

    /** The run's plan for its alert targets, or null when the run failed because it could not be read. */
    private dev.nightbench.plan.Plan planIfReadable() {
        try {
            return session.plan();
        } catch (RuntimeException e) {
            log.warn("Alerting with the global targets only: the plan could not be read ({})", e.toString());
            return null;
        }
    }

    /** With --fail-on-model-failure, a completed run with a failed or unavailable model ends FAILED. */
    private void failOnModelFailures(JobExecution jobExecution, long runId) {
        if (jobExecution.getStatus() != BatchStatus.COMPLETED
                || !JobParams.from(jobExecution.getJobParameters()).failOnModelFailure()) {
            return;
        }
        String failed = runs.models(runId).stream()
                .filter(m -> m.availability().isFailure())
                .map(m -> m.modelAlias() + " (" + m.availability() + ": " + m.failureReason() + ")")
                .collect(Collectors.joining(", "));
        if (!failed.isEmpty()) {
            jobExecution.setStatus(BatchStatus.FAILED);
            jobExecution.setExitStatus(ExitStatus.FAILED.addExitDescription("models failed: " + failed));
            jobExecution.addFailureException(new IllegalStateException("models failed (--fail-on-model-failure): " + failed));
        }
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == t ? m : t.getClass().getSimpleName() + ": " + m;
    }
}
