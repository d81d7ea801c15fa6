package dev.nightbench.bench;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.client.sim.Script;
import dev.nightbench.measure.Measurement;
import dev.nightbench.measure.RequestMeter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What each connection policy ({@code run.connection}) costs in TTFT on loopback: the same zero-delay answer from
 * {@link LeanSseServer}, one request at a time, through the real client, with {@code keep_alive} (pooled) and with
 * {@code close} (a new TCP connection per request). The policies alternate in blocks so drifting host load hits
 * both alike; the host's load average is printed before and after. {@code bench/connections/run.sh} runs it.
 *
 * <p>Arguments: requests per policy (default 200), blocks (default 4), warm-up requests per policy (default 300).
 */
public final class ConnectionCost {

    private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30));

    private ConnectionCost() {
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        Script answer = Script.stream().role().content("Hello").content(" world").finish("stop").usage(5, 2).done();
        ChatRequest request = new ChatRequest("bench", List.of(new ChatMessage("user", "Hi")), 16, 0.0, 1L, true,
                Map.of());
        String loadBefore = loadAverage();
        Map<ConnectionPolicy, List<Double>> ttft = new EnumMap<>(ConnectionPolicy.class);
        try (LeanSseServer server = new LeanSseServer("bench", answer, false)) {
            Map<ConnectionPolicy, OpenAiModelClient> clients = new EnumMap<>(ConnectionPolicy.class);
            for (ConnectionPolicy policy : ConnectionPolicy.values()) {
                clients.put(policy, new OpenAiModelClient(server.baseUrl(), null, TIMEOUTS, policy, NanoClock.SYSTEM,
                        Clock.systemUTC()));
                ttft.put(policy, new ArrayList<>());
                for (int i = 0; i < warmup; i++) {
                    measure(clients.get(policy), request);
                }
            }
            for (int b = 0; b < blocks; b++) {
                for (ConnectionPolicy policy : ConnectionPolicy.values()) {
                    for (int i = 0; i < requests / blocks; i++) {
                        Measurement m = measure(clients.get(policy), request);
                        if (!m.ok()) {
                            throw new IllegalStateException(policy + ": " + m.errorMessage());
                        }
                        ttft.get(policy).add(m.ttftMs());
                    }
                }
            }
            clients.values().forEach(OpenAiModelClient::close);
        }
        String loadAfter = loadAverage();
        System.out.printf("host load (1/5/15 min) before: %s, after: %s; %d cores%n", loadBefore, loadAfter,
                Runtime.getRuntime().availableProcessors());
        System.out.println("| policy | requests | TTFT p50 ms | TTFT p95 ms | TTFT mean ms |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (ConnectionPolicy policy : ConnectionPolicy.values()) {
            double[] v = ttft.get(policy).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("| %s | %d | %.3f | %.3f | %.3f |%n", policy.name().toLowerCase(java.util.Locale.ROOT),
                    v.length, percentile(v, 0.5), percentile(v, 0.95), Arrays.stream(v).average().orElse(Double.NaN));
        }
    }

    private static Measurement measure(OpenAiModelClient client, ChatRequest request) {
        RequestMeter meter = new RequestMeter(true);
        Instant at = Instant.now();
        try {
            client.chat(request, meter);
            return meter.toMeasurement(at, null);
        } catch (dev.nightbench.client.ModelClientException e) {
            return meter.toMeasurement(at, e);
        }
    }

    private static double percentile(double[] sorted, double q) {
        double rank = q * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }

    private static String loadAverage() throws IOException {
        Path proc = Path.of("/proc/loadavg");
        if (!Files.exists(proc)) {
            return "unknown";
        }
        String[] parts = Files.readString(proc).trim().split("\\s+");
        return parts[0] + " " + parts[1] + " " + parts[2];
    }
}
