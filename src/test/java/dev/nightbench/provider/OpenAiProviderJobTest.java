package dev.nightbench.provider;

import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract run for the built-in {@code openai} type, on the same loopback Ollama's OpenAI-compatible {@code /v1}. */
class OpenAiProviderJobTest extends ProviderJobContract {

    @Override
    String type() {
        return "openai";
    }

    @Override
    String endpointYaml(OllamaServer server) {
        return "{name: ollama, type: openai, base_url: \"" + server.root() + "/v1\"}";
    }

    @Override
    List<Path> jars() {
        return List.of();
    }

    /** A server loads its own models: no load time. */
    @Override
    void checkLoads(List<Double> loadMs, int loadRequests) {
        assertThat(loadRequests).isZero();
        assertThat(loadMs).hasSize(3).containsOnlyNulls();
    }

    @Override
    void checkRequest(JsonNode body) {
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("max_tokens").asInt(body.path("max_completion_tokens").asInt())).isEqualTo(64);
        assertThat(body.path("seed").asInt()).isEqualTo(42);
    }
}
