package dev.nightbench.telemetry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Recognising a server from what it answers at its root, and reading it, against loopback servers serving real
 * payloads: captured from llama-server, and Ollama's and vLLM's documented ones.
 */
class ServerReadersTest {

    private final TelemetryHttp http = new TelemetryHttp(Duration.ofSeconds(2));
    private final ServerDetector detector = new ServerDetector(http);

    @AfterEach
    void close() {
        http.close();
    }

    private static Map<String, Double> byMetric(List<Reading> readings) {
        return readings.stream().collect(Collectors.toMap(Reading::metric, Reading::value));
    }

    @Test
    void llamaServerWithMetrics() throws Exception {
        try (Fixtures.Server server = Fixtures.llamaServer("metrics-busy.txt")) {
            ServerDetector.Detection d = detector.detect(server.baseUrl());

            assertThat(d.reader()).isInstanceOf(LlamaCppReader.class);
            assertThat(d.reader().source()).isEqualTo(TelemetrySource.LLAMA_CPP);
            Map<String, Double> r = byMetric(d.reader().sample("stories260K"));
            assertThat(r).containsEntry(Reading.REQUESTS_RUNNING, 1.0).containsEntry(Reading.REQUESTS_WAITING, 0.0)
                    .containsEntry("llamacpp:predicted_tokens_seconds", 148.676)
                    .containsEntry("llamacpp:tokens_predicted_total", 192.0)
                    .containsEntry(Reading.SLOTS_TOTAL, 2.0).containsEntry(Reading.SLOTS_BUSY, 1.0)
                    .doesNotContainKey("llamacpp:requests_processing");
            Facts f = d.reader().facts("stories260K");
            assertThat(f.serverVersion()).isEqualTo("llama.cpp b1-de3ff81");
            assertThat(f.contextSize()).isEqualTo(256);
            assertThat(f.quantization()).isEqualTo("(guessed) all F32");
        }
    }

    @Test
    void llamaServerWithoutMetricsIsStillReadThroughPropsAndSlots() throws Exception {
        try (Fixtures.Server server = new Fixtures.Server().get("/props", "llama-server/props.json")
                .get("/slots", "llama-server/slots-busy.json")
                .page("GET", "/metrics", 501, "application/json", "{\"error\":{\"code\":501,\"message\":\"This server"
                        + " does not support metrics endpoint. Start it with `--metrics`\",\"type\":\"not_supported_error\"}}")) {
            ServerDetector.Detection d = detector.detect(server.baseUrl());

            assertThat(d.reader().source()).isEqualTo(TelemetrySource.LLAMA_CPP);
            assertThat(byMetric(d.reader().sample("stories260K"))).containsOnlyKeys(Reading.SLOTS_TOTAL, Reading.SLOTS_BUSY);
        }
    }

    @Test
    void ollama() throws Exception {
        try (Fixtures.Server server = Fixtures.ollama()) {
            ServerDetector.Detection d = detector.detect(URI.create(server.baseUrl() + "/"));

            assertThat(d.reader()).isInstanceOf(OllamaReader.class);
            Map<String, Double> r = byMetric(d.reader().sample("mistral"));
            assertThat(r.get(Reading.MEMORY_MB)).isCloseTo(4899.04, within(0.01)); // 5137025024 bytes
            assertThat(r.get(Reading.VRAM_MB)).isCloseTo(4899.04, within(0.01));
            assertThat(r).containsEntry(Reading.LOADED_MODELS, 1.0);
            assertThat(byMetric(d.reader().sample("llama3.2"))).containsOnlyKeys(Reading.LOADED_MODELS);
            Facts f = d.reader().facts("gemma3");
            assertThat(f.serverVersion()).isEqualTo("ollama 0.5.1");
            assertThat(f.parameters()).isEqualTo("4.3B");
            assertThat(f.quantization()).isEqualTo("Q4_K_M");
            assertThat(f.licence()).isEqualTo("Gemma Terms of Use");
            assertThat(f.contextSize()).isEqualTo(131072);
        }
    }

    @Test
    void vllm() throws Exception {
        try (Fixtures.Server server = Fixtures.vllm()) {
            ServerDetector.Detection d = detector.detect(server.baseUrl());

            assertThat(d.reader()).isInstanceOf(VllmReader.class);
            Map<String, Double> r = byMetric(d.reader().sample("unsloth/Llama-3.2-1B-Instruct"));
            assertThat(r).containsEntry(Reading.REQUESTS_RUNNING, 2.0).containsEntry(Reading.REQUESTS_WAITING, 1.0)
                    .containsEntry(Reading.KV_CACHE_USAGE, 0.0375).containsEntry("vllm:generation_tokens_total", 512.0)
                    .containsEntry("vllm:prompt_tokens_total", 129.0).containsEntry("vllm:num_preemptions_total", 0.0);
            Facts f = d.reader().facts("unsloth/Llama-3.2-1B-Instruct");
            assertThat(f.serverVersion()).isEqualTo("vllm 0.10.2");
            assertThat(f.contextSize()).isEqualTo(131072);
        }
    }

    @Test
    void anEndpointThatExposesNothingSaysWhatWasTried() throws Exception {
        try (Fixtures.Server server = new Fixtures.Server()
                .page("GET", "/metrics", 200, "text/html", "<html>an OpenAI proxy</html>")) {
            ServerDetector.Detection d = detector.detect(server.baseUrl());

            assertThat(d.reader()).isNull();
            assertThat(d.tried()).startsWith("GET /metrics: not Prometheus text (line 1: ")
                    .contains("GET /props: HTTP 404", "GET /api/ps: HTTP 404");
        }
        ServerDetector.Detection closed = detector.detect(URI.create("http://127.0.0.1:9/v1"));
        assertThat(closed.reader()).isNull();
        assertThat(closed.tried()).contains("GET /metrics: ", "GET /api/ps: ");
    }

    @Test
    void theRootIsTheBaseUrlWithoutV1AndOnlyLoopbackIsLocal() {
        assertThat(ServerDetector.root(URI.create("http://h:8080/v1"))).isEqualTo(URI.create("http://h:8080/"));
        assertThat(ServerDetector.root(URI.create("http://h:8080/v1/"))).isEqualTo(URI.create("http://h:8080/"));
        assertThat(ServerDetector.root(URI.create("https://h/openai/v1"))).isEqualTo(URI.create("https://h/openai/"));
        assertThat(ServerDetector.root(URI.create("http://h:1234"))).isEqualTo(URI.create("http://h:1234/"));
        assertThat(ServerDetector.local(URI.create("http://localhost:11434/v1"))).isTrue();
        assertThat(ServerDetector.local(URI.create("http://127.0.0.1:8080/v1"))).isTrue();
        assertThat(ServerDetector.local(URI.create("http://[::1]:8080/v1"))).isTrue();
        assertThat(ServerDetector.local(URI.create("http://10.0.0.5:8080/v1"))).isFalse();
        assertThat(ServerDetector.local(URI.create("https://api.openai.com/v1"))).isFalse();
    }
}
