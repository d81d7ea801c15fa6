package dev.nightbench.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Nightbench's measurement-accuracy benchmark: runs sections (a) timing error, (b) streamed throughput beside
 * wrk, (c) job overhead and the cold-start comparison, each several times, prints one table of medians and
 * exits 1 when a target is missed. Run it with {@code bench/timing/run.sh}; bench/README.md explains every figure.
 *
 * <pre>
 * options: --repeat N (3)  --sections b,a,c,cold (all)  --server lean|sim (lean)  --gap-ms N (10)
 *          --threads platform|virtual (the c=64 workers of section a; platform)  --quick  --out FILE
 * </pre>
 */
public final class TimingBenchmark {

    private TimingBenchmark() {
    }

    /** One row of the table: a figure, its target (or none), and the value of every repeat. */
    private record Row(String section, String figure, String target, List<Double> values, double limit,
                       boolean atMost, String unit) {
        double median() {
            return Samples.median(values);
        }

        Boolean met() {
            if (Double.isNaN(limit)) {
                return null;
            }
            return atMost ? median() <= limit : median() >= limit;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int repeat = Integer.parseInt(options.getOrDefault("repeat", "3"));
        boolean quick = options.containsKey("quick");
        String serverKind = options.getOrDefault("server", "lean");
        Set<String> sections = new LinkedHashSet<>(List.of(options.getOrDefault("sections", "b,a,c,cold")
                .split(",")));
        Path work = Files.createTempDirectory("nightbench-bench");
        Path jar = Path.of(options.getOrDefault("jar", "target/nightbench.jar")).toAbsolutePath();
        String classPath = System.getProperty("java.class.path");

        List<Row> rows = new ArrayList<>();
        double loadBefore = load();
        long started = System.nanoTime();

        if (sections.contains("b")) {
            Duration length = Duration.ofSeconds(quick ? 4 : 8);
            StreamThroughput b = new StreamThroughput(serverKind, 16, 64, length);
            b.warmUp(Duration.ofSeconds(quick ? 8 : 20));
            List<StreamThroughput.Result> runs = new ArrayList<>();
            for (int r = 0; r < repeat; r++) {
                StreamThroughput.Result result = b.run(work);
                progress("(b) run %d: Nightbench %.0f req/s (%d failed, %.0f µs CPU/request), wrk %.0f req/s %s, ratio %.2f",
                        r + 1, result.nightbenchRps(), result.nightbenchFailed(), result.cpuMsPerRequest() * 1000,
                        result.wrkRps(), result.wrkNote(), result.ratio());
                runs.add(result);
            }
            b.close();
            rows.add(row("b", "Nightbench streamed req/s (16 chunks, 64 virtual threads)", "", runs,
                    StreamThroughput.Result::nightbenchRps, Double.NaN, true, "req/s"));
            rows.add(row("b", "wrk req/s, same server, -t2 -c64", "", runs, StreamThroughput.Result::wrkRps,
                    Double.NaN, true, "req/s"));
            rows.add(row("b", "ratio Nightbench ÷ wrk", "≥ 0.5", runs, StreamThroughput.Result::ratio, 0.5, false,
                    ""));
            rows.add(row("b", "process CPU per Nightbench request (client + server)", "", runs,
                    r -> r.cpuMsPerRequest() * 1000, Double.NaN, true, "µs"));
        }

        if (sections.contains("a")) {
            int gapMs = Integer.parseInt(options.getOrDefault("gap-ms", "10"));
            boolean virtual64 = "virtual".equals(options.get("threads"));
            for (int concurrency : new int[] {1, 64}) {
                // c=1 on a platform thread, as the job's step thread; c=64 on platform threads unless --threads virtual
                TimingAccuracy a = new TimingAccuracy(serverKind, 20, gapMs, 16, concurrency > 1 && virtual64);
                int perWorker = concurrency == 1 ? (quick ? 40 : 100) : (quick ? 4 : 10);
                double ttftLimit = concurrency == 1 ? 2.0 : 5.0;
                TimingAccuracy floor = serverKind.equals("lean")
                        ? new TimingAccuracy(serverKind, 20, gapMs, 16, concurrency > 1 && virtual64).raw() : null;
                List<TimingAccuracy.Result> runs = new ArrayList<>();
                List<TimingAccuracy.Result> floors = new ArrayList<>();
                for (int r = 0; r < repeat; r++) {
                    TimingAccuracy.Result result = a.run(concurrency, perWorker);
                    progress("(a) c=%d run %d: %d requests (%d failed); TTFT error p50 %.3f p99 %.3f ms "
                                    + "(upstream p50 %.3f, downstream p50 %.3f); gap error p50 %.3f p99 %.3f ms; "
                                    + "server lateness p99 %.3f ms",
                            concurrency, r + 1, result.requests(), result.failed(), result.ttftError().quantile(0.5),
                            result.ttftError().absQuantile(0.99), result.upstream().quantile(0.5),
                            result.downstream().quantile(0.5), result.gapError().quantile(0.5),
                            result.gapError().absQuantile(0.99), result.serverLateness().quantile(0.99));
                    runs.add(result);
                    if (floor != null) {
                        TimingAccuracy.Result f = floor.run(concurrency, perWorker);
                        progress("(a) c=%d run %d, raw-socket floor: TTFT error p50 %.3f p99 %.3f ms; gap error p99 "
                                        + "%.3f ms", concurrency, r + 1, f.ttftError().quantile(0.5),
                                f.ttftError().absQuantile(0.99), f.gapError().absQuantile(0.99));
                        floors.add(f);
                    }
                }
                String c = "c=" + concurrency + (concurrency > 1 && virtual64 ? " (virtual threads)" : "");
                rows.add(row("a", "TTFT error p50, " + c, "", runs, r -> r.ttftError().quantile(0.5), Double.NaN,
                        true, "ms"));
                rows.add(row("a", "TTFT error p99 (|error|), " + c, "≤ " + ttftLimit + " ms", runs,
                        r -> r.ttftError().absQuantile(0.99), ttftLimit, true, "ms"));
                rows.add(row("a", "  upstream p50 (t0 → server read request), " + c, "", runs,
                        r -> r.upstream().quantile(0.5), Double.NaN, true, "ms"));
                rows.add(row("a", "  upstream p99, " + c, "", runs, r -> r.upstream().quantile(0.99), Double.NaN,
                        true, "ms"));
                rows.add(row("a", "  downstream p50 (server flush → client stamp), " + c, "", runs,
                        r -> r.downstream().quantile(0.5), Double.NaN, true, "ms"));
                rows.add(row("a", "  downstream p99, " + c, "", runs, r -> r.downstream().quantile(0.99),
                        Double.NaN, true, "ms"));
                rows.add(row("a", "chunk-gap error p50, " + c, "", runs, r -> r.gapError().quantile(0.5),
                        Double.NaN, true, "ms"));
                rows.add(row("a", "chunk-gap error p99 (|error|), " + c, "", runs,
                        r -> r.gapError().absQuantile(0.99), Double.NaN, true, "ms"));
                rows.add(row("a", "server lateness p99 (actual − scripted delay), " + c, "", runs,
                        r -> r.serverLateness().quantile(0.99), Double.NaN, true, "ms"));
                if (!floors.isEmpty()) {
                    rows.add(row("a", "floor: raw-socket client TTFT error p50, " + c, "", floors,
                            r -> r.ttftError().quantile(0.5), Double.NaN, true, "ms"));
                    rows.add(row("a", "floor: raw-socket client TTFT error p99, " + c, "", floors,
                            r -> r.ttftError().absQuantile(0.99), Double.NaN, true, "ms"));
                    rows.add(row("a", "floor: raw-socket client chunk-gap error p99, " + c, "", floors,
                            r -> r.gapError().absQuantile(0.99), Double.NaN, true, "ms"));
                }
            }
        }

        if (sections.contains("c")) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build it with ./mvnw -DskipTests package");
            }
            JobOverhead c = new JobOverhead(jar, 2, 3, 5, 50, 10, 16);
            List<JobOverhead.Result> runs = c.run(work.resolve("job"), repeat);
            for (int r = 0; r < runs.size(); r++) {
                JobOverhead.Result x = runs.get(r);
                progress("(c) run %d: %d requests, scripted %.0f ms, server %.0f ms, Σ total_ms %.0f ms, measure step "
                                + "%.0f ms (overhead %.2f %%), warm-up step %.0f ms, process %.0f ms",
                        r + 1, x.requests(), x.scriptedMs(), x.serverMs(), x.sumTotalMs(), x.measureStepMs(),
                        x.overhead() * 100, x.warmUpStepMs(), x.processWallMs());
            }
            rows.add(row("c", "scripted total of the measured requests", "", runs, JobOverhead.Result::scriptedMs,
                    Double.NaN, true, "ms"));
            rows.add(row("c", "measure step wall ÷ scripted total − 1", "≤ 5 %", runs, r -> r.overhead() * 100, 5.0,
                    true, "%"));
            rows.add(row("c", "  server's own lateness (server actual ÷ scripted − 1)", "", runs,
                    r -> (r.serverMs() / r.scriptedMs() - 1) * 100, Double.NaN, true, "%"));
            rows.add(row("c", "  client's share (Σ total_ms ÷ server actual − 1)", "", runs,
                    r -> (r.sumTotalMs() / r.serverMs() - 1) * 100, Double.NaN, true, "%"));
            rows.add(row("c", "  job between requests (step wall − Σ total_ms) per request", "", runs,
                    r -> (r.measureStepMs() - r.sumTotalMs()) / r.requests(), Double.NaN, true, "ms"));
            rows.add(row("c", "whole job process wall, JVM + DB start included", "", runs,
                    JobOverhead.Result::processWallMs, Double.NaN, true, "ms"));
        }

        if (sections.contains("cold")) {
            List<ColdStart.Probe> probes = new ColdStart(classPath, 20).run(Math.max(repeat, quick ? 3 : 5));
            for (ColdStart.Probe p : probes) {
                progress("(cold) %s: first TTFT %.1f ms (error %.1f), prep %.1f ms, second TTFT %.1f ms, "
                                + "client constructor %.0f ms", p.warmUp() ? "with warm-up   " : "without warm-up",
                        p.firstTtftMs(), p.firstErrorMs(), p.firstPrepMs(), p.secondTtftMs(), p.constructorMs());
            }
            for (boolean warm : new boolean[] {false, true}) {
                List<ColdStart.Probe> mode = ColdStart.byMode(probes).get(warm);
                String w = warm ? "with class warm-up" : "without class warm-up";
                rows.add(row("cold", "first-request TTFT (scripted 20 ms), " + w, "", mode,
                        ColdStart.Probe::firstTtftMs, Double.NaN, true, "ms"));
                rows.add(row("cold", "  its error vs the server, " + w, "", mode, ColdStart.Probe::firstErrorMs,
                        Double.NaN, true, "ms"));
                rows.add(row("cold", "  its prep_ms (before t0), " + w, "", mode, ColdStart.Probe::firstPrepMs,
                        Double.NaN, true, "ms"));
                rows.add(row("cold", "  client constructor, " + w, "", mode, ColdStart.Probe::constructorMs,
                        Double.NaN, true, "ms"));
                rows.add(row("cold", "second-request TTFT, " + w, "", mode, ColdStart.Probe::secondTtftMs,
                        Double.NaN, true, "ms"));
            }
        }

        String table = table(rows, repeat, serverKind, loadBefore, load(),
                Duration.ofNanos(System.nanoTime() - started));
        System.out.println(table);
        if (options.containsKey("out")) {
            Files.writeString(Path.of(options.get("out")), table);
        }
        boolean missed = rows.stream().anyMatch(r -> Boolean.FALSE.equals(r.met()));
        System.exit(missed ? 1 : 0);
    }

    private static <T> Row row(String section, String figure, String target, List<T> runs, Function<T, Double> value,
                               double limit, boolean atMost, String unit) {
        List<Double> values = runs.stream().map(value).toList();
        return new Row(section, figure, target, values, limit, atMost, unit);
    }

    private static String table(List<Row> rows, int repeat, String server, double loadBefore, double loadAfter,
                                Duration took) {
        StringBuilder sb = new StringBuilder();
        sb.append("Nightbench timing benchmark, ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))).append('\n');
        sb.append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", load average ").append(String.format(Locale.ROOT, "%.1f", loadBefore)).append(" → ")
                .append(String.format(Locale.ROOT, "%.1f", loadAfter)).append("; nice ")
                .append(System.getProperty("bench.nice", "0")).append("; server: ").append(server)
                .append("; medians of ").append(repeat).append(" runs (cold start: of the fresh JVMs); took ")
                .append(took.toSeconds()).append(" s\n\n");
        sb.append("| § | figure | median | runs | target | met |\n|---|---|---:|---|---|---|\n");
        for (Row r : rows) {
            Boolean met = r.met();
            sb.append("| ").append(r.section()).append(" | ").append(r.figure()).append(" | ")
                    .append(format(r.median())).append(r.unit().isEmpty() ? "" : " " + r.unit()).append(" | ")
                    .append(String.join(", ", r.values().stream().map(TimingBenchmark::format).toList()))
                    .append(" | ").append(r.target()).append(" | ")
                    .append(met == null ? "" : met ? "yes" : "**NO**").append(" |\n");
        }
        return sb.toString();
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void progress(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }

    private static Map<String, String> options(String[] args) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IOException("unknown argument: " + a);
            }
            String name = a.substring(2);
            if (name.equals("quick")) {
                options.put(name, "true");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IOException(a + " needs a value");
            }
        }
        return options;
    }
}
