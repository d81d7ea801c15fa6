package dev.nightbench.cli;

import dev.nightbench.report.BaselineMode;
import dev.nightbench.report.ReportService;
import dev.nightbench.report.TrendSettings;
import dev.nightbench.run.ServeProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one settings tree: every {@code NIGHTBENCH_*} environment variable that worked before it existed still binds,
 * and each feature gets its own branch as a bean.
 */
class NightbenchPropertiesTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(NightbenchConfiguration.class);

    /** Environment variables as the process would see them (Spring maps NIGHTBENCH_REPORT_LAST_N to report.last-n). */
    private ApplicationContextRunner withEnvironment(Map<String, Object> variables) {
        return context.withInitializer(c -> c.getEnvironment().getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", variables)));
    }

    @Test
    void withoutSettingsEveryBranchHasItsDefaults() {
        context.run(c -> {
            NightbenchProperties properties = c.getBean(NightbenchProperties.class);
            assertThat(properties.reportsDir()).isEqualTo(Path.of("reports"));
            assertThat(properties.report()).isEqualTo(TrendSettings.defaults());
            assertThat(properties.serve().schedules()).isEmpty();
        });
    }

    @Test
    void theEnvironmentVariablesOfTheReadmeAndTheUsageTextBind() {
        withEnvironment(Map.ofEntries(Map.entry("NIGHTBENCH_REPORTS_DIR", "/srv/reports"),
                Map.entry("NIGHTBENCH_REPORT_MODE", "LAST_N"), Map.entry("NIGHTBENCH_REPORT_LAST_N", "5"),
                Map.entry("NIGHTBENCH_REPORT_THRESHOLD", "0.2"), Map.entry("NIGHTBENCH_REPORT_TREND_RUNS", "60"),
                Map.entry("NIGHTBENCH_SERVE_SCHEDULES_0_CRON", "0 0 2 * * *"),
                Map.entry("NIGHTBENCH_SERVE_SCHEDULES_0_PLAN", "jobs/demo.yaml"),
                Map.entry("NIGHTBENCH_SERVE_SCHEDULES_1_CRON", "0 30 3 * * *"),
                Map.entry("NIGHTBENCH_SERVE_SCHEDULES_1_PLAN", "jobs/load.yaml"),
                Map.entry("NIGHTBENCH_SERVE_SCHEDULES_1_LABEL", "load"),
                Map.entry("NIGHTBENCH_SERVE_SCHEDULES_1_ZONE", "UTC")))
                .run(c -> {
                    NightbenchProperties properties = c.getBean(NightbenchProperties.class);
                    assertThat(properties.reportsDir()).isEqualTo(Path.of("/srv/reports"));
                    assertThat(properties.report()).isEqualTo(new TrendSettings(BaselineMode.LAST_N, 5, null, 0.2, 0.05, 60));
                    assertThat(properties.serve().schedules()).containsExactly(
                            new ServeProperties.Schedule("0 0 2 * * *", "jobs/demo.yaml", null, null),
                            new ServeProperties.Schedule("0 30 3 * * *", "jobs/load.yaml", "load", "UTC"));
                });
        withEnvironment(Map.of("NIGHTBENCH_REPORT_MODE", "PINNED", "NIGHTBENCH_REPORT_PINNED_RUN_ID", "42"))
                .run(c -> assertThat(c.getBean(TrendSettings.class).pinnedRunId()).isEqualTo(42L));
    }

    @Test
    void thePruneScheduleBindsFromTheEnvironment() {
        withEnvironment(Map.of("NIGHTBENCH_SERVE_PRUNE_CRON", "0 30 5 * * SUN", "NIGHTBENCH_SERVE_PRUNE_OLDER_THAN", "180d",
                "NIGHTBENCH_SERVE_PRUNE_KEEP_SUMMARIES", "false"))
                .run(c -> assertThat(c.getBean(ServeProperties.class).prune())
                        .isEqualTo(new ServeProperties.Prune("0 30 5 * * SUN", "180d", false, null)));
        context.run(c -> assertThat(c.getBean(ServeProperties.class).prune()).isNull());
    }

    @Test
    void eachFeatureGetsItsOwnBranchAsABean() {
        context.withPropertyValues("nightbench.reports-dir=/tmp/r", "nightbench.report.alpha=0.01",
                        "nightbench.serve.schedules[0].cron=0 0 2 * * *", "nightbench.serve.schedules[0].plan=p.yaml")
                .run(c -> {
                    NightbenchProperties properties = c.getBean(NightbenchProperties.class);
                    assertThat(c.getBean(TrendSettings.class)).isSameAs(properties.report());
                    assertThat(c.getBean(TrendSettings.class).alpha()).isEqualTo(0.01);
                    assertThat(c.getBean(ServeProperties.class)).isSameAs(properties.serve());
                    assertThat(c.getBean(ReportService.Directory.class).path()).isEqualTo(Path.of("/tmp/r"));
                });
    }

    @Test
    void aBadValueFailsAtStartupNamingTheKey() {
        context.withPropertyValues("nightbench.report.last-n=0").run(c -> assertThat(c).hasFailed()
                .getFailure().rootCause().hasMessageContaining("nightbench.report.last-n"));
    }

    @Test
    void doctorReadsTheReportsDirectoryWithoutAContext() {
        System.setProperty("nightbench.reports-dir", "/var/nightbench/reports");
        try {
            assertThat(NightbenchProperties.reportsDir(null)).isEqualTo(Path.of("/var/nightbench/reports"));
        } finally {
            System.clearProperty("nightbench.reports-dir");
        }
        assertThat(NightbenchProperties.reportsDir(null)).isEqualTo(Path.of("reports"));
    }
}
