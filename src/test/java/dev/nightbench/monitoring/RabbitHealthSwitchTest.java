package dev.nightbench.monitoring;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RabbitHealthSwitchTest {

    private static Object switched(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        new RabbitHealthSwitch().postProcessEnvironment(environment, null);
        return environment.getProperty(RabbitHealthSwitch.PROPERTY, Boolean.class);
    }

    @Test
    void theBrokerCheckIsOffWhereNoBrokerIsConfigured() {
        assertThat(switched(Map.of())).isEqualTo(false);
        assertThat(switched(Map.of("spring.rabbitmq.host", " "))).isEqualTo(false);
    }

    @Test
    void theBrokerCheckIsOnWhereABrokerIsConfigured() {
        assertThat(switched(Map.of("NIGHTBENCH_RABBIT_URL", "amqp://guest:guest@127.0.0.1:5672"))).isEqualTo(true);
        assertThat(switched(Map.of("spring.rabbitmq.host", "rabbit.example"))).isEqualTo(true);
        assertThat(switched(Map.of("spring.rabbitmq.addresses", "amqp://rabbit.example"))).isEqualTo(true);
    }

    @Test
    void anExplicitSettingWins() {
        assertThat(switched(Map.of("spring.rabbitmq.host", "rabbit.example", RabbitHealthSwitch.PROPERTY, "false")))
                .isEqualTo(false);
        assertThat(switched(Map.of(RabbitHealthSwitch.PROPERTY, "true"))).isEqualTo(true);
    }
}
