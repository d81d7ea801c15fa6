package dev.nightbench.bench;

import dev.nightbench.client.sim.Script;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold start: the TTFT of the first request in a fresh JVM, which the job stores as a model's
 * {@code cold_start_ms}, with and without the client's class warm-up. Fresh JVMs alternate between the two modes;
 * the server runs here, already warm, so only the client is cold. Error = client TTFT − the server's own
 * receive → first-content flush for that request.
 */
final class ColdStart {

    record Probe(boolean warmUp, double constructorMs, double firstTtftMs, double firstErrorMs,
                 double secondTtftMs, double firstPrepMs, HostLoad.Window load) {
    }

    private static final Pattern LINE = Pattern.compile(
            "constructor_ms=([0-9.]+) first_ttft_ms=([0-9.]+) second_ttft_ms=([0-9.]+) first_prep_ms=([0-9.]+)");

    private final String classPath;
    private final int ttftMs;

    ColdStart(String classPath, int ttftMs) {
        this.classPath = classPath;
        this.ttftMs = ttftMs;
    }

    List<Probe> run(int jvmsPerMode) throws Exception {
        Script script = Script.stream().role().delay(ttftMs).content("cold").delay(1).content(" start")
                .finish("stop").usage(8, 2).done();
        List<Probe> probes = new ArrayList<>();
        try (BenchServer server = BenchServer.start("lean", script, true)) {
            for (int i = 0; i < jvmsPerMode * 2; i++) {
                boolean warmUp = i % 2 == 1;
                String id = LeanSseServer.ID_PREFIX + "cold" + i;
                HostLoad.Snapshot before = HostLoad.snapshot();
                Process p = new ProcessBuilder(JobOverhead.javaCommand(), "-cp", classPath,
                        "-Dnightbench.client.warmup=" + warmUp, ColdStartProbe.class.getName(),
                        server.baseUrl().toString(), id).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new IOException("cold-start probe failed: " + out);
                }
                HostLoad.Window load = HostLoad.between(before, HostLoad.snapshot());
                Matcher m = LINE.matcher(out);
                if (!m.find()) {
                    throw new IOException("no result from the cold-start probe: " + out);
                }
                double first = Double.parseDouble(m.group(2));
                BenchServer.Record record = server.record(id + "a");
                double serverTtft = record == null ? Double.NaN
                        : (record.contentFlushNanos()[0] - record.receivedNanos()) / 1e6;
                probes.add(new Probe(warmUp, Double.parseDouble(m.group(1)), first, first - serverTtft,
                        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), load));
            }
        }
        return probes;
    }

    static Map<Boolean, List<Probe>> byMode(List<Probe> probes) {
        return Map.of(true, probes.stream().filter(Probe::warmUp).toList(),
                false, probes.stream().filter(p -> !p.warmUp()).toList());
    }
}
