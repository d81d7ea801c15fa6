package dev.nightbench.bench;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.client.sim.Script;
import dev.nightbench.measure.Measurement;
import dev.nightbench.measure.RequestMeter;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section (b): the most streamed requests per second Nightbench's client completes against a server that answers
 * instantly (16 content chunks, no delays), closed loop, beside {@code wrk} against the same server in the same
 * run. Each Nightbench request is a full {@code chat} call through {@link OpenAiModelClient} into a
 * {@link RequestMeter} and its {@link Measurement}, as in the job; a request counts when it completed ok.
 */
final class StreamThroughput {

    private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60));

    record Result(double nightbenchRps, long nightbenchOk, long nightbenchFailed, double cpuMsPerRequest,
                  double wrkRps, String wrkNote) {
        double ratio() {
            return nightbenchRps / wrkRps;
        }
    }

    private final String serverKind;
    private final int chunks;
    private final int concurrency;
    private final Duration duration;

    StreamThroughput(String serverKind, int chunks, int concurrency, Duration duration) {
        this.serverKind = serverKind;
        this.chunks = chunks;
        this.concurrency = concurrency;
        this.duration = duration;
    }

    Script script() {
        Script.StreamBuilder s = Script.stream().role();
        for (int i = 0; i < chunks; i++) {
            s.content(i == 0 ? "tok" : " tok");
        }
        return s.finish("stop").usage(8, chunks).done();
    }

    static ChatRequest request() {
        return new ChatRequest(BenchServer.MODEL, List.of(new ChatMessage("user", "Count to sixteen.")), 16, 0.0,
                42L, true, Map.of());
    }

    private BenchServer server;
    private OpenAiModelClient client;

    /**
     * What the warm-up did: the request rate of each window, and whether the last two were within the tolerance
     * of each other (false: the cap was reached first).
     */
    record WarmUp(List<Double> windowRps, List<Double> windowCompileMs, boolean stable, double seconds) {
    }

    /**
     * Starts the server and the client and runs Nightbench's closed loop, unmeasured, in windows of {@code window}
     * until two consecutive windows' request rates differ by less than {@code tolerance} (after at least three
     * windows: the first carries the connections and the interpreter) and the JIT compilers spent less than
     * {@code tolerance} of the last window compiling, or until {@code cap} has passed. On 2 busy cores the JIT takes
     * from 5 s to over 20 s to settle, so a fixed warm-up is either too short or wasted; and on a starved host the
     * rate can hold still at a fraction of its worth while the compile queue waits for CPU, which the compile-time
     * condition catches.
     */
    WarmUp warmUp(Duration window, double tolerance, Duration cap) throws Exception {
        if (server == null) {
            server = BenchServer.start(serverKind, script(), false);
            client = new OpenAiModelClient(server.baseUrl(), null, TIMEOUTS, NanoClock.SYSTEM);
        }
        long start = System.nanoTime();
        List<Double> rates = new ArrayList<>();
        List<Double> compileMs = new ArrayList<>();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean stable = false;
        while (!stable && System.nanoTime() - start < cap.toNanos()) {
            long compiledBefore = jit.getTotalCompilationTime();
            Loop loop = closedLoop(client, window);
            rates.add(loop.ok / loop.seconds);
            compileMs.add((double) (jit.getTotalCompilationTime() - compiledBefore));
            stable = isStable(rates, tolerance) && compileMs.getLast() < tolerance * loop.seconds * 1000;
        }
        return new WarmUp(rates, compileMs, stable, (System.nanoTime() - start) / 1e9);
    }

    /** At least three windows, and the last two within {@code tolerance} (relative) of each other. */
    static boolean isStable(List<Double> rates, double tolerance) {
        int n = rates.size();
        if (n < 3) {
            return false;
        }
        double last = rates.get(n - 1);
        double before = rates.get(n - 2);
        return before > 0 && Math.abs(last / before - 1) < tolerance;
    }

    /**
     * wrk for half the duration, Nightbench for the whole duration, wrk for the other half, against the same
     * server: wrk's figure is the mean of its two halves, so a change of host load during the run weighs on both
     * sides of the ratio alike instead of on whichever ran second.
     */
    Result run(Path workDir) throws Exception {
        if (server == null) {
            warmUp(Duration.ofSeconds(2), 0.05, Duration.ofSeconds(10));
        }
        String url = server.baseUrl().resolve("/v1/chat/completions").toString();
        Duration half = Duration.ofSeconds(Math.max(1, duration.toSeconds() / 2));
        Wrk.Result wrk1 = Wrk.run(url, bodyJson(), concurrency, half, workDir);
        long cpuBefore = processCpuNanos();
        Loop loop = closedLoop(client, duration);
        long cpu = processCpuNanos() - cpuBefore;
        Wrk.Result wrk2 = Wrk.run(url, bodyJson(), concurrency, half, workDir);
        long ok = loop.ok;
        String note = String.join("; ", List.of(wrk1.note(), wrk2.note()).stream().filter(n -> !n.isEmpty())
                .toList());
        return new Result(ok / loop.seconds, ok, loop.failed, ok == 0 ? Double.NaN : cpu / 1e6 / ok,
                (wrk1.requestsPerSecond() + wrk2.requestsPerSecond()) / 2, note);
    }

    void close() {
        if (client != null) {
            client.close();
            server.close();
        }
    }

    /** The body the SDK sends for {@link #request()}, for wrk to send the same bytes' worth. */
    static String bodyJson() {
        return "{\"messages\":[{\"content\":\"Count to sixteen.\",\"role\":\"user\"}],\"model\":\"" + BenchServer.MODEL
                + "\",\"max_tokens\":16,\"seed\":42,\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"temperature\":0.0}";
    }

    private record Loop(long ok, long failed, double seconds) {
    }

    private Loop closedLoop(OpenAiModelClient client, Duration length) throws Exception {
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        ChatRequest request = request();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        RequestMeter meter = new RequestMeter(true);
                        ModelClientException failure = null;
                        try {
                            client.chat(request, meter);
                        } catch (ModelClientException e) {
                            failure = e;
                        }
                        Measurement m = meter.toMeasurement(Instant.EPOCH, failure);
                        if (m.ok() && m.chunkCount() == chunks) {
                            ok.increment();
                        } else {
                            failed.increment();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(length.toSeconds() + 60, TimeUnit.SECONDS);
            }
        }
        return new Loop(ok.sum(), failed.sum(), (System.nanoTime() - start) / 1e9);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Runs {@code wrk} with a Lua script that POSTs the chat body. */
    static final class Wrk {

        record Result(double requestsPerSecond, String note) {
        }

        private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
        private static final Pattern ERRORS = Pattern.compile("(Socket errors:.*|Non-2xx or 3xx responses:.*)");

        static Result run(String url, String body, int connections, Duration duration, Path workDir)
                throws IOException, InterruptedException {
            Path lua = workDir.resolve("post.lua");
            Files.writeString(lua, luaScript(body));
            Process p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + duration.toSeconds() + "s",
                    "-s", lua.toString(), url).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("wrk failed: " + out);
            }
            return parse(out);
        }

        static Result parse(String out) {
            Matcher m = RPS.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("no Requests/sec in wrk's output: " + out);
            }
            List<String> notes = new ArrayList<>();
            Matcher e = ERRORS.matcher(out);
            while (e.find()) {
                notes.add(e.group(1).trim());
            }
            return new Result(Double.parseDouble(m.group(1)), String.join("; ", notes));
        }

        static String luaScript(String body) {
            return "wrk.method = \"POST\"\n"
                    + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                    + "wrk.headers[\"Accept\"] = \"text/event-stream\"\n"
                    + "wrk.body = [[" + body + "]]\n";
        }
    }
}
