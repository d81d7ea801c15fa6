package dev.nightbench.monitoring;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The history's Prometheus metrics, only in a web application: {@code serve} is the one command with a web server
 * (and so an {@code /actuator/prometheus}); the batch commands start no refresh thread and read nothing for it.
 * Which endpoints are exposed, and the health groups, are set in {@code application.yaml}; the broker's health check
 * is switched by {@link RabbitHealthSwitch}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class MonitoringConfiguration {

    @Bean
    HistoryMetrics historyMetrics(JdbcClient jdbc, MonitoringProperties properties) {
        return new HistoryMetrics(new HistoryQueries(jdbc), properties);
    }
}
