package dev.nightbench.client;

import com.sun.net.httpserver.HttpServer;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PlanLoader;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.plan.Tokenizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ServerTokenizer} against a real HTTP server on loopback that implements llama.cpp's {@code POST /tokenize}
 * (one token per 3 characters, so its counts differ from both the estimate and a word count), and the simulated
 * endpoint's own {@code /tokenize}; and synthetic prompts fitted through it.
 */
class ServerTokenizerTest {

    HttpServer server;
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/tokenize", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            String content = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(body)
                    .path("content").asText();
            StringBuilder tokens = new StringBuilder("{\"tokens\":[");
            for (int i = 0; i < content.length(); i += 3) {
                tokens.append(i == 0 ? "" : ",").append(content.codePointAt(i));
            }
            byte[] out = tokens.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    @Test
    void countsTheTokensTheServerReturnsAtTheRootOfTheBaseUrlWithTheKey() {
        ServerTokenizer tokenizer = new ServerTokenizer(baseUrl(), "sk-test", Duration.ofSeconds(5));

        assertThat(tokenizer.uri().toString()).endsWith(":" + server.getAddress().getPort() + "/tokenize");
        assertThat(tokenizer.count("abcdefg")).isEqualTo(3);
        assertThat(tokenizer.count("")).isZero();
        assertThat(bodies.getFirst()).isEqualTo("{\"content\":\"abcdefg\"}");
        assertThat(authorizations.getFirst()).isEqualTo("Bearer sk-test");
        assertThat(ServerTokenizer.root(URI.create("http://h:8080/v1/")).toString()).isEqualTo("http://h:8080/");
        assertThat(ServerTokenizer.root(URI.create("http://h:8080")).toString()).isEqualTo("http://h:8080/");
    }

    @Test
    void aServerWithoutTokenizeIsAClearError() {
        ServerTokenizer tokenizer = new ServerTokenizer(URI.create(baseUrl() + "/nothing-here"), null,
                Duration.ofSeconds(5));

        assertThatThrownBy(() -> tokenizer.count("x")).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("HTTP 404").hasMessageContaining("/tokenize");
    }

    @Test
    void syntheticPromptsAreFittedToTheServersCount(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: llama, base_url: "%s"}]
                models: [{alias: stories}]
                prompts: [{id: p, text: "Hi"}]
                synthetic: {name: fit, count: 3, seed: 11, input_tokens: {mean: 400, stddev: 50}, tokenizer: stories}
                """.formatted(baseUrl()));
        ServerTokenizer http = new ServerTokenizer(baseUrl(), null, Duration.ofSeconds(5));

        Plan plan = new PlanLoader(name -> null).loadWithSnapshot(file,
                m -> Tokenizer.named(m.alias(), http::count)).plan();

        List<PromptSpec> made = plan.prompts().stream().filter(p -> p.origin().source() != null).toList();
        assertThat(made).hasSize(3).allSatisfy(p -> {
            assertThat(p.origin().lengthSource()).isEqualTo("tokenizer:stories");
            assertThat(p.origin().inputTokens()).isEqualTo((p.text().length() + 2) / 3);
            // a word is up to ~10 characters, ~4 of this server's tokens: the closest cut is within 2 of the target
            assertThat(Math.abs(p.origin().inputTokens() - p.origin().targetInputTokens())).isLessThanOrEqualTo(2);
        });
        assertThat(bodies).hasSizeGreaterThan(3);
    }

    @Test
    void theSimulatedEndpointCountsOneTokenPerWord() {
        try (SimulatedServer sim = new SimulatedServer().withBuiltInModels().start()) {
            ServerTokenizer tokenizer = new ServerTokenizer(sim.baseUrl(), null, Duration.ofSeconds(5));

            assertThat(tokenizer.count("the quick  brown\nfox")).isEqualTo(4);
            assertThat(tokenizer.count("   ")).isZero();
        }
    }
}
