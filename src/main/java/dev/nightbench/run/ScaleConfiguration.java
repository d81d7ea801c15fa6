package dev.nightbench.run;

import dev.nightbench.measure.Cell;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.measure.CellPlanner;
import dev.nightbench.store.RequestStore;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

import java.nio.file.Path;

/**
 * The partitioned measure step, used when the plan has a {@code scale:} section ({@link #measureMode}): a manager
 * step ({@code measurePartitioned}) splits the measure cells with {@link MeasurePartitioner} and hands the
 * partitions to {@link ScalePartitionHandler}; each partition runs the worker step ({@code measurePartition}), a
 * plain chunk step of one cell per chunk like {@code measure}, with its own reader position, so a restart re-runs
 * only unfinished partitions from their first uncommitted cell. The worker step's beans are step-scoped and build
 * their own {@link PartitionSession}: a worker thread or process has no job scope.
 */
@Configuration(proxyBeanMethods = false)
class ScaleConfiguration {

    static final String PARTITIONED = "PARTITIONED";
    static final String SERIAL = "SERIAL";
    static final String WORKER_STEP = "measurePartition";

    /** Chooses between the single measure step (no {@code scale:}) and the partitioned one. */
    @Bean
    JobExecutionDecider measureMode(RunSession session) {
        return (jobExecution, stepExecution) -> new FlowExecutionStatus(
                session.plan().scale().partitioned() ? PARTITIONED : SERIAL);
    }

    @Bean
    Step measurePartitioned(JobRepository jobRepository, RunSession session, RunSteps steps, Step measurePartition,
                            ObjectProvider<RemotePartitions> remote, CrashPoints crashPoints) {
        return new StepBuilder("measurePartitioned", jobRepository)
                .partitioner(WORKER_STEP, gridSize -> {
                    steps.markFailedModels(session); // breakers opened at warm-up, stored for the partitions to see
                    return new MeasurePartitioner(session.plan(), CellPlanner.measureCells(session.plan()))
                            .partition(gridSize);
                })
                .partitionHandler(new ScalePartitionHandler(measurePartition, () -> session.plan().scale().workers(),
                        remote.getIfAvailable()))
                .listener(crashPoints)
                .build();
    }

    @Bean
    Step measurePartition(JobRepository jobRepository, PlatformTransactionManager tm, CellReader partitionCellReader,
                          ItemProcessor<Cell, CellResult> partitionProcessor, ItemWriter<CellResult> partitionWriter,
                          StepExecutionListener partitionBreakers, MeasureProgress partitionProgress,
                          CrashPoints crashPoints) {
        return new StepBuilder(WORKER_STEP, jobRepository)
                .<Cell, CellResult>chunk(1)
                .transactionManager(tm)
                .reader(partitionCellReader)
                .processor(partitionProcessor)
                .writer(partitionWriter)
                .listener(partitionBreakers)
                .listener(partitionProgress)
                .listener(crashPoints)
                .build();
    }

    /**
     * The partition's session, from its job execution: the plan path, the registered hash and run id; it starts with
     * what the run learned so far (models unavailable or failed, broken sweep levels), as a restarted run does.
     */
    @Bean
    @StepScope
    PartitionSession partitionSession(RunSessionFactory factory, RunSteps steps,
                                      @Value("#{jobParameters['" + JobParams.PLAN_PATH + "']}") String planPath,
                                      @Value("#{jobExecutionContext['" + RunContext.PLAN_HASH + "']}") String planHash,
                                      @Value("#{stepExecution.jobExecution.executionContext}") ExecutionContext jobContext) {
        RunSession session = factory.open(Path.of(planPath), planHash, jobContext);
        steps.restoreModelStates(session);
        return new PartitionSession(session);
    }

    @Bean
    @StepScope
    CellReader partitionCellReader(PartitionSession partition,
                                   @Value("#{stepExecutionContext['" + MeasurePartitioner.CELLS + "']}") String cells) {
        return new CellReader("cells", MeasurePartitioner.cellsOf(CellPlanner.measureCells(partition.session().plan()),
                cells));
    }

    @Bean
    @StepScope
    ItemProcessor<Cell, CellResult> partitionProcessor(RunSteps steps, PartitionSession partition) {
        return cell -> {
            try (var model = RunMdc.model(cell.modelAlias())) {
                return steps.measure(partition.session(), cell);
            }
        };
    }

    @Bean
    @StepScope
    ItemWriter<CellResult> partitionWriter(RunSteps steps, PartitionSession partition) {
        return chunk -> steps.write(partition.session(), chunk.getItems());
    }

    /** A breaker opened in a partition marks its model FAILED there: the aggregate step cannot see its breakers. */
    @Bean
    @StepScope
    StepExecutionListener partitionBreakers(RunSteps steps, PartitionSession partition) {
        return new StepExecutionListener() {
            @Override
            public ExitStatus afterStep(StepExecution stepExecution) {
                steps.markFailedModels(partition.session());
                return null;
            }
        };
    }

    @Bean
    @StepScope
    MeasureProgress partitionProgress(CellReader partitionCellReader, RequestStore requests,
                                      @Value("#{jobExecutionContext['" + RunContext.RUN_ID + "']}") long runId) {
        return new MeasureProgress(partitionCellReader, requests, runId);
    }
}
