package dev.nightbench.provider;

import dev.nightbench.client.ModelProviders;
import dev.nightbench.support.SampleProviderJar;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract run for the sample third-party provider ({@code type: ollama-native}, Ollama's native NDJSON API),
 * found by the child JVM only in its own jar ({@link SampleProviderJar}) through {@link java.util.ServiceLoader}.
 */
class OllamaNativeProviderJobTest extends ProviderJobContract {

    @Override
    String type() {
        return SampleProviderJar.TYPE;
    }

    @Override
    String endpointYaml(OllamaServer server) {
        return "{name: ollama, type: ollama-native, base_url: \"" + server.root() + "\", settings: {keep_alive: 5m,"
                + " num_ctx: 2048, preload: true}}";
    }

    @Override
    List<Path> jars() {
        return List.of(SampleProviderJar.jar());
    }

    @Override
    void checkRequest(JsonNode body) {
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("keep_alive").asString()).isEqualTo("5m");
        assertThat(body.path("messages").get(0).path("role").asString()).isEqualTo("user");
        JsonNode options = body.path("options");
        assertThat(options.path("num_predict").asInt()).isEqualTo(64);
        assertThat(options.path("num_ctx").asInt()).isEqualTo(2048);
        assertThat(options.path("seed").asInt()).isEqualTo(42);
        assertThat(options.path("temperature").asDouble()).isZero();
        assertThat(body.has("max_tokens")).isFalse();
    }

    /** {@code preload: true}: each model loaded once before its warm-up, timed apart from its requests. */
    @Override
    void checkLoads(List<Double> loadMs, int loadRequests) {
        assertThat(loadRequests).isEqualTo(3);
        assertThat(loadMs).hasSize(3).allSatisfy(ms -> assertThat(ms).isBetween(OllamaServer.LOAD_MS - 1.0, 2000.0));
    }

    @Test
    void theProviderIsNotOnTheTestsClassPath() {
        assertThatThrownBy(() -> Class.forName(SampleProviderJar.PROVIDER_CLASS))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(ModelProviders.installed().types()).doesNotContain(SampleProviderJar.TYPE);
    }
}
