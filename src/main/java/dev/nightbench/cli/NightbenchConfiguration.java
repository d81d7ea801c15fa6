package dev.nightbench.cli;

import dev.nightbench.alert.AlertProperties;
import dev.nightbench.dashboard.DashboardSettings;
import dev.nightbench.monitoring.MonitoringProperties;
import dev.nightbench.report.ReportService;
import dev.nightbench.report.TrendSettings;
import dev.nightbench.run.ScaleProperties;
import dev.nightbench.run.ServeProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Binds the one settings tree, {@link NightbenchProperties}, and hands each feature its own branch as a bean: the
 * report service gets its {@link TrendSettings} and reports directory, the scheduler its {@link ServeProperties}, the
 * dashboard its {@link DashboardSettings}, and the metrics their {@link MonitoringProperties}.
 * It lives in {@code cli}, the top package, so {@code report} and {@code run} depend on their branch only, never on
 * the root.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NightbenchProperties.class)
public class NightbenchConfiguration {

    @Bean
    TrendSettings trendSettings(NightbenchProperties properties) {
        return properties.report();
    }

    @Bean
    ReportService.Directory reportsDirectory(NightbenchProperties properties) {
        return new ReportService.Directory(properties.reportsDir());
    }

    @Bean
    AlertProperties alertProperties(NightbenchProperties properties) {
        return properties.alerts();
    }

    @Bean
    ServeProperties serveProperties(NightbenchProperties properties) {
        return properties.serve();
    }

    /** The dashboard's part of {@code serve}'s branch (used only where a web server runs: {@code serve}). */
    @Bean
    DashboardSettings dashboardSettings(NightbenchProperties properties) {
        ServeProperties serve = properties.serve();
        return new DashboardSettings(serve.bind(), serve.port(), serve.token());
    }

    @Bean
    MonitoringProperties monitoringProperties(NightbenchProperties properties) {
        return properties.monitoring();
    }

    @Bean
    ScaleProperties scaleProperties(NightbenchProperties properties) {
        return properties.scale();
    }
}
