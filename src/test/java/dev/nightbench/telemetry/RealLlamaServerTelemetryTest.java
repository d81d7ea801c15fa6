package dev.nightbench.telemetry;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sampler against a genuine llama.cpp {@code llama-server} (the one {@code bench/real-model/llama-server.sh}
 * builds into {@code ~/.cache/nightbench}) serving the shared {@code stories260K.gguf} with {@code --metrics}: tagged
 * bench, so it runs only with {@code -DexcludedGroups=none}, and skipped when the binary or the model is missing.
 * Set {@code LLAMA_SERVER} and {@code STORIES_GGUF} to point elsewhere.
 */
@Tag("bench")
class RealLlamaServerTelemetryTest {

    @TempDir
    Path dir;

    @Test
    void readsARunningLlamaServer() throws Exception {
        Path bin = Path.of(System.getenv().getOrDefault("LLAMA_SERVER", System.getProperty("user.home")
                + "/.cache/nightbench/llama-server-3.22.1-de3ff81/build/bin/llama-server"));
        Path model = Path.of(System.getenv().getOrDefault("STORIES_GGUF", "/work/shared/models/stories260K.gguf"));
        assumeTrue(Files.isExecutable(bin) && Files.isReadable(model), "no llama-server or model here");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process server = new ProcessBuilder(bin.toString(), "-m", model.toString(), "--alias", "stories260K",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--metrics", "-np", "2", "-c", "512")
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        try {
            URI base = URI.create("http://127.0.0.1:" + port + "/v1");
            awaitHealthy(URI.create("http://127.0.0.1:" + port + "/health"));
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
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static void awaitHealthy(URI health) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) health.toURL().openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("llama-server did not come up at " + health);
    }
}
