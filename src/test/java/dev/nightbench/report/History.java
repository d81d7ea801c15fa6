package dev.nightbench.report;

import com.zaxxer.hikari.HikariDataSource;
import dev.nightbench.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test data for the report: a migrated PostgreSQL database (Flyway, the real migrations) and builders that
 * insert runs, their models, prompts, measured requests and summaries directly with SQL, as the job would.
 */
final class History {

    private static final AtomicLong JOB_INSTANCES = new AtomicLong(1000);

    /** A model answer that tries to inject markup into the report. */
    static final String HOSTILE = "<script>alert(1)</script> | **bold** [click](javascript:alert(2))\n# not a heading\n- not a list";
    static final List<String> MODELS = List.of("fast-a", "slow-b", "steady-c");
    static final Map<String, Double> BASE_TTFT = Map.of("fast-a", 120.0, "slow-b", 300.0, "steady-c", 200.0);
    static final Map<String, Double> BASE_E2E = Map.of("fast-a", 1500.0, "slow-b", 2600.0, "steady-c", 2000.0);
    static final List<String> PROMPTS = List.of("capital", "haiku", "sum", "sql");
    static final int ROUNDS = 5;

    final DataSource dataSource;
    final JdbcClient jdbc;

    private History(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** A fresh database on the embedded test PostgreSQL, migrated. */
    static History fresh() {
        return on(TestDatabase.newDatabase(), "postgres", null);
    }

    static History on(String url, String user, String password) {
        HikariDataSource ds = new HikariDataSource(); // pooled, as the application's DataSource is
        ds.setJdbcUrl(url);
        ds.setUsername(user);
        ds.setPassword(password);
        ds.setMaximumPoolSize(4);
        Flyway.configure().dataSource(url, user, password).locations("filesystem:db/migration")
                .placeholderReplacement(false) // as spring.flyway.placeholder-replacement in application.yaml
                .load().migrate();
        return new History(ds);
    }

    ReportService reportService(TrendSettings settings, Path reportsDir) {
        return new ReportService(new ReportRepository(jdbc, new JdbcTemplate(dataSource),
                new DataSourceTransactionManager(dataSource)), settings, reportsDir);
    }

    /**
     * One night of the plan: every model answers every prompt {@code ROUNDS} times with deterministic jitter of a
     * few percent; {@code slowModel} is {@code slowdown} times slower (TTFT and e2e, so TPOT too, and decode_tps
     * falls).
     */
    long night(LocalDate date, int phase, String slowModel, double slowdown) {
        long run = run("nightly", date).insert();
        for (int m = 0; m < MODELS.size(); m++) {
            model(run, MODELS.get(m), m + 1);
        }
        for (int p = 0; p < PROMPTS.size(); p++) {
            prompt(run, PROMPTS.get(p), p + 1, "Prompt text of " + PROMPTS.get(p));
        }
        int cell = 0;
        for (int m = 0; m < MODELS.size(); m++) {
            String model = MODELS.get(m);
            double factor = model.equals(slowModel) ? slowdown : 1;
            for (int p = 0; p < PROMPTS.size(); p++) {
                for (int r = 0; r < ROUNDS; r++) {
                    double jitter = 1 + 0.04 * Math.sin(phase * 7 + m * 3 + p * 5 + r * 11);
                    request(run, cell, r, model, PROMPTS.get(p), "ok", BASE_TTFT.get(model) * jitter * factor,
                            BASE_E2E.get(model) * jitter * factor, 100,
                            model.equals("steady-c") ? HOSTILE : "Paris is the capital of France.");
                }
                cell++;
            }
        }
        aggregate(run);
        return run;
    }

    /** Starts a run of {@code plan} on {@code date} (started at 02:00 UTC that day). */
    RunBuilder run(String plan, LocalDate date) {
        return new RunBuilder(plan, date);
    }

    final class RunBuilder {
        private final String plan;
        private final LocalDate date;
        private String hash = "hash-1";
        private String status = "COMPLETED";
        private boolean simulated = false;

        private RunBuilder(String plan, LocalDate date) {
            this.plan = plan;
            this.date = date;
        }

        RunBuilder hash(String h) {
            this.hash = h;
            return this;
        }

        RunBuilder status(String s) {
            this.status = s;
            return this;
        }

        RunBuilder simulated() {
            this.simulated = true;
            return this;
        }

        long insert() {
            Instant started = date.atTime(2, 0).toInstant(ZoneOffset.UTC);
            return jdbc.sql("""
                            INSERT INTO runs (job_instance_id, plan_name, plan_path, plan_hash, plan_snapshot, run_date,
                                simulated, host, nightbench_version, status, started_at, finished_at)
                            VALUES (?, ?, ?, ?, 'name: x', ?, ?, 'bench-host', '0.1.0-test', ?, ?, ?)
                            RETURNING run_id""")
                    .params(JOB_INSTANCES.incrementAndGet(), plan, "jobs/" + plan + ".yaml", hash, date, simulated,
                            status, Timestamp.from(started),
                            "COMPLETED".equals(status) ? Timestamp.from(started.plusSeconds(600)) : null)
                    .query(Long.class).single();
        }
    }

    void model(long runId, String alias, int ordinal) {
        model(runId, alias, ordinal, "local", alias + "-v1");
    }

    void model(long runId, String alias, int ordinal, String endpoint, String serverModel) {
        jdbc.sql("""
                        INSERT INTO run_models (run_id, model_alias, ordinal, endpoint_name, base_url, server_model,
                            simulated, availability)
                        VALUES (?, ?, ?, ?, 'http://127.0.0.1:11434/v1', ?, false, 'available')""")
                .params(runId, alias, ordinal, endpoint, serverModel).update();
    }

    void prompt(long runId, String promptId, int ordinal, String text) {
        String sha = sha256(text);
        jdbc.sql("INSERT INTO prompts (text_sha256, text) VALUES (?, ?) ON CONFLICT DO NOTHING").params(sha, text).update();
        jdbc.sql("INSERT INTO run_prompts (run_id, prompt_id, ordinal, text_sha256) VALUES (?, ?, ?, ?)")
                .params(runId, promptId, ordinal, sha).update();
    }

    /** One measured, final request with the METRICS.md figures derived from TTFT, e2e and output tokens. */
    void request(long runId, int cell, int index, String model, String promptId, String status, double ttftMs,
                 double e2eMs, int outputTokens, String answer) {
        boolean ok = "ok".equals(status);
        double tpot = (e2eMs - ttftMs) / (outputTokens - 1);
        jdbc.sql("""
                        INSERT INTO requests (run_id, phase, cell_index, request_index, attempt, is_final, model_alias,
                            prompt_id, round, status, started_at, streamed, simulated, ttft_ms, e2e_ms, total_ms,
                            output_tokens, tokens_source, tpot_ms, decode_tps, e2e_tps, response_prefix)
                        VALUES (?, 'measure', ?, ?, 1, true, ?, ?, ?, ?, now(), true, false, ?, ?, ?, ?, 'usage', ?, ?, ?, ?)""")
                .params(runId, cell, index, model, promptId, index + 1, status, ok ? ttftMs : null, ok ? e2eMs : null,
                        ok ? e2eMs + 1 : null, ok ? outputTokens : null, ok ? tpot : null, ok ? 1000 / tpot : null,
                        ok ? outputTokens / (e2eMs / 1000) : null, ok ? answer : null)
                .update();
    }

    /** The summaries rows of a run, per model and prompt and per model, as the aggregate step computes them. */
    void aggregate(long runId) {
        jdbc.sql("""
                        INSERT INTO summaries (run_id, model_alias, prompt_id, load_mode, load_level, requests, ok_requests,
                            success_rate, output_tokens, e2e_tps_mean, ttft_ms_mean, ttft_ms_p50, ttft_ms_p95, tpot_ms_p50,
                            e2e_ms_mean, e2e_ms_p50, e2e_ms_p95, decode_tps_p50)
                        SELECT run_id, model_alias, coalesce(prompt_id, '*'), load_mode, load_level, count(*),
                               count(*) FILTER (WHERE status = 'ok'),
                               count(*) FILTER (WHERE status = 'ok')::double precision / count(*),
                               sum(output_tokens), avg(e2e_tps), avg(ttft_ms),
                               percentile_cont(0.5) WITHIN GROUP (ORDER BY ttft_ms),
                               percentile_cont(0.95) WITHIN GROUP (ORDER BY ttft_ms),
                               percentile_cont(0.5) WITHIN GROUP (ORDER BY tpot_ms), avg(e2e_ms),
                               percentile_cont(0.5) WITHIN GROUP (ORDER BY e2e_ms),
                               percentile_cont(0.95) WITHIN GROUP (ORDER BY e2e_ms),
                               percentile_cont(0.5) WITHIN GROUP (ORDER BY decode_tps)
                        FROM requests WHERE run_id = ? AND phase = 'measure' AND is_final
                        GROUP BY GROUPING SETS ((run_id, model_alias, prompt_id, load_mode, load_level),
                                                (run_id, model_alias, load_mode, load_level))""")
                .param(runId).update();
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
