package dev.nightbench.run;

import dev.nightbench.measure.Cell;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.measure.CellPlanner;
import dev.nightbench.store.RequestStore;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The readers, processors, writers and listeners of the two cell steps, warm-up and measure, as named
 * {@code @StepScope} beans: each step execution gets its own, built from the run's session, and nothing of one
 * execution leaks into the next. Each processor and writer is one call into {@link RunSteps}; the processor puts
 * the cell's model in the log context ({@link RunMdc}) while it runs the cell.
 */
@Configuration(proxyBeanMethods = false)
class CellStepsConfiguration {

    // ---- warm-up: one cell per model; the writer stores its rows and the model's cold start

    @Bean
    @StepScope
    CellReader warmUpCellReader(RunSession session) {
        return new CellReader("warmUpCells", CellPlanner.warmupCells(session.plan()));
    }

    @Bean
    @StepScope
    ItemProcessor<Cell, RunSteps.WarmUp> warmUpProcessor(RunSteps steps, RunSession session) {
        return cell -> {
            try (var model = RunMdc.model(cell.modelAlias())) {
                return steps.warmUp(session, cell);
            }
        };
    }

    @Bean
    @StepScope
    ItemWriter<RunSteps.WarmUp> warmUpWriter(RunSteps steps, RunSession session) {
        return chunk -> steps.writeWarmUps(session, chunk.getItems());
    }

    /** With {@code run.warmup: 0} the reader has no cells: each model gets the note instead, as the step starts. */
    @Bean
    StepExecutionListener warmUpNotPlanned(RunSteps steps, RunSession session) {
        return new StepExecutionListener() {
            @Override
            public void beforeStep(StepExecution stepExecution) {
                steps.noWarmUpPlanned(session);
            }
        };
    }

    // ---- measure: every latency and load cell, then its rows (and load phase) in the chunk's transaction

    @Bean
    @StepScope
    CellReader measureCellReader(RunSession session) {
        return new CellReader("cells", CellPlanner.measureCells(session.plan()));
    }

    @Bean
    @StepScope
    ItemProcessor<Cell, CellResult> measureProcessor(RunSteps steps, RunSession session) {
        return cell -> {
            try (var model = RunMdc.model(cell.modelAlias())) {
                return steps.measure(session, cell);
            }
        };
    }

    @Bean
    @StepScope
    ItemWriter<CellResult> measureWriter(RunSteps steps, RunSession session) {
        return chunk -> steps.write(session, chunk.getItems());
    }

    @Bean
    @StepScope
    MeasureProgress measureProgress(CellReader measureCellReader, RequestStore requests,
                                    @Value("#{jobExecutionContext['" + RunContext.RUN_ID + "']}") long runId) {
        return new MeasureProgress(measureCellReader, requests, runId);
    }
}
