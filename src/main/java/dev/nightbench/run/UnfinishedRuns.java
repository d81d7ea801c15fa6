package dev.nightbench.run;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Finds the nights a {@code restart} (or a new {@code run} of the same plan and date) continues, from Spring
 * Batch's own job instances rather than from the {@code runs} table: a process killed after the job started but
 * before its run was registered leaves a job instance without a runs row, and that night must be recoverable
 * too. A night is unfinished when the last execution of its job instance did not complete; one left running
 * whose advisory lock ({@link RunLocks}) is free belongs to a process that is gone and is recovered first.
 */
@Component
public class UnfinishedRuns {

    /** How many unfinished nights a restart without a run id looks through, newest first. */
    private static final int CANDIDATES = 50;

    private final JdbcClient jdbc;
    private final JobRepository jobRepository;
    private final JobOperator jobOperator;
    private final RunLocks locks;

    UnfinishedRuns(JdbcClient jdbc, JobRepository jobRepository, JobOperator jobOperator, RunLocks locks) {
        this.jdbc = jdbc;
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
        this.locks = locks;
    }

    /**
     * One night: its job instance, its run id when it was registered, and its last job execution.
     *
     * @param runId null when the process died before the runs row was committed
     */
    public record Night(long jobInstanceId, Long runId, String planName, LocalDate runDate, JobExecution last) {

        /** "run 7", or "plan 'nightly' for 2026-11-21 (never registered)". */
        public String describe() {
            return runId != null ? "run " + runId
                    : "plan '" + planName + "' for " + runDate + " (job instance " + jobInstanceId + ", never registered)";
        }

        /** What to type to continue it. */
        public String restartCommand() {
            return runId != null ? "nightbench restart " + runId : "nightbench restart";
        }

        public boolean running() {
            return last.getStatus().isRunning();
        }
    }

    /**
     * The newest unfinished night that no live process is running (or, when every unfinished night is running
     * somewhere, the newest of those, so the caller can say so).
     */
    public Optional<Night> newest() {
        List<Long> instances = jdbc.sql("""
                        SELECT e.JOB_INSTANCE_ID FROM BATCH_JOB_EXECUTION e
                        JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID AND i.JOB_NAME = ?
                        WHERE e.JOB_EXECUTION_ID = (SELECT max(x.JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION x
                                                    WHERE x.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID)
                          AND e.STATUS NOT IN ('COMPLETED', 'ABANDONED')
                        ORDER BY e.JOB_EXECUTION_ID DESC LIMIT ?""")
                .params(NightlyBenchmarkJobConfiguration.JOB_NAME, CANDIDATES).query(Long.class).list();
        List<Night> nights = instances.stream().map(this::ofJobInstance).flatMap(Optional::stream).toList();
        return nights.stream().filter(n -> !runningElsewhere(n)).findFirst().or(() -> nights.stream().findFirst());
    }

    /** The night of a job instance, when its last execution did not complete. */
    public Optional<Night> ofJobInstance(long jobInstanceId) {
        JobInstance instance = jobRepository.getJobInstance(jobInstanceId);
        JobExecution last = instance == null ? null : jobRepository.getLastJobExecution(instance);
        if (last == null || last.getStatus() == BatchStatus.COMPLETED
                || last.getStatus() == BatchStatus.ABANDONED) {
            return Optional.empty();
        }
        JobParams params = JobParams.from(last.getJobParameters());
        Long runId = jdbc.sql("SELECT run_id FROM runs WHERE job_instance_id = ?").param(jobInstanceId)
                .query(Long.class).optional().orElse(null);
        return Optional.of(new Night(jobInstanceId, runId, params.planName(), params.runDate(), last));
    }

    /**
     * True when the night's last execution is running in a live process (this one included), or a live worker
     * process still runs one of its partitions (its manager died, or gave up waiting for it): sending that partition
     * to another worker now would measure its endpoint twice at once.
     */
    public boolean runningElsewhere(Night night) {
        return night.running() && locks.heldElsewhere(night.jobInstanceId())
                || locks.partitionsAtWork(night.jobInstanceId());
    }

    /**
     * Marks the dead execution of a night FAILED (its running steps too) so that it can be restarted. Spring
     * Batch leaves a marker in the execution context of a recovered execution, and a restart copies that context:
     * the marker is removed first, or an execution that died twice could never be recovered again.
     */
    public JobExecution recover(Night night) {
        JobExecution last = night.last();
        last.getExecutionContext().remove(RECOVERED_MARKER);
        last.getStepExecutions().forEach(s -> s.getExecutionContext().remove(RECOVERED_MARKER));
        return jobOperator.recover(last);
    }

    /** The key {@code SimpleJobOperator.recover} puts in the execution context of what it recovered. */
    private static final String RECOVERED_MARKER = "batch.recovered";
}
