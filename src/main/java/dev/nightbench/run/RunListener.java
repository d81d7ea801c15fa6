package dev.nightbench.run;

import dev.nightbench.store.RunStatus;
import dev.nightbench.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.stream.Collectors;

/**
 * Opens the run's session before the job (or a restart of it) and, after it, records the outcome on the
 * runs row and closes the session. The run id sits in the log context (MDC) for the job's duration.
 */
@Component
class RunListener implements JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(RunListener.class);

    private final RunSessions sessions;
    private final RunStore runs;
    private final RunSteps steps;
    private final RunLocks locks;
    private final GracefulStop gracefulStop;
    private final Clock clock;

    RunListener(RunSessions sessions, RunStore runs, RunSteps steps, RunLocks locks, GracefulStop gracefulStop,
                Clock clock) {
        this.gracefulStop = gracefulStop;
        this.sessions = sessions;
        this.runs = runs;
        this.steps = steps;
        this.locks = locks;
        this.clock = clock;
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        MDC.put("job", String.valueOf(jobExecution.getId()));
        if (!locks.acquire(jobExecution.getJobInstanceId())) {
            throw new IllegalStateException("another Nightbench process is running this run (job instance "
                    + jobExecution.getJobInstanceId() + ")");
        }
        gracefulStop.started(jobExecution.getId());
        RunSession session = sessions.open(jobExecution.getId(), JobParams.from(jobExecution.getJobParameters()));
        runs.runIdForJobInstance(jobExecution.getJobInstanceId()).ifPresent(runId -> {
            session.runId(runId);
            MDC.put("run", String.valueOf(runId));
            steps.restoreModelStates(session);
            log.info("Restarting run {} (job execution {})", runId, jobExecution.getId());
        });
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        try {
            runs.runIdForJobInstance(jobExecution.getJobInstanceId()).ifPresent(runId -> {
                failOnModelFailures(jobExecution, runId);
                String message = jobExecution.getAllFailureExceptions().stream()
                        .map(RunListener::describe).distinct().collect(Collectors.joining("; "));
                runs.finish(runId, RunStatus.from(jobExecution.getStatus().name()), message.isEmpty() ? null : message,
                        clock.instant());
            });
        } finally {
            sessions.close(jobExecution.getId());
            locks.release(jobExecution.getJobInstanceId());
            gracefulStop.ended(jobExecution.getId());
            MDC.remove("job");
            MDC.remove("run");
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
