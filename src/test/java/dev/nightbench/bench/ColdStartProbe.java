package dev.nightbench.bench;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.measure.Measurement;
import dev.nightbench.measure.RequestMeter;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Run in a fresh JVM by {@link ColdStart}: creates one client, as the job does, and sends two streamed requests to
 * the parent's server; prints their TTFTs and how long the client's constructor took. Whether the constructor
 * warms the client's classes up is decided by {@code -Dnightbench.client.warmup}.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
    }

    public static void main(String[] args) {
        URI baseUrl = URI.create(args[0]);
        String id = args[1];
        long start = System.nanoTime();
        try (OpenAiModelClient client = new OpenAiModelClient(baseUrl, null, Timeouts.defaults(),
                NanoClock.SYSTEM)) {
            double constructorMs = (System.nanoTime() - start) / 1e6;
            Measurement first = measure(client, id + "a");
            Measurement second = measure(client, id + "b");
            System.out.printf("constructor_ms=%.3f first_ttft_ms=%.3f second_ttft_ms=%.3f first_prep_ms=%.3f%n",
                    constructorMs, first.ttftMs(), second.ttftMs(), first.prepMs());
        }
    }

    private static Measurement measure(OpenAiModelClient client, String id) {
        RequestMeter meter = new RequestMeter(true);
        client.chat(new ChatRequest(BenchServer.MODEL, List.of(new ChatMessage("system", "Answer briefly."),
                new ChatMessage("user", id)), 16, 0.0, 42L, true, Map.of()), meter);
        Measurement m = meter.toMeasurement(Instant.now(), null);
        if (!m.ok()) {
            throw new IllegalStateException(m.errorMessage());
        }
        return m;
    }
}
