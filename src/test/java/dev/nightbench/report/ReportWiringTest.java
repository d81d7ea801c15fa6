package dev.nightbench.report;

import dev.nightbench.store.ComparisonStore;
import dev.nightbench.cli.NightbenchConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report's beans in a Spring context with Boot's JDBC auto-configuration and the application's settings tree
 * ({@link NightbenchConfiguration}), as the application wires them.
 */
class ReportWiringTest {

    @TempDir
    Path reports;

    @Test
    void theReportServiceIsWiredWithItsSettingsFromProperties() {
        History history = History.fresh();
        history.night(LocalDate.of(2026, 11, 21), 1, null, 1);
        long current = history.night(LocalDate.of(2026, 11, 22), 2, "slow-b", 1.5);
        String url = history.jdbc.sql("SELECT 'jdbc:postgresql://127.0.0.1:' || current_setting('port') || '/' || current_database()")
                .query(String.class).single();

        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                        JdbcClientAutoConfiguration.class))
                .withUserConfiguration(ReportService.class, ReportRepository.class, ComparisonStore.class,
                        NightbenchConfiguration.class)
                .withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=postgres",
                        "nightbench.reports-dir=" + reports, "nightbench.report.threshold=0.6")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(TrendSettings.class).threshold()).isEqualTo(0.6);
                    ReportService service = context.getBean(ReportService.class);

                    Path dir = service.write(current);

                    // a 50 % slowdown is within a 60 % threshold
                    assertThat(service.hasRegressions(current)).isFalse();
                    assertThat(Files.readString(dir.resolve("report.md"))).contains("more than 60 %");
                });
    }
}
