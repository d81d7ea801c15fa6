package dev.nightbench.run;

import dev.nightbench.alert.Alerts;
import dev.nightbench.measure.Cell;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.store.JudgeStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The nightly benchmark job, assembled from builders only; each step's work is a call into {@link RunSteps}, with
 * the run's {@link RunSession} (a job-scoped proxy) and, for the cell steps, the step-scoped readers, processors,
 * writers and listeners of {@link CellStepsConfiguration}. Warm-up and measure are plain (not fault-tolerant)
 * chunk steps of one cell per chunk: Spring Batch never scans or re-processes a chunk after a write fault, so no
 * model request is sent twice, and a restart resumes at the first cell not committed.
 */
@Configuration(proxyBeanMethods = false)
class NightlyBenchmarkJobConfiguration {

    static final String JOB_NAME = "nightlyBenchmarkJob";

    @Bean
    Job nightlyBenchmarkJob(JobRepository jobRepository, RunListener runListener, Step registerRun,
                            Step probeEndpoints, Step warmUp, Step measure, Step aggregate, Step judge, Step report,
                            Step notify, JobExecutionDecider measureMode, Step measurePartitioned) {
        // measure is one step, or, with the plan's scale: section, partitioned over threads or workers (ScaleConfiguration)
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener(runListener)
                .start(registerRun)
                .next(probeEndpoints)
                .next(warmUp)
                .next(measureMode)
                .on(ScaleConfiguration.PARTITIONED).to(measurePartitioned).next(aggregate).next(judge).next(report)
                .next(notify)
                .from(measureMode).on("*").to(measure).next(aggregate)
                .end()
                .build();
    }

    /** The runs row, and the run id in the job execution context, committed in one transaction. */
    @Bean
    Step registerRun(JobRepository jobRepository, PlatformTransactionManager tm, RunSteps steps, RunSession session,
                     CrashPoints crashPoints) {
        return new StepBuilder("registerRun", jobRepository).tasklet((contribution, context) -> {
            JobExecution jobExecution = context.getStepContext().getStepExecution().getJobExecution();
            steps.register(session, jobExecution.getJobInstanceId(), JobParams.from(jobExecution.getJobParameters()));
            jobRepository.updateExecutionContext(jobExecution);
            return RepeatStatus.FINISHED;
        }, tm).listener(crashPoints).build();
    }

    @Bean
    Step probeEndpoints(JobRepository jobRepository, PlatformTransactionManager tm, RunSteps steps, RunSession session,
                        CrashPoints crashPoints) {
        return new StepBuilder("probeEndpoints", jobRepository).tasklet((contribution, context) -> {
            steps.probe(session);
            return RepeatStatus.FINISHED;
        }, tm).listener(crashPoints).build();
    }

    @Bean
    Step warmUp(JobRepository jobRepository, PlatformTransactionManager tm, CellReader warmUpCellReader,
                ItemProcessor<Cell, RunSteps.WarmUp> warmUpProcessor, ItemWriter<RunSteps.WarmUp> warmUpWriter,
                StepExecutionListener warmUpNotPlanned, CrashPoints crashPoints, TelemetryListener telemetryListener) {
        return new StepBuilder("warmUp", jobRepository)
                .<Cell, RunSteps.WarmUp>chunk(1)
                .transactionManager(tm)
                .reader(warmUpCellReader)
                .processor(warmUpProcessor)
                .writer(warmUpWriter)
                .listener(warmUpNotPlanned)
                .listener(telemetryListener)
                .listener(crashPoints)
                .build();
    }

    @Bean
    Step measure(JobRepository jobRepository, PlatformTransactionManager tm, CellReader measureCellReader,
                 ItemProcessor<Cell, CellResult> measureProcessor, ItemWriter<CellResult> measureWriter,
                 MeasureProgress measureProgress, CrashPoints crashPoints, TelemetryListener telemetryListener) {
        return new StepBuilder("measure", jobRepository)
                .<Cell, CellResult>chunk(1)
                .transactionManager(tm)
                .reader(measureCellReader)
                .processor(measureProcessor)
                .writer(measureWriter)
                .listener(measureProgress)
                .listener(telemetryListener)
                .listener(crashPoints)
                .build();
    }

    @Bean
    Step aggregate(JobRepository jobRepository, PlatformTransactionManager tm, RunSteps steps, RunSession session,
                   CrashPoints crashPoints) {
        return new StepBuilder("aggregate", jobRepository).tasklet((contribution, context) -> {
            steps.markFailedModels(session);
            steps.aggregate(session.runId());
            return RepeatStatus.FINISHED;
        }, tm).listener(crashPoints).build();
    }

    /**
     * The judge's verdicts on the measured answers ({@link JudgeStep}), one answer per chunk: a kill loses at most
     * the judge call in flight, and a restart asks only about answers without a committed verdict. A plain chunk
     * step, like measure, so no judge call is repeated by a retry of the chunk; reads nothing without a judge.
     */
    @Bean
    Step judge(JobRepository jobRepository, PlatformTransactionManager tm, JudgeReader judgeReader,
               ItemProcessor<JudgeStore.Pending, JudgeStore.VerdictRow> judgeProcessor,
               ItemWriter<JudgeStore.VerdictRow> judgeWriter, StepExecutionListener judgeSummary,
               CrashPoints crashPoints) {
        return new StepBuilder("judge", jobRepository)
                .<JudgeStore.Pending, JudgeStore.VerdictRow>chunk(1)
                .transactionManager(tm)
                .reader(judgeReader)
                .processor(judgeProcessor)
                .writer(judgeWriter)
                .listener(judgeSummary)
                .listener(crashPoints)
                .build();
    }

    @Bean
    Step report(JobRepository jobRepository, PlatformTransactionManager tm, RunSteps steps, RunSession session,
                CrashPoints crashPoints) {
        return new StepBuilder("report", jobRepository).tasklet((contribution, context) -> {
            JobExecution jobExecution = context.getStepContext().getStepExecution().getJobExecution();
            String reportDir = steps.report(session.runId()).toString();
            jobExecution.getExecutionContext().putString(RunContext.REPORT_DIR, reportDir);
            return RepeatStatus.FINISHED;
        }, tm).listener(crashPoints).build();
    }

    /**
     * Alerts about a completed run ({@link Alerts}): its regressions and failed models, to the plan's and the global
     * webhooks. Never fails: a webhook that stays down is logged and stored. A failed run is told about by
     * {@link RunListener}. No database transaction around it: the HTTP calls (retries and their waits) hold no
     * connection, and each delivery row is committed on its own.
     */
    @Bean
    Step notify(JobRepository jobRepository, Alerts alerts, RunSession session) {
        return new StepBuilder("notify", jobRepository).tasklet((contribution, context) -> {
            JobExecution jobExecution = context.getStepContext().getStepExecution().getJobExecution();
            alerts.afterCompletedRun(session.runId(), session.plan(),
                    RunContext.reportDir(jobExecution.getExecutionContext()),
                    JobParams.from(jobExecution.getJobParameters()).failOnModelFailure());
            return RepeatStatus.FINISHED;
        }, new ResourcelessTransactionManager()).build();
    }
}
