package dev.nightbench.report;

import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long a run's report takes with a year of nightly history: builds 365 runs × 20 models × 50 prompts ×
 * 5 rounds (≈ 1.8 M measured request rows, plus warm-ups and summaries) with {@code generate_series}, the last
 * {@code bench.loadRuns} nights (default 2) with load cells too (every model: a concurrency sweep 1 to 16 that
 * breaks at 16, and rates 5 and 20 req/s, 32 requests a level), then times {@link ReportService#write(long)} for
 * the newest run: its load section and two load charts per model included. Tagged {@code bench}: the normal build excludes it;
 * {@code bench/report-scale/run.sh} runs it and prints the figures (also in {@code target/bench/report-scale.txt}).
 *
 * <p>System properties: {@code bench.db.url} (a PostgreSQL server where a scratch database is created and
 * dropped; default the embedded one the tests use), {@code bench.runs}, {@code bench.models},
 * {@code bench.prompts}, {@code bench.rounds}, {@code bench.repeats}, {@code bench.keep} (keep the scratch
 * database on {@code bench.db.url} to look at it with psql).
 */
@Tag("bench")
class ReportScaleBenchmark {

    private static final Logger log = LoggerFactory.getLogger(ReportScaleBenchmark.class);

    private final int runs = Integer.getInteger("bench.runs", 365);
    private final int models = Integer.getInteger("bench.models", 20);
    private final int prompts = Integer.getInteger("bench.prompts", 50);
    private final int rounds = Integer.getInteger("bench.rounds", 5);
    private final int repeats = Integer.getInteger("bench.repeats", 7);
    private final int loadRuns = Integer.getInteger("bench.loadRuns", 2);

    @Test
    void aReportWithAYearOfNightlyHistoryTakesAtMostTwoSeconds() throws Exception {
        String serverUrl = System.getProperty("bench.db.url");
        String scratch = "nb_report_bench_" + ProcessHandle.current().pid();
        String url = serverUrl == null ? TestDatabase.newDatabase() : createDatabase(serverUrl, scratch);
        try {
            History history = History.on(url, "postgres", null);
            Path reportsDir = Path.of("target/bench/reports").toAbsolutePath();
            if (Files.exists(reportsDir)) { // files of an earlier benchmark would be counted as this one's
                try (var old = Files.walk(reportsDir)) {
                    for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            // created before the history, as Spring creates it when the job starts (its chart warm-up included)
            ReportService service = history.reportService(TrendSettings.defaults(), reportsDir);
            long t0 = System.nanoTime();
            build(history);
            double buildSeconds = (System.nanoTime() - t0) / 1e9;
            long requestRows = history.jdbc.sql("SELECT count(*) FROM requests").query(Long.class).single();
            long measuredRows = history.jdbc.sql("SELECT count(*) FROM requests WHERE phase = 'measure'")
                    .query(Long.class).single();
            long newest = history.jdbc.sql("SELECT max(run_id) FROM runs").query(Long.class).single();

            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            double load = os.getSystemLoadAverage();
            List<Double> millis = new ArrayList<>();
            List<Double> cpuMillis = new ArrayList<>();
            for (int i = 0; i < repeats; i++) {
                long cpu = os.getProcessCpuTime();
                long start = System.nanoTime();
                service.write(newest);
                millis.add((System.nanoTime() - start) / 1e6);
                cpuMillis.add((os.getProcessCpuTime() - cpu) / 1e6);
            }
            List<Double> warm = new ArrayList<>(millis.subList(1, millis.size()));
            warm.sort(null);
            double median = warm.get(warm.size() / 2);
            List<Double> warmCpu = new ArrayList<>(cpuMillis.subList(1, cpuMillis.size()));
            warmCpu.sort(null);
            long comparisons = history.jdbc.sql("SELECT count(*) FROM comparisons WHERE run_id = ?").param(newest)
                    .query(Long.class).single();
            long regressions = history.jdbc.sql("SELECT count(*) FROM run_regressions WHERE run_id = ?").param(newest)
                    .query(Long.class).single();
            long loadLevels = history.jdbc.sql("SELECT count(*) FROM load_phases WHERE run_id = ?").param(newest)
                    .query(Long.class).single();
            long loadCharts;
            try (var files = Files.list(reportsDir)) {
                Path dir = files.filter(d -> d.getFileName().toString().matches(".+_" + newest + "_[0-9a-f]{8}")).findFirst().orElseThrow();
                try (var pngs = Files.list(dir)) {
                    loadCharts = pngs.filter(f -> f.getFileName().toString().startsWith("load-")).count();
                }
            }
            String server = history.jdbc.sql("SHOW server_version").query(String.class).single();

            String result = String.format(Locale.ROOT, """
                            report-scale: PostgreSQL %s (%s); %d CPU(s), load average %.1f when timing started
                              history: %d runs x %d models x %d prompts x %d rounds = %,d measured request rows (%,d rows in requests), built in %.0f s
                              load: the last %d run(s) with load cells; the newest has %d load levels, %d load charts
                              ReportService.write(run %d): first call in this JVM %.0f ms; then %s ms; median %.0f ms
                              JVM CPU time per write (all threads, PostgreSQL not included): median %.0f ms
                              comparisons stored: %d (%d regressed)
                            """, server, serverUrl == null ? "embedded" : serverUrl, os.getAvailableProcessors(), load,
                    runs, models, prompts, rounds, measuredRows, requestRows, buildSeconds, loadRuns, loadLevels, loadCharts,
                    newest, millis.getFirst(),
                    warm.stream().map(m -> String.format(Locale.ROOT, "%.0f", m)).toList(), median,
                    warmCpu.get(warmCpu.size() / 2), comparisons, regressions);
            log.info("\n{}", result);
            Files.createDirectories(Path.of("target/bench"));
            Files.writeString(Path.of("target/bench/report-scale.txt"), result);
            assertThat(median).as("median report time in ms").isLessThanOrEqualTo(2000);
        } finally {
            if (serverUrl != null && !Boolean.getBoolean("bench.keep")) {
                dropDatabase(serverUrl, scratch);
            }
        }
    }

    /** A year of nights in a few set-based statements; the newest night has its first model 30 % slower. */
    private void build(History h) {
        h.jdbc.sql("""
                INSERT INTO runs (job_instance_id, plan_name, plan_path, plan_hash, plan_snapshot, run_date, simulated,
                                  host, nightbench_version, status, started_at, finished_at)
                SELECT 100000 + n, 'nightly', 'jobs/nightly.yaml', 'plan-hash', 'name: nightly', DATE '2025-11-22' + n,
                       false, 'bench-host', '0.1.0-bench', 'COMPLETED',
                       (DATE '2025-11-22' + n) + TIME '02:00', (DATE '2025-11-22' + n) + TIME '03:00'
                FROM generate_series(1, ?) n""").param(runs).update();
        h.jdbc.sql("""
                INSERT INTO run_models (run_id, model_alias, ordinal, endpoint_name, base_url, server_model, simulated,
                                        availability)
                SELECT r.run_id, 'model-' || lpad(m::text, 2, '0'), m, 'local', 'http://127.0.0.1:11434/v1',
                       'server-model-' || m, false, 'available'
                FROM runs r, generate_series(1, ?) m""").param(models).update();
        h.jdbc.sql("""
                INSERT INTO prompts (text_sha256, text)
                SELECT encode(sha256(convert_to('Prompt ' || p, 'UTF8')), 'hex'), 'Prompt ' || p
                FROM generate_series(1, ?) p""").param(prompts).update();
        h.jdbc.sql("""
                INSERT INTO run_prompts (run_id, prompt_id, ordinal, text_sha256)
                SELECT r.run_id, 'p' || lpad(p::text, 2, '0'), p, encode(sha256(convert_to('Prompt ' || p, 'UTF8')), 'hex')
                FROM runs r, generate_series(1, ?) p""").param(prompts).update();
        // TTFT ~ 100 + 10 m ms, e2e ~ TTFT + 99 TPOT, TPOT ~ 10 + m/2 ms, each with ±15 % noise; 1 in 500 fails
        h.jdbc.sql("""
                INSERT INTO requests (run_id, phase, cell_index, request_index, attempt, is_final, model_alias, prompt_id,
                                      round, status, started_at, streamed, simulated, ttft_ms, e2e_ms, total_ms,
                                      output_tokens, tokens_source, tpot_ms, decode_tps, e2e_tps, response_prefix)
                SELECT run_id, 'measure', cell, round - 1, 1, true, model_alias, prompt_id, round, status, started_at,
                       true, false, ttft, e2e, e2e + 1, 100, 'usage', tpot, 1000 / tpot, 100 / (e2e / 1000),
                       'Answer of ' || model_alias || ' to ' || prompt_id
                FROM (SELECT r.run_id, r.started_at, (m - 1) * ? + (p - 1) AS cell, round,
                             'model-' || lpad(m::text, 2, '0') AS model_alias, 'p' || lpad(p::text, 2, '0') AS prompt_id,
                             CASE WHEN random() < 0.002 THEN 'timeout' ELSE 'ok' END AS status,
                             (100 + 10 * m) * (0.85 + 0.3 * random()) * slow AS ttft,
                             (10 + m / 2.0) * (0.85 + 0.3 * random()) * slow AS tpot
                      FROM (SELECT run_id, started_at,
                                   CASE WHEN run_id = (SELECT max(run_id) FROM runs) THEN 1 ELSE 0 END AS newest
                            FROM runs) r
                      CROSS JOIN generate_series(1, ?) m
                      CROSS JOIN generate_series(1, ?) p
                      CROSS JOIN generate_series(1, ?) round
                      CROSS JOIN LATERAL (SELECT CASE WHEN r.newest = 1 AND m = 1 THEN 1.3 ELSE 1 END AS slow) s) x
                CROSS JOIN LATERAL (SELECT ttft + 99 * tpot AS e2e) e""")
                .params(prompts, models, prompts, rounds).update();
        h.jdbc.sql("""
                UPDATE requests SET ttft_ms = NULL, e2e_ms = NULL, total_ms = NULL, output_tokens = NULL, tpot_ms = NULL,
                                    decode_tps = NULL, e2e_tps = NULL, response_prefix = NULL, error_type = 'timeout'
                WHERE status <> 'ok'""").update();
        h.jdbc.sql("""
                INSERT INTO requests (run_id, phase, cell_index, request_index, attempt, is_final, model_alias, prompt_id,
                                      status, started_at, streamed, simulated, ttft_ms, e2e_ms, total_ms)
                SELECT r.run_id, 'warmup', m - 1, 0, 1, true, 'model-' || lpad(m::text, 2, '0'), 'p01', 'ok',
                       r.started_at, true, false, 900, 2000, 2001
                FROM runs r, generate_series(1, ?) m""").param(models).update();
        load(h);
        for (long run : h.jdbc.sql("SELECT run_id FROM runs ORDER BY run_id").query(Long.class).list()) {
            h.aggregate(run);
        }
        loadFigures(h);
        h.jdbc.sql("ANALYZE").update();
    }

    /**
     * Load cells for the last {@code loadRuns} nights, after their latency cells: per model a concurrency sweep 1, 2,
     * 4, 8, 16 (16 breaks the TTFT SLO: TTFT grows with the concurrency) and rates 5 and 20 req/s, 32 requests each,
     * prompts cycled; open-loop requests lag a few ms behind schedule.
     */
    private void load(History h) {
        h.jdbc.sql("UPDATE runs SET slo_ttft_ms = 400, slo_e2e_ms = 5000, slo_max_error_rate = 0.05").update();
        h.jdbc.sql("""
                CREATE TEMP TABLE bench_levels AS
                SELECT r.run_id, r.started_at, m, l.mode, l.level, l.ordinal,
                       ? * ? + (m - 1) * 7 + l.ordinal AS cell
                FROM (SELECT run_id, started_at FROM runs ORDER BY run_id DESC LIMIT ?) r
                CROSS JOIN generate_series(1, ?) m
                CROSS JOIN (VALUES ('concurrency', 1.0, 0), ('concurrency', 2.0, 1), ('concurrency', 4.0, 2),
                                   ('concurrency', 8.0, 3), ('concurrency', 16.0, 4), ('rate', 5.0, 5),
                                   ('rate', 20.0, 6)) l(mode, level, ordinal)""")
                .params(models, prompts, loadRuns, models).update();
        h.jdbc.sql("""
                INSERT INTO requests (run_id, phase, cell_index, request_index, attempt, is_final, model_alias, prompt_id,
                                      load_mode, load_level, status, started_at, scheduled_lag_ms, streamed, simulated,
                                      ttft_ms, e2e_ms, total_ms, output_tokens, tokens_source, tpot_ms, decode_tps, e2e_tps)
                SELECT run_id, 'measure', cell, i, 1, true, 'model-' || lpad(m::text, 2, '0'),
                       'p' || lpad((i % ? + 1)::text, 2, '0'), mode, level, 'ok', started_at,
                       CASE WHEN mode = 'rate' THEN 3 * random() END, true, false, ttft, ttft + 99 * tpot,
                       ttft + 99 * tpot + 1, 100, 'usage', tpot, 1000 / tpot, 100 / ((ttft + 99 * tpot) / 1000)
                FROM (SELECT b.*, i,
                             (100 + 10 * m) * (0.85 + 0.3 * random()) * (1 + CASE WHEN mode = 'concurrency' THEN level / 8 ELSE 0.1 END) AS ttft,
                             (10 + m / 2.0) * (0.85 + 0.3 * random()) * (1 + CASE WHEN mode = 'concurrency' THEN level / 16 ELSE 0.05 END) AS tpot
                      FROM bench_levels b CROSS JOIN generate_series(0, 31) i) x""")
                .param(prompts).update();
        h.jdbc.sql("""
                INSERT INTO load_phases (run_id, cell_index, model_alias, load_mode, load_level, sweep, offered_rate,
                                         planned_requests, requests, sent, ok_requests, wall_ms, max_in_flight, started_at,
                                         status, held, slo_broken)
                SELECT b.run_id, b.cell, 'model-' || lpad(b.m::text, 2, '0'), b.mode, b.level, b.mode = 'concurrency',
                       CASE WHEN b.mode = 'rate' THEN b.level END, 32, 32, 32, 32,
                       CASE WHEN b.mode = 'rate' THEN 32 * 1000 / b.level ELSE sum(q.e2e_ms) / b.level END, ceil(b.level),
                       b.started_at,
                       'ran', percentile_cont(0.95) WITHIN GROUP (ORDER BY q.ttft_ms) <= 400,
                       CASE WHEN percentile_cont(0.95) WITHIN GROUP (ORDER BY q.ttft_ms) > 400
                            THEN 'ttft_ms p95 ' || round(percentile_cont(0.95) WITHIN GROUP (ORDER BY q.ttft_ms)::numeric, 1)
                                 || ' ms > 400 ms' END
                FROM bench_levels b
                JOIN requests q ON q.run_id = b.run_id AND q.cell_index = b.cell
                GROUP BY b.run_id, b.cell, b.m, b.mode, b.level, b.started_at""").update();
        h.jdbc.sql("DROP TABLE bench_levels").update();
    }

    /** The load figures of the per-model load rows, as the job's aggregate step stores them. */
    private static void loadFigures(History h) {
        h.jdbc.sql("""
                UPDATE summaries s
                SET wall_ms = p.wall_ms, offered_rate = p.offered_rate, error_rate = 0, goodput = 1, goodput_requests = 32,
                    request_throughput = s.ok_requests / (p.wall_ms / 1000.0),
                    output_token_throughput = s.output_tokens / (p.wall_ms / 1000.0),
                    scheduled_lag_ms_mean = lag.mean, scheduled_lag_ms_p95 = lag.p95, scheduled_lag_ms_max = lag.max
                FROM load_phases p
                LEFT JOIN LATERAL (SELECT avg(scheduled_lag_ms) AS mean, max(scheduled_lag_ms) AS max,
                                          percentile_cont(0.95) WITHIN GROUP (ORDER BY scheduled_lag_ms) AS p95
                                   FROM requests q WHERE q.run_id = p.run_id AND q.cell_index = p.cell_index) lag ON true
                WHERE s.run_id = p.run_id AND s.model_alias = p.model_alias AND s.prompt_id = '*'
                  AND s.load_mode = p.load_mode AND s.load_level = p.load_level""").update();
    }

    private static String createDatabase(String serverUrl, String name) throws Exception {
        try (Connection c = DriverManager.getConnection(serverUrl, "postgres", null); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return serverUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
    }

    private static void dropDatabase(String serverUrl, String name) {
        try (Connection c = DriverManager.getConnection(serverUrl, "postgres", null); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (Exception e) {
            log.warn("could not drop the benchmark database {}: {}", name, e.getMessage());
        }
    }
}
