package dev.nightbench.run;

import dev.nightbench.plan.Plan;
import dev.nightbench.store.RunStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Starts and restarts the nightly job: builds a run's {@link JobParams} and asks Spring Batch's {@link JobOperator}.
 * The command line ({@code run}, {@code restart}) and {@link Scheduler} ({@code serve}) both launch through it, so
 * the scheduler starts its runs itself instead of calling back into the command line. It says nothing: each
 * {@link Launch} tells the caller what happened, and the caller decides what to print.
 */
@Component
public class RunLauncher {

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final Job job;
    private final UnfinishedRuns unfinishedRuns;
    private final RunStore runs;
    private final Clock clock;

    public RunLauncher(JobOperator jobOperator, JobRepository jobRepository, Job nightlyBenchmarkJob,
                       UnfinishedRuns unfinishedRuns, RunStore runs, Clock clock) {
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.job = nightlyBenchmarkJob;
        this.unfinishedRuns = unfinishedRuns;
        this.runs = runs;
        this.clock = clock;
    }

    /** How an attempt to start or restart the job ended. */
    public sealed interface Launch {

        /** The job ran and ended (completed, failed or stopped). */
        record Ran(JobExecution execution) implements Launch {
        }

        /** The job could not run, or could not record its end (e.g. the database went away). */
        record NotRun(Exception cause) implements Launch {
        }

        /**
         * The plan and run date already have a job instance, which Spring Batch 6 refuses to start again.
         *
         * @param params the refused parameters
         * @param last   the instance's last execution (null when it cannot be found)
         * @param runId  its run, when it was registered
         * @param dead   its night when that did not complete and the process running it is gone, so it can be
         *               recovered and finished instead
         */
        record Exists(JobParams params, JobExecution last, Long runId, Optional<UnfinishedRuns.Night> dead)
                implements Launch {
        }
    }

    /**
     * A run's parameters. Without a run date the run is ad hoc: dated today and keyed by the launch instant, so it
     * always starts a new run; with one, the plan runs once per date.
     */
    public JobParams params(Plan plan, LocalDate runDate, String label, boolean failOnModelFailure) {
        return params(plan, runDate, label, failOnModelFailure, null);
    }

    /** @param workers {@code run --workers N} ({@link JobParams#workers()}), null for the plan's own {@code scale:} */
    public JobParams params(Plan plan, LocalDate runDate, String label, boolean failOnModelFailure, Integer workers) {
        boolean adHoc = runDate == null;
        LocalDate date = adHoc ? LocalDate.now(clock.withZone(ZoneId.systemDefault())) : runDate;
        return new JobParams(plan.name(), plan.source(), plan.hash(), date, adHoc ? clock.instant().toString() : null,
                label, failOnModelFailure, workers);
    }

    /** Starts a new job instance and runs it to its end. */
    public Launch start(JobParams params) {
        try {
            return new Launch.Ran(jobOperator.start(job, params.toJobParameters()));
        } catch (JobExecutionAlreadyRunningException | JobInstanceAlreadyCompleteException e) {
            return existing(params);
        } catch (Exception e) {
            return new Launch.NotRun(e);
        }
    }

    /** Restarts a night from its failed or stopped last execution: the pairs not yet committed are run. */
    public Launch restart(JobExecution last) {
        try {
            return new Launch.Ran(jobOperator.restart(last));
        } catch (Exception e) {
            return new Launch.NotRun(e);
        }
    }

    private Launch.Exists existing(JobParams params) {
        JobInstance instance = jobRepository.getJobInstance(job.getName(), params.toJobParameters());
        Optional<UnfinishedRuns.Night> dead = instance == null ? Optional.empty()
                : unfinishedRuns.ofJobInstance(instance.getInstanceId()).filter(n -> !unfinishedRuns.runningElsewhere(n));
        if (dead.isPresent()) {
            return new Launch.Exists(params, dead.get().last(), dead.get().runId(), dead);
        }
        JobExecution last = instance == null ? null : jobRepository.getLastJobExecution(instance);
        Long runId = instance == null ? null : runs.runIdForJobInstance(instance.getInstanceId()).orElse(null);
        return new Launch.Exists(params, last, runId, Optional.empty());
    }
}
