package dev.nightbench.bench;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.client.sim.Script;
import dev.nightbench.measure.Measurement;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Section (a): how far Nightbench's TTFT and chunk gaps are from what the server actually did.
 *
 * <p>The server streams a fixed script; it records, on the same System.nanoTime clock (same JVM), when it had
 * read each request and when each event was flushed. For every request the client's figures, produced by
 * {@link OpenAiModelClient} and {@link dev.nightbench.measure.RequestMeter} exactly as the job produces them, are
 * compared with the server's:
 * <ul>
 *   <li>TTFT error = client TTFT (t0 → first content chunk parsed) − server TTFT (request read → first content
 *       chunk flushed). It is split into its two legs: upstream = server read − t0 (the client serialising and
 *       sending the request, the server accepting and reading it) and downstream = client parse − server flush
 *       (the bytes crossing loopback, the client reading and parsing them).</li>
 *   <li>gap error = each measured gap between consecutive content chunks − the server's gap between the same two
 *       flushes.</li>
 * </ul>
 */
final class TimingAccuracy {

    private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60));

    /** What one run measured, in milliseconds. */
    record Result(int concurrency, int requests, int failed, Samples ttftError, Samples upstream,
                  Samples downstream, Samples gapError, Samples serverLateness, double wallSeconds) {
    }

    private final int ttftMs;
    private final int gapMs;
    private final int chunks;
    private final boolean virtualThreads;
    private final String serverKind;
    private boolean raw;

    TimingAccuracy(String serverKind, int ttftMs, int gapMs, int chunks, boolean virtualThreads) {
        this.serverKind = serverKind;
        this.ttftMs = ttftMs;
        this.gapMs = gapMs;
        this.chunks = chunks;
        this.virtualThreads = virtualThreads;
    }

    /** Drives {@link RawSseClient} instead of Nightbench's client: the floor any client would show here. */
    TimingAccuracy raw() {
        if (!serverKind.equals("lean")) {
            throw new IllegalStateException("the raw client needs the lean server");
        }
        raw = true;
        return this;
    }

    Script script() {
        Script.StreamBuilder s = Script.stream().role().delay(ttftMs);
        for (int i = 0; i < chunks; i++) {
            if (i > 0) {
                s.delay(gapMs);
            }
            s.content(i == 0 ? "tok" : " tok");
        }
        return s.finish("stop").usage(8, chunks).done();
    }

    Result run(int concurrency, int requestsPerWorker) throws Exception {
        try (BenchServer server = BenchServer.start(serverKind, script(), true);
             OpenAiModelClient client = new OpenAiModelClient(server.baseUrl(), null, TIMEOUTS, NanoClock.SYSTEM)) {
            // warm-up: JIT, connections for every worker; not measured
            drive(client, server.baseUrl(), concurrency, 3, "w", new ArrayList<>());
            server.clear();
            List<Sent> done = new ArrayList<>();
            long start = System.nanoTime();
            drive(client, server.baseUrl(), concurrency, requestsPerWorker, "req", done);
            double wall = (System.nanoTime() - start) / 1e9;

            Samples ttft = new Samples();
            Samples up = new Samples();
            Samples down = new Samples();
            Samples gaps = new Samples();
            Samples late = new Samples();
            int failed = 0;
            for (Sent r : done) {
                long t0;
                long[] arrived;
                Double measuredTtft;
                if (r.raw != null) {
                    t0 = r.raw[0];
                    arrived = new long[chunks];
                    System.arraycopy(r.raw, 2, arrived, 0, chunks); // events: role, then the content chunks
                    measuredTtft = r.failure == null ? (arrived[0] - t0) / 1e6 : null;
                } else {
                    Measurement m = r.meter.meter.toMeasurement(Instant.EPOCH, r.failure);
                    t0 = r.meter.t0;
                    arrived = r.meter.tokenNanos();
                    measuredTtft = m.ok() ? m.ttftMs() : null;
                }
                BenchServer.Record s = server.record(r.id);
                long[] content = s == null ? new long[0] : s.contentFlushNanos();
                if (measuredTtft == null || content.length != chunks || arrived.length != chunks) {
                    failed++;
                    continue;
                }
                double serverTtft = (content[0] - s.receivedNanos()) / 1e6;
                ttft.add(measuredTtft - serverTtft);
                up.add((s.receivedNanos() - t0) / 1e6);
                down.add((arrived[0] - content[0]) / 1e6);
                late.add(serverTtft - ttftMs);
                for (int i = 1; i < chunks; i++) {
                    double measured = (arrived[i] - arrived[i - 1]) / 1e6;
                    double sent = (content[i] - content[i - 1]) / 1e6;
                    gaps.add(measured - sent);
                    late.add(sent - gapMs);
                }
            }
            return new Result(concurrency, done.size(), failed, ttft, up, down, gaps, late, wall);
        }
    }

    /** One request's outcome: through Nightbench ({@code meter}) or the raw client ({@code raw}: t0, then arrivals). */
    private record Sent(String id, RecordingMeter meter, long[] raw, ModelClientException failure) {
    }


    private void drive(OpenAiModelClient client, java.net.URI baseUrl, int concurrency, int perWorker, String prefix, List<Sent> out)
            throws Exception {
        AtomicInteger ids = new AtomicInteger();
        ThreadFactory threads = virtualThreads ? Thread.ofVirtual().name("bench-", 0).factory()
                : Thread.ofPlatform().name("bench-", 0).factory();
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(threads)) {
            List<Future<List<Sent>>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    List<Sent> mine = new ArrayList<>(perWorker);
                    RawSseClient rawClient = raw ? new RawSseClient(baseUrl) : null;
                    try {
                        if (rawClient != null) { // a new connection: let the server's thread for it start first
                            for (int i = 0; i < 3; i++) {
                                rawClient.exchange(LeanSseServer.ID_PREFIX + "rw" + ids.incrementAndGet(),
                                        new long[chunks + 4]);
                            }
                        }
                        for (int i = 0; i < perWorker; i++) {
                            String id = LeanSseServer.ID_PREFIX + prefix + ids.incrementAndGet();
                            if (rawClient != null) {
                                long[] arrivals = new long[chunks + 4]; // role, content..., finish, usage, [DONE]
                                long t0 = rawClient.exchange(id, arrivals);
                                long[] times = new long[arrivals.length + 1];
                                times[0] = t0;
                                System.arraycopy(arrivals, 0, times, 1, arrivals.length);
                                mine.add(new Sent(id, null, times, null));
                                continue;
                            }
                            ChatRequest request = new ChatRequest(BenchServer.MODEL, List.of(new ChatMessage("user", id)),
                                    chunks, 0.0, 42L, true, Map.of());
                            RecordingMeter meter = new RecordingMeter(true);
                            ModelClientException failure = null;
                            try {
                                client.chat(request, meter);
                            } catch (ModelClientException e) {
                                failure = e;
                            }
                            mine.add(new Sent(id, meter, null, failure));
                        }
                    } finally {
                        if (rawClient != null) {
                            rawClient.close();
                        }
                    }
                    return mine;
                }));
            }
            for (Future<List<Sent>> f : workers) {
                out.addAll(f.get());
            }
        }
    }
}
