package dev.nightbench.cli;

import dev.nightbench.plan.LoadedPlan;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.RunParams;
import dev.nightbench.report.ReportService;
import dev.nightbench.report.TrendSettings;
import dev.nightbench.run.RunLauncher;
import dev.nightbench.run.ServeProperties;
import dev.nightbench.run.UnfinishedRuns;
import dev.nightbench.run.Scheduler;
import dev.nightbench.store.RunStatus;
import dev.nightbench.store.RunStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** {@code run --fail-on-regression}: exit 3 when the finished run's comparison holds a regression. */
class CommandsRegressionTest {

    private static final long RUN_ID = 7;

    private final JobOperator jobOperator = mock(JobOperator.class);
    private final RunStore runs = mock(RunStore.class);
    private final ReportService reports = mock(ReportService.class);
    private final Commands commands = new Commands(new RunLauncher(jobOperator, mock(JobRepository.class),
            mock(Job.class), mock(UnfinishedRuns.class), runs,
            Clock.fixed(Instant.parse("2026-11-22T02:00:00Z"), ZoneOffset.UTC)), runs, reports,
            mock(UnfinishedRuns.class), mock(Scheduler.class),
            new NightbenchProperties(Path.of("reports"), TrendSettings.defaults(), new ServeProperties(List.of()), null));
    private final LoadedPlan plan = mock(LoadedPlan.class);

    @BeforeEach
    void aCompletedRun() throws Exception {
        when(plan.plan()).thenReturn(new Plan("nightly", Path.of("jobs/nightly.yaml"), List.of(), List.of(), List.of(),
                RunParams.defaults(), "hash"));
        JobExecution execution = mock(JobExecution.class);
        when(execution.getStatus()).thenReturn(BatchStatus.COMPLETED);
        when(execution.getJobInstanceId()).thenReturn(3L);
        when(jobOperator.start(any(Job.class), any(JobParameters.class))).thenReturn(execution);
        when(runs.runIdForJobInstance(3L)).thenReturn(Optional.of(RUN_ID));
        when(runs.find(RUN_ID)).thenReturn(Optional.of(new RunStore.RunSummary(RUN_ID, 3, "nightly",
                LocalDate.of(2026, 11, 22), null, false, RunStatus.COMPLETED, 0, 4, 20, 0, Instant.now(), Instant.now())));
        when(runs.models(RUN_ID)).thenReturn(List.of());
    }

    @Test
    void aRegressionWithFailOnRegressionExits3() {
        when(reports.hasRegressions(RUN_ID)).thenReturn(true);

        assertThat(commands.run(plan, LocalDate.of(2026, 11, 22), null, true, false, line -> { }).exitCode())
                .isEqualTo(Cli.REGRESSION);
    }

    @Test
    void aRegressionWithoutTheFlagExits0() {
        when(reports.hasRegressions(RUN_ID)).thenReturn(true);

        assertThat(commands.run(plan, LocalDate.of(2026, 11, 22), null, false, false, line -> { }).exitCode())
                .isEqualTo(Cli.OK);
        verify(reports, never()).hasRegressions(RUN_ID);
    }

    @Test
    void noRegressionWithTheFlagExits0() {
        when(reports.hasRegressions(RUN_ID)).thenReturn(false);

        assertThat(commands.run(plan, LocalDate.of(2026, 11, 22), null, true, false, line -> { }).exitCode())
                .isEqualTo(Cli.OK);
    }
}
