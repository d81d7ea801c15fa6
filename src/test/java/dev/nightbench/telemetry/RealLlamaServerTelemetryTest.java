package dev.nightbench.telemetry;

import dev.nightbench.support.RealLlamaServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sampler against a genuine llama.cpp {@code llama-server} (the one {@code bench/real-model/llama-server.sh}
 * builds into {@code ~/.cache/nightbench}) serving the shared {@code stories260K.gguf} with {@code --metrics}: tagged
 * bench, so it runs only with {@code -DexcludedGroups=none}, and skipped when the binary or the model is missing.
 * Set {@code LLAMA_SERVER} and {@code STORIES_GGUF} to point elsewhere ({@link RealLlamaServer}).
 */
@Tag("bench")
class RealLlamaServerTelemetryTest {

    @TempDir
    Path dir;

    @Test
    void readsARunningLlamaServer() throws Exception {
        try (RealLlamaServer server = RealLlamaServer.start(dir.resolve("server.log"), "--metrics", "-np", "2",
                "-c", "512")) {
            URI base = server.baseUrl();
            List<TelemetrySampler.Sample> samples = new CopyOnWriteArrayList<>();
            TelemetrySampler sampler = new TelemetrySampler(List.of(new TelemetrySampler.Target("stories", "llama",
                    "stories260K", base, true)), Duration.ofSeconds(1), null, Duration.ofSeconds(2), Clock.systemUTC(),
                    samples::addAll).start();

            sampler.cellStarted("stories");
            Thread.sleep(1_200);
            sampler.cellEnded("stories");
            List<ModelTelemetry> outcomes = sampler.finish();

            assertThat(outcomes).singleElement().satisfies(m -> {
                assertThat(m.source()).isEqualTo(TelemetrySource.LLAMA_CPP);
                assertThat(m.status()).isEqualTo(ModelTelemetry.Status.OK);
                assertThat(m.facts().serverVersion()).startsWith("llama.cpp b");
                assertThat(m.facts().contextSize()).isEqualTo(256);
            });
            assertThat(samples).extracting(TelemetrySampler.Sample::metric)
                    .contains(Reading.REQUESTS_RUNNING, Reading.REQUESTS_WAITING, Reading.SLOTS_TOTAL,
                            "llamacpp:tokens_predicted_total");
        }
    }
}
