package dev.nightbench.run;

import dev.nightbench.plan.Plan;
import dev.nightbench.plan.RunParams;
import dev.nightbench.store.RunStore;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** The one place that starts the job, for {@code run}, {@code restart} and {@code serve} alike. */
class RunLauncherTest {

    private static final Plan PLAN = new Plan("nightly", Path.of("jobs/nightly.yaml"), List.of(), List.of(), List.of(),
            RunParams.defaults(), "hash");

    private final JobOperator jobOperator = mock(JobOperator.class);
    private final RunLauncher launcher = new RunLauncher(jobOperator, mock(JobRepository.class), mock(Job.class),
            mock(UnfinishedRuns.class), mock(RunStore.class), Clock.fixed(Instant.parse("2026-11-22T02:00:00Z"),
            ZoneOffset.UTC));

    @Test
    void aDatedRunIsIdentifiedByPlanAndDateOnly() {
        JobParams params = launcher.params(PLAN, LocalDate.of(2026, 11, 20), "nightly", true);

        assertThat(params.runDate()).isEqualTo(LocalDate.of(2026, 11, 20));
        assertThat(params.launchKey()).isNull();
        assertThat(params.label()).isEqualTo("nightly");
        assertThat(params.failOnModelFailure()).isTrue();
    }

    @Test
    void workersAreANonIdentifyingParameterThatSurvivesTheRoundTrip() {
        JobParams with = launcher.params(PLAN, LocalDate.of(2026, 11, 20), null, false, 3);
        JobParams without = launcher.params(PLAN, LocalDate.of(2026, 11, 20), null, false);

        assertThat(with.toJobParameters().getParameter(JobParams.WORKERS).identifying()).isFalse();
        // the same night either way: workers do not change the job instance
        assertThat(with.toJobParameters().getIdentifyingParameters())
                .isEqualTo(without.toJobParameters().getIdentifyingParameters());
        assertThat(JobParams.from(with.toJobParameters()).workers()).isEqualTo(3);
        assertThat(JobParams.from(without.toJobParameters()).workers()).isNull();
        assertThatThrownBy(() -> launcher.params(PLAN, null, null, false, 0)).hasMessageContaining("1 to 256");
    }

    @Test
    void anAdHocRunIsKeyedByItsLaunchInstantSoItIsAlwaysNew() {
        JobParams params = launcher.params(PLAN, null, null, false);

        assertThat(params.launchKey()).isEqualTo("2026-11-22T02:00:00Z");
        assertThat(params.planHash()).isEqualTo("hash");
    }

    @Test
    void aJobThatCannotStartIsNotRunWithItsCause() throws Exception {
        JobRestartException cause = new JobRestartException("no");
        when(jobOperator.start(any(Job.class), any(JobParameters.class))).thenThrow(cause);

        assertThat(launcher.start(launcher.params(PLAN, null, null, false)))
                .isEqualTo(new RunLauncher.Launch.NotRun(cause));
    }
}
