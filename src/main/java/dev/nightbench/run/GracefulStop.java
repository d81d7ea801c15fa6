package dev.nightbench.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SIGTERM or Ctrl-C stops running jobs gracefully: the measure step finishes the cell in flight, commits
 * it and ends STOPPED, so {@code restart} continues from there. From the first stop on, the process is
 * {@link #stopping() stopping}: {@code serve} starts no further run and returns once the running one has ended.
 */
@Component
public class GracefulStop {

    private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);

    private final JobOperator jobOperator;
    private final Set<Long> active = ConcurrentHashMap.newKeySet();
    private final List<Runnable> onStop = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;

    GracefulStop(@Lazy JobOperator jobOperator) {
        this.jobOperator = jobOperator;
    }

    void started(long jobExecutionId) {
        active.add(jobExecutionId);
    }

    void ended(long jobExecutionId) {
        synchronized (active) {
            active.remove(jobExecutionId);
            active.notifyAll();
        }
    }

    /** Whether the process has been asked to stop: no new run may start. */
    public boolean stopping() {
        return stopping;
    }

    /** {@code action} runs once, when the process is first asked to stop (before running jobs are stopped). */
    public void onStop(Runnable action) {
        onStop.add(action);
        if (stopping) {
            action.run();
        }
    }

    /**
     * Marks the process stopping, asks every running job of this process to stop and waits for them, at most
     * {@code timeout}.
     *
     * @return whether a job was running
     */
    public boolean stopAndWait(Duration timeout) {
        if (!stopping) {
            stopping = true;
            onStop.forEach(Runnable::run);
        }
        if (active.isEmpty()) {
            return false;
        }
        log.warn("Stopping: the measure step finishes its current cell, then the run ends STOPPED (restartable)");
        for (Long id : active) {
            try {
                jobOperator.stop(id);
            } catch (Exception e) {
                log.warn("Could not stop job execution {}: {}", id, e.getMessage());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (active) {
            while (!active.isEmpty()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    log.warn("Jobs still running after {}s; exiting, 'nightbench restart' will recover them",
                            timeout.toSeconds());
                    return true;
                }
                try {
                    active.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }
        }
        return true;
    }
}
