package dev.nightbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Nightbench's measurement-accuracy benchmark: runs sections (a) timing error, (b) streamed throughput beside
 * wrk, (c) job overhead and the cold-start comparison, each several times, prints one table of medians and
 * exits 1 when a target is missed. Run it with {@code bench/timing/run.sh}; bench/README.md explains every figure.
 *
 * <pre>
 * options: --repeat N (3)  --sections b,a,c,cold (all)  --server lean|sim (lean)  --gap-ms N (10)
 *          --threads platform|virtual (the c=64 workers of section a; platform)  --quick  --out FILE
 *          --warmup-cap SECONDS (40, quick 16: the most time the JIT warm-up may take to reach a stable rate)
 * </pre>
 */
public final class TimingBenchmark {

    /** Others' CPU share above which a missed target is marked "host busy". */
    static final double BUSY_HOST = 0.25;

    private TimingBenchmark() {
    }

    /**
     * One row of the table: a figure, its target (or none), the value of every repeat and the host load during
     * each repeat.
     */
    private record Row(String section, String figure, String target, List<Double> values, double limit,
                       boolean atMost, String unit, List<HostLoad.Window> loads) {
        double median() {
            return Samples.median(values);
        }

        String spread() {
            List<Double> v = values.stream().filter(d -> !d.isNaN()).toList();
            if (v.size() < 2) {
                return "";
            }
            return format(v.stream().mapToDouble(Double::doubleValue).min().orElseThrow()) + "–"
                    + format(v.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        }

        /**
         * True when other processes took more than {@link #BUSY_HOST} of the CPU in the median run: a missed target
         * then describes the host more than Nightbench, and the table says so (the exit code still says missed).
         */
        boolean hostBusy() {
            List<Double> shares = loads.stream().map(HostLoad.Window::othersCpuShare).filter(d -> !d.isNaN()).toList();
            return !shares.isEmpty() && Samples.median(shares) > BUSY_HOST;
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
        // wrk's script, the job's plans, logs and database: removed however the benchmark ends (exit, Ctrl-C)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(work)));
        Path jar = Path.of(options.getOrDefault("jar", "target/nightbench.jar")).toAbsolutePath();
        String classPath = System.getProperty("java.class.path");

        List<Row> rows = new ArrayList<>();
        HostLoad.Snapshot startLoad = HostLoad.snapshot();
        long started = System.nanoTime();

        // Warm the JIT on the client's streaming path until its throughput is stable, before anything is timed:
        // windows of 2 s of the closed loop of (b) until two in a row differ by < 5 %, at most --warmup-cap seconds.
        String warmUpNote = "none";
        StreamThroughput b = null;
        if (sections.contains("b") || sections.contains("a")) {
            b = new StreamThroughput(serverKind, 16, 64, Duration.ofSeconds(quick ? 4 : 8));
            Duration cap = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup-cap", quick ? "16" : "40")));
            HostLoad.Snapshot before = HostLoad.snapshot();
            StreamThroughput.WarmUp w = b.warmUp(Duration.ofSeconds(2), 0.05, cap);
            HostLoad.Window load = HostLoad.between(before, HostLoad.snapshot());
            warmUpNote = String.format(Locale.ROOT, "%s after %.0f s, %d windows of 2 s (req/s: %s; JIT compile ms: %s); "
                            + "load %s, others' CPU %s",
                    w.stable() ? "stable (last two within 5 %, compiling < 5 % of the window)" : "NOT stable at the cap",
                    w.seconds(), w.windowRps().size(),
                    String.join(", ", w.windowRps().stream().map(TimingBenchmark::format).toList()),
                    String.join(", ", w.windowCompileMs().stream().map(TimingBenchmark::format).toList()),
                    HostLoad.load1Range(List.of(load)), HostLoad.othersRange(List.of(load)));
            progress("JIT warm-up: %s", warmUpNote);
        }

        if (sections.contains("b")) {
            List<StreamThroughput.Result> runs = new ArrayList<>();
            List<HostLoad.Window> loads = new ArrayList<>();
            for (int r = 0; r < repeat; r++) {
                HostLoad.Snapshot before = HostLoad.snapshot();
                StreamThroughput.Result result = b.run(work);
                HostLoad.Window load = HostLoad.between(before, HostLoad.snapshot());
                progress("(b) run %d: Nightbench %.0f req/s (%d failed, %.0f µs CPU/request), wrk %.0f req/s %s, ratio %.2f; "
                                + "load %.1f, others' CPU %.0f %%",
                        r + 1, result.nightbenchRps(), result.nightbenchFailed(), result.cpuMsPerRequest() * 1000,
                        result.wrkRps(), result.wrkNote(), result.ratio(), load.load1Max(),
                        load.othersCpuShare() * 100);
                runs.add(result);
                loads.add(load);
            }
            rows.add(row("b", "Nightbench streamed req/s (16 chunks, 64 virtual threads)", "", runs, loads,
                    StreamThroughput.Result::nightbenchRps, Double.NaN, true, "req/s"));
            rows.add(row("b", "wrk req/s, same server, -t2 -c64 (mean of before and after)", "", runs, loads,
                    StreamThroughput.Result::wrkRps, Double.NaN, true, "req/s"));
            rows.add(row("b", "ratio Nightbench ÷ wrk", "≥ 0.5", runs, loads, StreamThroughput.Result::ratio, 0.5,
                    false, ""));
            rows.add(row("b", "process CPU per Nightbench request (client + server)", "", runs, loads,
                    r -> r.cpuMsPerRequest() * 1000, Double.NaN, true, "µs"));
        }
        if (b != null) {
            b.close();
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
                List<HostLoad.Window> loads = new ArrayList<>();
                List<HostLoad.Window> floorLoads = new ArrayList<>();
                for (int r = 0; r < repeat; r++) {
                    HostLoad.Snapshot before = HostLoad.snapshot();
                    TimingAccuracy.Result result = a.run(concurrency, perWorker);
                    HostLoad.Window load = HostLoad.between(before, HostLoad.snapshot());
                    loads.add(load);
                    progress("(a) c=%d run %d: %d requests (%d failed); TTFT error p50 %.3f p99 %.3f ms "
                                    + "(upstream p50 %.3f, downstream p50 %.3f); gap error p50 %.3f p99 %.3f ms; "
                                    + "server lateness p99 %.3f ms; load %.1f, others' CPU %.0f %%",
                            concurrency, r + 1, result.requests(), result.failed(), result.ttftError().quantile(0.5),
                            result.ttftError().absQuantile(0.99), result.upstream().quantile(0.5),
                            result.downstream().quantile(0.5), result.gapError().quantile(0.5),
                            result.gapError().absQuantile(0.99), result.serverLateness().quantile(0.99),
                            load.load1Max(), load.othersCpuShare() * 100);
                    runs.add(result);
                    if (floor != null) {
                        HostLoad.Snapshot floorBefore = HostLoad.snapshot();
                        TimingAccuracy.Result f = floor.run(concurrency, perWorker);
                        floorLoads.add(HostLoad.between(floorBefore, HostLoad.snapshot()));
                        progress("(a) c=%d run %d, raw-socket floor: TTFT error p50 %.3f p99 %.3f ms; gap error p99 "
                                        + "%.3f ms", concurrency, r + 1, f.ttftError().quantile(0.5),
                                f.ttftError().absQuantile(0.99), f.gapError().absQuantile(0.99));
                        floors.add(f);
                    }
                }
                String c = "c=" + concurrency + (concurrency > 1 && virtual64 ? " (virtual threads)" : "");
                rows.add(row("a", "TTFT error p50, " + c, "", runs, loads, r -> r.ttftError().quantile(0.5), Double.NaN,
                        true, "ms"));
                rows.add(row("a", "TTFT error p99 (of the abs. error), " + c, "≤ " + ttftLimit + " ms", runs, loads,
                        r -> r.ttftError().absQuantile(0.99), ttftLimit, true, "ms"));
                rows.add(row("a", "  upstream p50 (t0 → server read request), " + c, "", runs, loads,
                        r -> r.upstream().quantile(0.5), Double.NaN, true, "ms"));
                rows.add(row("a", "  upstream p99, " + c, "", runs, loads, r -> r.upstream().quantile(0.99), Double.NaN,
                        true, "ms"));
                rows.add(row("a", "  downstream p50 (server flush → client stamp), " + c, "", runs, loads,
                        r -> r.downstream().quantile(0.5), Double.NaN, true, "ms"));
                rows.add(row("a", "  downstream p99, " + c, "", runs, loads, r -> r.downstream().quantile(0.99),
                        Double.NaN, true, "ms"));
                rows.add(row("a", "chunk-gap error p50, " + c, "", runs, loads, r -> r.gapError().quantile(0.5),
                        Double.NaN, true, "ms"));
                rows.add(row("a", "chunk-gap error p99 (of the abs. error), " + c, "", runs, loads,
                        r -> r.gapError().absQuantile(0.99), Double.NaN, true, "ms"));
                rows.add(row("a", "server lateness p99 (actual − scripted delay), " + c, "", runs, loads,
                        r -> r.serverLateness().quantile(0.99), Double.NaN, true, "ms"));
                if (!floors.isEmpty()) {
                    rows.add(row("a", "floor: raw-socket client TTFT error p50, " + c, "", floors, floorLoads,
                            r -> r.ttftError().quantile(0.5), Double.NaN, true, "ms"));
                    rows.add(row("a", "floor: raw-socket client TTFT error p99, " + c, "", floors, floorLoads,
                            r -> r.ttftError().absQuantile(0.99), Double.NaN, true, "ms"));
                    rows.add(row("a", "floor: raw-socket client chunk-gap error p99, " + c, "", floors, floorLoads,
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
            List<HostLoad.Window> loads = runs.stream().map(JobOverhead.Result::load).toList();
            for (int r = 0; r < runs.size(); r++) {
                JobOverhead.Result x = runs.get(r);
                progress("(c) run %d: %d requests, scripted %.0f ms, server %.0f ms, Σ total_ms %.0f ms, measure step "
                                + "%.0f ms (overhead %.2f %%), warm-up step %.0f ms, process %.0f ms; load %.1f, "
                                + "others' CPU %.0f %%",
                        r + 1, x.requests(), x.scriptedMs(), x.serverMs(), x.sumTotalMs(), x.measureStepMs(),
                        x.overhead() * 100, x.warmUpStepMs(), x.processWallMs(), x.load().load1Max(),
                        x.load().othersCpuShare() * 100);
            }
            rows.add(row("c", "scripted total of the measured requests", "", runs, loads, JobOverhead.Result::scriptedMs,
                    Double.NaN, true, "ms"));
            rows.add(row("c", "measure step wall ÷ scripted total − 1", "≤ 5 %", runs, loads, r -> r.overhead() * 100, 5.0,
                    true, "%"));
            rows.add(row("c", "  server's own lateness (server actual ÷ scripted − 1)", "", runs, loads,
                    r -> (r.serverMs() / r.scriptedMs() - 1) * 100, Double.NaN, true, "%"));
            rows.add(row("c", "  client's share (Σ total_ms ÷ server actual − 1)", "", runs, loads,
                    r -> (r.sumTotalMs() / r.serverMs() - 1) * 100, Double.NaN, true, "%"));
            rows.add(row("c", "  job between requests (step wall − Σ total_ms) per request", "", runs, loads,
                    r -> (r.measureStepMs() - r.sumTotalMs()) / r.requests(), Double.NaN, true, "ms"));
            rows.add(row("c", "whole job process wall, JVM + DB start included", "", runs, loads,
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
                List<HostLoad.Window> loads = mode.stream().map(ColdStart.Probe::load).toList();
                rows.add(row("cold", "first-request TTFT (scripted 20 ms), " + w, "", mode, loads,
                        ColdStart.Probe::firstTtftMs, Double.NaN, true, "ms"));
                rows.add(row("cold", "  its error vs the server, " + w, "", mode, loads, ColdStart.Probe::firstErrorMs,
                        Double.NaN, true, "ms"));
                rows.add(row("cold", "  its prep_ms (before t0), " + w, "", mode, loads, ColdStart.Probe::firstPrepMs,
                        Double.NaN, true, "ms"));
                rows.add(row("cold", "  client constructor, " + w, "", mode, loads, ColdStart.Probe::constructorMs,
                        Double.NaN, true, "ms"));
                rows.add(row("cold", "second-request TTFT, " + w, "", mode, loads, ColdStart.Probe::secondTtftMs,
                        Double.NaN, true, "ms"));
            }
        }

        HostLoad.Window whole = HostLoad.between(startLoad, HostLoad.snapshot());
        String table = table(rows, repeat, serverKind, whole, warmUpNote,
                Duration.ofNanos(System.nanoTime() - started));
        System.out.println(table);
        if (options.containsKey("out")) {
            Files.writeString(Path.of(options.get("out")), table);
        }
        boolean missed = rows.stream().anyMatch(r -> Boolean.FALSE.equals(r.met()));
        System.exit(missed ? 1 : 0);
    }

    private static <T> Row row(String section, String figure, String target, List<T> runs,
                               List<HostLoad.Window> loads, Function<T, Double> value, double limit, boolean atMost,
                               String unit) {
        List<Double> values = runs.stream().map(value).toList();
        return new Row(section, figure, target, values, limit, atMost, unit, loads);
    }

    private static String table(List<Row> rows, int repeat, String server, HostLoad.Window whole, String warmUp,
                                Duration took) {
        StringBuilder sb = new StringBuilder();
        sb.append("Nightbench timing benchmark, ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))).append('\n');
        sb.append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", load average ").append(String.format(Locale.ROOT, "%.1f", whole.load1Start())).append(" → ")
                .append(String.format(Locale.ROOT, "%.1f", whole.load1End())).append(", others' CPU over the whole run ")
                .append(HostLoad.othersRange(List.of(whole))).append("; nice ")
                .append(System.getProperty("bench.nice", "0")).append("; server: ").append(server)
                .append("; medians of ").append(repeat).append(" runs (cold start: of the fresh JVMs); took ")
                .append(took.toSeconds()).append(" s\n");
        sb.append("JIT warm-up: ").append(warmUp).append("\n");
        sb.append("spread = min–max over the runs; load 1-min = the 1-minute load average over the runs' starts and "
                + "ends; others' CPU = share of all cores' time taken by other processes during each run, median "
                + "(min–max)\n\n");
        sb.append("| § | figure | median | spread | runs | load 1-min | others' CPU | target | met |\n"
                + "|---|---|---:|---:|---|---:|---:|---|---|\n");
        for (Row r : rows) {
            Boolean met = r.met();
            sb.append("| ").append(r.section()).append(" | ").append(r.figure()).append(" | ")
                    .append(format(r.median())).append(r.unit().isEmpty() ? "" : " " + r.unit()).append(" | ")
                    .append(r.spread()).append(" | ")
                    .append(String.join(", ", r.values().stream().map(TimingBenchmark::format).toList()))
                    .append(" | ").append(HostLoad.load1Range(r.loads())).append(" | ")
                    .append(HostLoad.othersRange(r.loads())).append(" | ").append(r.target()).append(" | ")
                    .append(met == null ? "" : met ? "yes" : r.hostBusy() ? "**NO** (host busy)" : "**NO**")
                    .append(" |\n");
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

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
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
