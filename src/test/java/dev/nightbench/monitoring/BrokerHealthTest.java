package dev.nightbench.monitoring;

import dev.nightbench.NightbenchApplication;
import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** With a broker configured ({@code spring.rabbitmq.host}) the broker is checked: one that does not answer is DOWN. */
@SpringBootTest(classes = NightbenchApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.main.web-application-type=servlet", "spring.rabbitmq.host=127.0.0.1"})
@DirtiesContext
class BrokerHealthTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws IOException {
        String url = TestDatabase.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once closed
        }
        registry.add("spring.rabbitmq.port", () -> closed);
    }

    @LocalServerPort
    int port;

    @Test
    void aConfiguredBrokerThatDoesNotAnswerMakesHealthDown() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
        JsonNode components = new ObjectMapper().readTree(health.body()).path("components");
        assertThat(components.path("rabbit").path("status").asText()).as(health.body()).isEqualTo("DOWN");
        assertThat(components.path("db").path("status").asText()).as(health.body()).isEqualTo("UP");
    }
}
