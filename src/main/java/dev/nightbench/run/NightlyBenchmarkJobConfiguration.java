package dev.nightbench.run;

import dev.nightbench.client.RequestStatus;
import dev.nightbench.measure.Cell;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.measure.CellPlanner;
import dev.nightbench.store.RequestStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The nightly benchmark job, assembled from builders only; each step's work is a call into
 * {@link RunSteps}. The measure step is a plain (not fault-tolerant) chunk step of one cell per chunk:
 * Spring Batch never scans or re-processes a chunk after a write fault, so no model request is sent twice,
 * and a restart resumes at the first cell not committed.
 */
@Configuration(proxyBeanMethods = false)
class NightlyBenchmarkJobConfiguration {

    static final String JOB_NAME = "nightlyBenchmarkJob";

    @Bean
    Job nightlyBenchmarkJob(JobRepository jobRepository, RunListener runListener, Step registerRun,
                            Step probeEndpoints, Step warmUp, Step measure, Step aggregate, Step report) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener(runListener)
                .start(registerRun)
                .next(probeEndpoints)
                .next(warmUp)
                .next(measure)
                .next(aggregate)
                .next(report)
                .build();
    }

    @Bean
    Step registerRun(JobRepository jobRepository, PlatformTransactionManager tm, RunSteps steps, RunSessions sessions) {
        return new StepBuilder("registerRun", jobRepository).tasklet((contribution, context) -> {
            var jobExecution = context.getStepContext().getStepExecution().getJobExecution();
            steps.register(sessions.get(jobExecution.getId()), jobExecution.getJobInstanceId(),
                    JobParams.from(jobExecution.getJobParameters()));
            return RepeatStatus.FINISHED;
        }, tm).listener(new CrashPoints()).build();
    }

    @Bean
    Step probeEndpoints(JobRepository jobRepository, PlatformTransactionManager tm, RunSteps steps, RunSessions sessions) {
        return new StepBuilder("probeEndpoints", jobRepository).tasklet((contribution, context) -> {
            steps.probe(sessions.get(currentJobExecutionId()));
            return RepeatStatus.FINISHED;
        }, tm).listener(new CrashPoints()).build();
    }

    @Bean
    Step warmUp(JobRepository jobRepository, PlatformTransactionManager tm, RunSteps steps, RunSessions sessions) {
        // One warm-up cell per transaction: CONTINUABLE until every available model is warm.
        return new StepBuilder("warmUp", jobRepository).tasklet((contribution, context) ->
                steps.warmUpNext(sessions.get(currentJobExecutionId())) ? RepeatStatus.CONTINUABLE : RepeatStatus.FINISHED,
                tm).listener(new CrashPoints()).build();
    }

    @Bean
    Step measure(JobRepository jobRepository, PlatformTransactionManager tm, RunSteps steps, RunSessions sessions,
                 RequestStore requests) {
        CellReader reader = new CellReader(() -> CellPlanner.measureCells(sessions.get(currentJobExecutionId()).plan()));
        Progress[] progress = new Progress[1];
        long[] failures = new long[1];
        long[] skipped = new long[1];
        ChunkListener<Cell, CellResult> progressListener = new ChunkListener<>() {
            @Override
            public void afterChunk(Chunk<CellResult> chunk) {
                if (progress[0] == null) {
                    // once per execution: failures an earlier execution of this run already stored
                    RunSession session = sessions.get(currentJobExecutionId());
                    progress[0] = new Progress(System.console() != null, System.out, reader.position() - chunk.size());
                    failures[0] = requests.statusCounts(session.runId()).stream()
                            .filter(c -> isFailure(c.status())).mapToLong(RequestStore.StatusCount::n).sum();
                    skipped[0] = requests.statusCounts(session.runId()).stream()
                            .filter(c -> c.status() == RequestStatus.SKIPPED).mapToLong(RequestStore.StatusCount::n).sum();
                } else {
                    // then counted from the chunk itself: no query between cells
                    failures[0] += chunk.getItems().stream().flatMap(r -> r.attempts().stream())
                            .filter(a -> a.isFinal() && isFailure(a.measurement().status())).count();
                    skipped[0] += chunk.getItems().stream().flatMap(r -> r.attempts().stream())
                            .filter(a -> a.isFinal() && a.measurement().status() == RequestStatus.SKIPPED).count();
                }
                progress[0].update(reader.position(), reader.total(), failures[0], skipped[0]);
            }
        };
        return new StepBuilder("measure", jobRepository)
                .<Cell, CellResult>chunk(1)
                .transactionManager(tm)
                .reader(reader)
                .processor(cell -> steps.measure(sessions.get(currentJobExecutionId()), cell))
                .writer(chunk -> steps.write(sessions.get(currentJobExecutionId()), chunk.getItems()))
                .listener(progressListener)
                .listener(new CrashPoints())
                .build();
    }

    @Bean
    Step aggregate(JobRepository jobRepository, PlatformTransactionManager tm, RunSteps steps, RunSessions sessions) {
        return new StepBuilder("aggregate", jobRepository).tasklet((contribution, context) -> {
            RunSession session = sessions.get(currentJobExecutionId());
            steps.markFailedModels(session);
            steps.aggregate(session.runId());
            return RepeatStatus.FINISHED;
        }, tm).listener(new CrashPoints()).build();
    }

    @Bean
    Step report(JobRepository jobRepository, PlatformTransactionManager tm, RunSteps steps, RunSessions sessions) {
        return new StepBuilder("report", jobRepository).tasklet((contribution, context) -> {
            steps.report(sessions.get(currentJobExecutionId()).runId());
            return RepeatStatus.FINISHED;
        }, tm).listener(new CrashPoints()).build();
    }

    private static boolean isFailure(RequestStatus status) {
        return status.isFailure();
    }

    private static long currentJobExecutionId() {
        var context = StepSynchronizationManager.getContext();
        if (context == null) {
            throw new IllegalStateException("not inside a step");
        }
        return context.getStepExecution().getJobExecutionId();
    }
}
