package dev.nightbench.telemetry;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sampler on its own thread: cell starts and ends queue samples of the running model's endpoint only, periodic
 * samples follow the running model, an endpoint without telemetry is recorded as such, a server that stops answering
 * is counted, never thrown.
 */
class TelemetrySamplerTest {

    private final List<TelemetrySampler.Sample> stored = new CopyOnWriteArrayList<>();

    @Test
    void samplesTheRunningModelsEndpointAndSaysWhatEachModelCameTo() throws Exception {
        try (Fixtures.Server llama = Fixtures.llamaServer("metrics-idle.txt");
             Fixtures.Server plain = new Fixtures.Server()) {
            TelemetrySampler sampler = new TelemetrySampler(List.of(
                    new TelemetrySampler.Target("small", "llama", "stories260K", llama.baseUrl(), true),
                    new TelemetrySampler.Target("other", "plain", "gpt", plain.baseUrl(), false)),
                    Duration.ofSeconds(1), null, Duration.ofSeconds(2), Clock.systemUTC(), stored::addAll).start();

            sampler.cellStarted("small");
            Thread.sleep(1_500); // at least one periodic sample besides the cell start's
            sampler.cellEnded("small");
            sampler.cellStarted("other");
            sampler.cellEnded("other");
            List<ModelTelemetry> outcomes = sampler.finish();

            assertThat(stored).isNotEmpty().allSatisfy(s -> {
                assertThat(s.modelAlias()).isEqualTo("small");
                assertThat(s.endpoint()).isEqualTo("llama");
                assertThat(s.source()).isEqualTo(TelemetrySource.LLAMA_CPP);
            });
            assertThat(stored).filteredOn(s -> s.metric().equals(Reading.REQUESTS_RUNNING)).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(s -> assertThat(s.value()).isEqualTo(0.0));
            assertThat(outcomes).hasSize(2);
            ModelTelemetry small = outcomes.getFirst();
            assertThat(small.status()).isEqualTo(ModelTelemetry.Status.OK);
            assertThat(small.samples()).isGreaterThanOrEqualTo(2);
            assertThat(small.facts().serverVersion()).isEqualTo("llama.cpp b1-de3ff81");
            ModelTelemetry other = outcomes.get(1);
            assertThat(other.modelAlias()).isEqualTo("other");
            assertThat(other.source()).isEqualTo(TelemetrySource.ENDPOINT);
            assertThat(other.status()).isEqualTo(ModelTelemetry.Status.NO_TELEMETRY);
            assertThat(other.detail()).contains("GET /metrics: HTTP 404", "GET /api/ps: HTTP 404");
        }
    }

    @Test
    void aServerThatGoesAwayIsCountedNotThrown() throws Exception {
        Fixtures.Server llama = Fixtures.llamaServer("metrics-idle.txt");
        TelemetrySampler sampler = new TelemetrySampler(List.of(
                new TelemetrySampler.Target("small", "llama", "stories260K", llama.baseUrl(), false)),
                Duration.ofHours(1), null, Duration.ofMillis(500), Clock.systemUTC(), stored::addAll).start();
        sampler.cellStarted("small");
        sampler.cellEnded("small");
        Thread.sleep(TelemetrySampler.MIN_GAP.toMillis() + 300);
        llama.close();
        sampler.cellStarted("small");

        List<ModelTelemetry> outcomes = sampler.finish();

        assertThat(outcomes).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(ModelTelemetry.Status.OK);
            assertThat(m.pollsFailed()).isEqualTo(1);
            assertThat(m.detail()).startsWith("llama.cpp: ");
        });
    }
}
