package dev.nightbench.report;

import dev.nightbench.cli.NightbenchConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrendSettingsTest {

    /** Bound as the application binds it: the {@code report} branch of the one settings tree. */
    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(NightbenchConfiguration.class);

    @Test
    void withoutPropertiesTheBaselineIsThePreviousRunAtTenPercentAndAlphaFivePercent() {
        context.run(c -> assertThat(c.getBean(TrendSettings.class)).isEqualTo(TrendSettings.defaults())
                .isEqualTo(new TrendSettings(BaselineMode.PREVIOUS, 7, null, 0.10, 0.05, 30)));
    }

    @Test
    void everySettingBindsFromNightbenchReportProperties() {
        context.withPropertyValues("nightbench.report.mode=last_n", "nightbench.report.last-n=3",
                        "nightbench.report.threshold=0.2", "nightbench.report.alpha=0.01", "nightbench.report.trend-runs=60")
                .run(c -> assertThat(c.getBean(TrendSettings.class))
                        .isEqualTo(new TrendSettings(BaselineMode.LAST_N, 3, null, 0.2, 0.01, 60)));
        context.withPropertyValues("nightbench.report.mode=PINNED", "nightbench.report.pinned-run-id=42")
                .run(c -> assertThat(c.getBean(TrendSettings.class).pinnedRunId()).isEqualTo(42L));
    }

    @Test
    void aPinnedModeWithoutARunIdFailsAtStartupWithTheKeyToSet() {
        context.withPropertyValues("nightbench.report.mode=PINNED").run(c -> assertThat(c).hasFailed()
                .getFailure().rootCause().hasMessageContaining("nightbench.report.pinned-run-id"));
    }

    @Test
    void aThresholdGivenAsAPercentageInsteadOfAFractionIsRefused() {
        assertThatThrownBy(() -> new TrendSettings(BaselineMode.PREVIOUS, 1, null, 10, 0.05))
                .hasMessageContaining("fraction (0.10 = 10 %)");
    }

    @Test
    void lastNLooksForNRunsAndTheOtherModesForOne() {
        assertThat(new TrendSettings(BaselineMode.LAST_N, 5, null, 0.1, 0.05).baselineRuns()).isEqualTo(5);
        assertThat(new TrendSettings(BaselineMode.PREVIOUS, 5, null, 0.1, 0.05).baselineRuns()).isEqualTo(1);
    }
}
