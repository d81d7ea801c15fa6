package dev.nightbench.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.nightbench.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention on a large history: {@code bench.runs} nightly runs (default 1,000, one a day up to today) x
 * {@code bench.requestsPerRun} requests (default 10,000: 10 models x 50 prompts x 20 rounds), so 10 M request rows by
 * default, every fifth with an answer row, 200 telemetry samples and 510 summaries per run, built with
 * {@code generate_series} through the real Flyway schema. Then, in order:
 * <ol>
 *   <li>a partitioned copy of {@code requests} (monthly ranges on started_at) to compare DROP of old partitions with
 *       DELETE, timed on the copy (skipped with {@code -Dbench.partitions=false});</li>
 *   <li>{@link Retention#prune} {@code --older-than 180d --keep-summaries} with the default batches of 10,000;</li>
 *   <li>table sizes after the prune, after a plain VACUUM and after VACUUM FULL.</li>
 * </ol>
 * Tagged {@code bench}: {@code bench/prune/run.sh} runs it and prints {@code target/bench/prune.txt}.
 */
@Tag("bench")
class PruneBenchmark {

    private static final Logger log = LoggerFactory.getLogger(PruneBenchmark.class);
    private static final List<String> TABLES = List.of("requests", "answers", "summaries", "telemetry_samples");

    private final int runs = Integer.getInteger("bench.runs", 1000);
    private final int perRun = Integer.getInteger("bench.requestsPerRun", 10_000);
    private final boolean partitions = !"false".equals(System.getProperty("bench.partitions"));
    private final StringBuilder out = new StringBuilder();

    @Test
    void prunesTenMillionRequestRows() throws Exception {
        String serverUrl = System.getProperty("bench.db.url");
        String scratch = "nb_prune_bench_" + ProcessHandle.current().pid();
        String url = serverUrl == null ? TestDatabase.newDatabase() : createDatabase(serverUrl, scratch);
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(url);
            ds.setUsername("postgres");
            ds.setMaximumPoolSize(2);
            Flyway.configure().dataSource(ds).locations("filesystem:db/migration").placeholderReplacement(false)
                    .load().migrate();
            JdbcClient jdbc = JdbcClient.create(ds);
            line("prune: PostgreSQL %s (%s), %d CPU(s); loadavg at start: %s", jdbc.sql("SHOW server_version")
                    .query(String.class).single(), serverUrl == null ? "embedded" : serverUrl,
                    Runtime.getRuntime().availableProcessors(), loadavg());
            long t = System.nanoTime();
            build(jdbc);
            line("built %d runs x %d requests = %,d request rows in %.0f s; loadavg %s", runs, perRun,
                    count(jdbc, "requests"), seconds(t), loadavg());
            sizes(jdbc, "before");
            if (partitions) {
                partitioned(jdbc);
            }
            Retention retention = new Retention(jdbc, new DataSourceTransactionManager(ds), Clock.systemUTC());
            t = System.nanoTime();
            Retention.Result r = retention.prune(new Retention.Request(Duration.ofDays(180),
                    Retention.Mode.KEEP_SUMMARIES, false, 10_000, 0));
            double s = seconds(t);
            line("prune --older-than 180d --keep-summaries (batches of 10,000): %d runs, %,d rows in %.1f s = %,.0f rows/s "
                            + "(requests alone %,.0f/s); loadavg %s", r.runs().size(), r.total(), s, r.total() / s,
                    r.deleted().get("requests") / s, loadavg());
            line("  deleted: %s", r.deleted());
            assertThat(count(jdbc, "requests")).isEqualTo((long) (runs - r.runs().size()) * perRun);
            sizes(jdbc, "after prune");
            t = System.nanoTime();
            jdbc.sql("VACUUM (ANALYZE) requests").update();
            jdbc.sql("VACUUM (ANALYZE) answers").update();
            line("VACUUM requests, answers: %.1f s", seconds(t));
            sizes(jdbc, "after VACUUM");
            t = System.nanoTime();
            jdbc.sql("VACUUM FULL requests").update();
            jdbc.sql("VACUUM FULL answers").update();
            line("VACUUM FULL requests, answers: %.1f s (ACCESS EXCLUSIVE lock: no run may write meanwhile)", seconds(t));
            sizes(jdbc, "after VACUUM FULL");
            line("loadavg at end: %s", loadavg());
        } finally {
            if (serverUrl != null && !Boolean.getBoolean("bench.keep")) {
                dropDatabase(serverUrl, scratch);
            }
        }
        log.info("\n{}", out);
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/prune.txt"), out.toString());
    }

    /** One run a night up to today; every fifth request has an answer. */
    private void build(JdbcClient jdbc) {
        jdbc.sql("""
                INSERT INTO runs (job_instance_id, plan_name, plan_path, plan_hash, plan_snapshot, run_date, simulated, host,
                                  nightbench_version, status, started_at, finished_at)
                SELECT 100000 + n, 'nightly', 'jobs/nightly.yaml', 'plan-hash', 'name: nightly', current_date - (? - n),
                       false, 'bench-host', '0.1.0-bench', 'COMPLETED', (current_date - (? - n)) + TIME '02:00',
                       (current_date - (? - n)) + TIME '03:00'
                FROM generate_series(1, ?) n""").params(runs, runs, runs, runs).update();
        jdbc.sql("""
                INSERT INTO run_models (run_id, model_alias, ordinal, endpoint_name, server_model, simulated, availability)
                SELECT run_id, 'model-' || m, m, 'local', 'server-model-' || m, false, 'available'
                FROM runs, generate_series(1, 10) m""").update();
        // 10 models x 50 prompts x (perRun / 500) rounds, in run order, as a job writes them
        jdbc.sql("""
                INSERT INTO requests (run_id, phase, cell_index, request_index, attempt, is_final, model_alias, prompt_id,
                                      round, status, started_at, streamed, simulated, ttft_ms, e2e_ms, total_ms,
                                      prompt_tokens, output_tokens, tokens_source, tpot_ms, decode_tps, e2e_tps,
                                      chunk_count, finish_reason, response_prefix)
                SELECT r.run_id, 'measure', i / (? / 500), i % (? / 500), 1, true, 'model-' || (1 + i / (? / 10)),
                       'p' || (1 + (i / (? / 500)) % 50), 1 + i % (? / 500), 'ok',
                       r.started_at + i * interval '300 ms', true, false, 150 + 50 * random(), 1500 + 500 * random(),
                       1501 + 500 * random(), 40, 100, 'usage', 12 + 3 * random(), 80 + 10 * random(),
                       60 + 10 * random(), 100, 'stop', 'The answer to prompt ' || i || ' is short and synthetic.'
                FROM runs r CROSS JOIN generate_series(0, ? - 1) i
                ORDER BY r.run_id, i""").params(perRun, perRun, perRun, perRun, perRun, perRun).update();
        jdbc.sql("""
                INSERT INTO answers (request_id, run_id, text, sha256, bytes, truncated)
                SELECT request_id, run_id, response_prefix, repeat('ab', 32), octet_length(response_prefix), false
                FROM requests WHERE request_id % 5 = 0""").update();
        jdbc.sql("""
                INSERT INTO telemetry_samples (run_id, model_alias, endpoint_name, source, metric, value, sampled_at)
                SELECT run_id, 'model-' || (1 + s % 10), 'local', 'llama.cpp', 'kv_cache_usage', random(),
                       started_at + s * interval '10 s'
                FROM runs CROSS JOIN generate_series(0, 199) s""").update();
        jdbc.sql("""
                INSERT INTO summaries (run_id, model_alias, prompt_id, load_mode, load_level, requests, ok_requests,
                                       success_rate, ttft_ms_p50, e2e_ms_p50, tpot_ms_p50, decode_tps_p50)
                SELECT run_id, 'model-' || m, p, 'serial', 1, 20, 20, 1, 175, 1750, 13.5, 85
                FROM runs CROSS JOIN generate_series(1, 10) m
                CROSS JOIN (SELECT '*' AS p UNION ALL SELECT 'p' || n FROM generate_series(1, 50) n) ps""").update();
        jdbc.sql("ANALYZE").update();
    }

    /**
     * The same requests in a table partitioned by month of started_at: time to copy, then DROP of the months wholly
     * before the cutoff against DELETE of the same rows in the plain table's copy. PostgreSQL wants the partition key
     * in every unique key, so request_id alone could no longer be the primary key the answer, check, judge and
     * human-score tables reference.
     */
    private void partitioned(JdbcClient jdbc) {
        long t = System.nanoTime();
        jdbc.sql("CREATE TABLE requests_part (LIKE requests INCLUDING DEFAULTS INCLUDING GENERATED) "
                + "PARTITION BY RANGE (started_at)").update();
        List<java.sql.Date> months = jdbc.sql("""
                SELECT d::date FROM generate_series(date_trunc('month', (SELECT min(started_at) FROM runs)),
                                                    date_trunc('month', now()), interval '1 month') d""")
                .query(java.sql.Date.class).list();
        for (java.sql.Date m : months) {
            String name = "requests_p" + m.toString().replace("-", "").substring(0, 6);
            jdbc.sql("CREATE TABLE " + name + " PARTITION OF requests_part FOR VALUES FROM ('" + m + "') TO ('"
                    + m.toLocalDate().plusMonths(1) + "')").update();
        }
        jdbc.sql("ALTER TABLE requests_part ADD PRIMARY KEY (request_id, started_at)").update();
        jdbc.sql("CREATE INDEX ON requests_part (run_id, model_alias, prompt_id)").update();
        String columns = jdbc.sql("""
                SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns
                WHERE table_name = 'requests' AND table_schema = current_schema() AND is_generated = 'NEVER'""")
                .query(String.class).single();
        jdbc.sql("INSERT INTO requests_part (" + columns + ") SELECT " + columns + " FROM requests").update();
        line("partitioned copy: %d monthly partitions, %,d rows copied in %.0f s", months.size(),
                count(jdbc, "requests_part"), seconds(t));
        String cutoff = "now() - interval '180 days'";
        List<String> old = jdbc.sql("""
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'requests_part'::regclass
                  AND to_date(substr(c.relname, 11), 'YYYYMM') + interval '1 month' <= """ + cutoff + " ORDER BY 1")
                .query(String.class).list();
        long rows = jdbc.sql("SELECT count(*) FROM requests_part WHERE started_at < date_trunc('month', " + cutoff + ")")
                .query(Long.class).single();
        long bytes = jdbc.sql("SELECT coalesce(sum(pg_total_relation_size(c::regclass)), 0) FROM unnest(?::text[]) c")
                .param(old.toArray(String[]::new)).query(Long.class).single();
        t = System.nanoTime();
        for (String p : old) {
            jdbc.sql("ALTER TABLE requests_part DETACH PARTITION " + p).update();
            jdbc.sql("DROP TABLE " + p).update();
        }
        double dropS = seconds(t);
        t = System.nanoTime();
        long deleted = jdbc.sql("DELETE FROM requests_part WHERE started_at < " + cutoff).update();
        line("  DETACH + DROP of %d whole months (%,d rows, %,d MB given back at once) in %.2f s; the cutoff's month by "
                + "DELETE: %,d rows in %.1f s", old.size(), rows, bytes >> 20, dropS, deleted, seconds(t));
        t = System.nanoTime();
        jdbc.sql("DROP TABLE requests_part").update();
        line("  (copy dropped in %.1f s); loadavg %s", seconds(t), loadavg());
    }

    private void sizes(JdbcClient jdbc, String when) {
        StringBuilder s = new StringBuilder();
        for (String table : TABLES) {
            long total = jdbc.sql("SELECT pg_total_relation_size(?::regclass)").param(table).query(Long.class).single();
            long indexes = jdbc.sql("SELECT pg_indexes_size(?::regclass)").param(table).query(Long.class).single();
            s.append(String.format(Locale.ROOT, "%s %,d MB (indexes %,d MB); ", table, total >> 20, indexes >> 20));
        }
        long db = jdbc.sql("SELECT pg_database_size(current_database())").query(Long.class).single();
        line("sizes %s: %sdatabase %,d MB", when, s, db >> 20);
    }

    private static long count(JdbcClient jdbc, String table) {
        return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }

    private void line(String format, Object... args) {
        String l = String.format(Locale.ROOT, format, args);
        log.info(l);
        out.append(l).append('\n');
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "n/a";
        }
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
