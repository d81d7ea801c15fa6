package dev.nightbench.monitoring;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * Turns Spring Boot's RabbitMQ health check on only where a broker is configured. spring-boot-starter-amqp is on the
 * classpath for remote partitioning, so Boot would otherwise check a broker at localhost:5672 on every machine and
 * report {@code serve} DOWN where no broker is used. The check is on when {@code NIGHTBENCH_RABBIT_URL},
 * {@code spring.rabbitmq.host} or {@code spring.rabbitmq.addresses} is set, off otherwise; an explicit
 * {@code management.health.rabbit.enabled} (any property source) wins, as this default is added last.
 * Registered in {@code META-INF/spring.factories}; runs after the config files are read.
 */
public class RabbitHealthSwitch implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY = "management.health.rabbit.enabled";
    static final String SOURCE = "nightbenchRabbitHealthDefault";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(PROPERTY)) {
            return;
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(PROPERTY, brokerConfigured(environment))));
    }

    static boolean brokerConfigured(ConfigurableEnvironment environment) {
        return set(environment, "NIGHTBENCH_RABBIT_URL") || set(environment, "nightbench.rabbit.url")
                || set(environment, "spring.rabbitmq.host") || set(environment, "spring.rabbitmq.addresses");
    }

    private static boolean set(ConfigurableEnvironment environment, String key) {
        String value = environment.getProperty(key);
        return value != null && !value.isBlank();
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
