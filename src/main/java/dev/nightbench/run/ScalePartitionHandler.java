package dev.nightbench.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * Hands the measure partitions to whoever runs them, decided when the manager step runs (the plan is known only
 * then): worker processes over the broker when one is configured ({@link RemotePartitions}), else threads of this
 * process, at most {@code scale.workers} at once ({@link TaskExecutorPartitionHandler}).
 */
final class ScalePartitionHandler implements PartitionHandler {

    private static final Logger log = LoggerFactory.getLogger(ScalePartitionHandler.class);

    private final Step workerStep;
    private final Supplier<Integer> workers;
    private final RemotePartitions remote;

    /** @param remote null when no broker is configured */
    ScalePartitionHandler(Step workerStep, Supplier<Integer> workers, RemotePartitions remote) {
        this.workerStep = workerStep;
        this.workers = workers;
        this.remote = remote;
    }

    @Override
    public Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution managerStepExecution)
            throws Exception {
        int n = workers.get();
        if (remote != null) {
            log.info("Measure partitions go to worker processes over the broker ({} workers planned)", n);
            return remote.handle(splitter, managerStepExecution, n);
        }
        log.info("Measure partitions run in this process, at most {} at once (no broker configured)", n);
        SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor("measure-partition-");
        threads.setConcurrencyLimit(n);
        TaskExecutorPartitionHandler local = new TaskExecutorPartitionHandler();
        local.setStep(workerStep);
        local.setTaskExecutor(threads);
        local.setGridSize(n);
        local.afterPropertiesSet();
        return local.handle(splitter, managerStepExecution);
    }
}
