package dev.nightbench.run;

import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.step.StepExecution;

import java.util.Collection;

/** Sends the measure partitions to worker processes and waits for them; a bean only when a broker is configured. */
interface RemotePartitions {

    Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution managerStepExecution, int workers)
            throws Exception;
}
