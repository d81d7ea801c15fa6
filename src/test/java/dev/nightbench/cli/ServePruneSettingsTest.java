package dev.nightbench.cli;

import dev.nightbench.report.ReportService;
import dev.nightbench.report.TrendSettings;
import dev.nightbench.run.RunLauncher;
import dev.nightbench.run.Scheduler;
import dev.nightbench.run.ServeProperties;
import dev.nightbench.run.UnfinishedRuns;
import dev.nightbench.store.RunStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/** {@code serve}'s prune schedule is checked at startup: a bad cron or age exits 2 naming the setting; alone it serves. */
class ServePruneSettingsTest {

    private final Scheduler scheduler = mock(Scheduler.class);

    private Outcome serve(ServeProperties.Prune prune) {
        return new Commands(mock(RunLauncher.class), mock(RunStore.class), mock(ReportService.class),
                mock(UnfinishedRuns.class), scheduler, new NightbenchProperties(Path.of("reports"),
                TrendSettings.defaults(), new ServeProperties(List.of(), prune))).serve(line -> { }, null);
    }

    @Test
    void aBadAgeOrCronExits2NamingTheSetting() {
        Outcome age = serve(new ServeProperties.Prune("0 30 5 * * SUN", "5x", null, null));
        Outcome cron = serve(new ServeProperties.Prune("every sunday", "180d", null, null));

        assertThat(age.exitCode()).isEqualTo(Cli.BAD_INPUT);
        assertThat(age.lines().getFirst().text()).contains("nightbench.serve.prune").contains("'5x' is not an age");
        assertThat(cron.exitCode()).isEqualTo(Cli.BAD_INPUT);
        assertThat(cron.lines().getFirst().text()).contains("cron 'every sunday' is not a valid cron");
        verify(scheduler, never()).serveUntilStopped(any());
    }

    @Test
    void aPruneScheduleAloneIsEnoughToServe() {
        Outcome ok = serve(new ServeProperties.Prune("0 30 5 * * SUN", "180d", null, null));

        assertThat(ok.exitCode()).isEqualTo(Cli.OK);
        verify(scheduler).serveUntilStopped(any());
        assertThat(serve(null).exitCode()).as("no schedule at all: the dashboard alone").isEqualTo(Cli.OK);
    }
}
