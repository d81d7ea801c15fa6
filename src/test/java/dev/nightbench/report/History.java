package dev.nightbench.report;

import com.zaxxer.hikari.HikariDataSource;
import dev.nightbench.store.ComparisonStore;
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
        return new ReportService(new ReportRepository(jdbc), new ComparisonStore(jdbc, new JdbcTemplate(dataSource),
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

    /** The run's SLOs, as the job stores the plan's {@code slo:}. */
    void slo(long runId, Double ttftMs, Double tpotMs, Double e2eMs, Double maxErrorRate) {
        jdbc.sql("UPDATE runs SET slo_ttft_ms = ?, slo_tpot_ms = ?, slo_e2e_ms = ?, slo_max_error_rate = ? WHERE run_id = ?")
                .params(ttftMs, tpotMs, e2eMs, maxErrorRate, runId).update();
    }

    /** One measured, final request of a load cell, or a skipped one when {@code status} is 'skipped'. */
    void loadRequest(long runId, int cell, int index, String model, String promptId, String mode, double level,
                     String status, String errorType, Double lagMs, Double ttftMs, Double e2eMs) {
        boolean ok = "ok".equals(status);
        jdbc.sql("""
                        INSERT INTO requests (run_id, phase, cell_index, request_index, attempt, is_final, model_alias,
                            prompt_id, load_mode, load_level, status, error_type, started_at, scheduled_lag_ms, streamed,
                            simulated, ttft_ms, e2e_ms, total_ms, output_tokens, tokens_source)
                        VALUES (?, 'measure', ?, ?, 1, true, ?, ?, ?, ?, ?, ?, now(), ?, true, false, ?, ?, ?, ?, ?)""")
                .params(runId, cell, index, model, promptId, mode, level, status, errorType, lagMs, ok ? ttftMs : null,
                        ok ? e2eMs : null, ok ? e2eMs + 1 : null, ok ? 24 : null, ok ? "usage" : null)
                .update();
    }

    /** A load cell's {@code load_phases} row; {@code held} null and a skip reason for a skipped level. */
    void loadPhase(long runId, int cell, String model, String mode, double level, boolean sweep, int requests,
                   int maxInFlight, Boolean held, String sloBroken, String skipReason) {
        jdbc.sql("""
                        INSERT INTO load_phases (run_id, cell_index, model_alias, load_mode, load_level, sweep, offered_rate,
                            planned_requests, requests, sent, ok_requests, wall_ms, max_in_flight, started_at, status, held,
                            slo_broken, skip_reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?)""")
                .params(runId, cell, model, mode, level, sweep, "rate".equals(mode) ? level : null, requests, requests,
                        skipReason == null ? requests : 0, skipReason == null ? requests : 0,
                        skipReason == null ? 2000.0 : null, maxInFlight, skipReason == null ? "ran" : "skipped", held,
                        sloBroken, skipReason)
                .update();
    }

    /**
     * The per-model summaries row of a load level that ran, with the figures given (the rest as the job would:
     * throughput from a 2 s wall time, 24 output tokens a request).
     */
    void loadSummary(long runId, String model, String mode, double level, int requests, int ok, Double goodput,
                     Double lagMeanMs, Double lagP95Ms, double ttftP95, double tpotP95, double e2eP95) {
        jdbc.sql("""
                        INSERT INTO summaries (run_id, model_alias, prompt_id, load_mode, load_level, requests, ok_requests,
                            success_rate, output_tokens, error_rate, goodput, goodput_requests, offered_rate, wall_ms,
                            request_throughput, output_token_throughput, scheduled_lag_ms_mean, scheduled_lag_ms_p95,
                            scheduled_lag_ms_max, ttft_ms_p50, ttft_ms_p95, tpot_ms_p50, tpot_ms_p95, e2e_ms_p50, e2e_ms_p95,
                            ttft_ms_n, e2e_ms_n)
                        VALUES (?, ?, '*', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2000, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(runId, model, mode, level, requests, ok, ok / (double) requests, ok * 24L,
                        (requests - ok) / (double) requests, goodput,
                        goodput == null ? null : (int) Math.round(goodput * requests), "rate".equals(mode) ? level : null,
                        ok / 2.0, ok * 24 / 2.0, lagMeanMs, lagP95Ms, lagP95Ms == null ? null : lagP95Ms * 1.5,
                        ttftP95 * 0.6, ttftP95, tpotP95 * 0.8, tpotP95, e2eP95 * 0.8, e2eP95, ok, ok)
                .update();
    }

    /**
     * A run of plan load-plan with SLOs (TTFT 150 ms, TPOT 30 ms, e2e 1500 ms, 5 % errors): models fast and busy
     * answer two prompts five times one at a time (fast's TTFT noisy: CV 34 %); then fast runs concurrency 4 and
     * rates 5 and 20 req/s (at 20 its client lagged 30 ms at p95), and busy a concurrency sweep 2..32 that held up
     * to 8, broke at 16 on TTFT and TPOT and skipped 32.
     */
    long loadRun(LocalDate date) {
        long run = run("load-plan", date).insert();
        slo(run, 150.0, 30.0, 1500.0, 0.05);
        model(run, "fast", 1);
        model(run, "busy", 2);
        prompt(run, "capital", 1, "What is the capital of France?");
        prompt(run, "haiku", 2, "Write a haiku.");
        int cell = 0;
        for (String model : List.of("fast", "busy")) {
            for (String prompt : List.of("capital", "haiku")) {
                for (int r = 0; r < ROUNDS; r++) {
                    request(run, cell, r, model, prompt, "ok", 50 + r, 400 + 5 * r, 24,
                            model.equals("busy") ? HOSTILE : "Paris.");
                }
                cell++;
            }
        }
        aggregate(run);
        // the serial figures' spread as the aggregate step stores it: fast's TTFT is noisy
        jdbc.sql("""
                        UPDATE summaries SET e2e_ms_mean = 412, e2e_ms_n = 10, e2e_ms_ci95_low = 394, e2e_ms_ci95_high = 430,
                            e2e_ms_cv = 0.06, ttft_ms_mean = 52.6, ttft_ms_n = 10, ttft_ms_ci95_low = 39.0,
                            ttft_ms_ci95_high = 66.2, ttft_ms_cv = 0.34
                        WHERE run_id = ? AND model_alias = 'fast' AND prompt_id = '*'""").param(run).update();
        jdbc.sql("""
                        UPDATE summaries SET e2e_ms_n = 10, e2e_ms_ci95_low = 400, e2e_ms_ci95_high = 420, e2e_ms_cv = 0.03,
                            ttft_ms_n = 10, ttft_ms_ci95_low = 50, ttft_ms_ci95_high = 54, ttft_ms_cv = 0.05
                        WHERE run_id = ? AND model_alias = 'busy' AND prompt_id = '*'""").param(run).update();

        // fast: a concurrency level and two rates; at 20 req/s the client lagged 30 ms at p95 (> 10 % of 50 ms)
        loadPhase(run, 4, "fast", "concurrency", 4, false, 16, 4, true, null, null);
        loadSummary(run, "fast", "concurrency", 4, 16, 16, 1.0, null, null, 70, 9, 270);
        loadPhase(run, 5, "fast", "rate", 5, false, 16, 3, true, null, null);
        loadSummary(run, "fast", "rate", 5, 16, 16, 1.0, 0.9, 2.1, 80, 10, 300);
        loadPhase(run, 6, "fast", "rate", 20, false, 16, 9, true, null, null);
        loadSummary(run, "fast", "rate", 20, 16, 15, 0.9375, 12.0, 30.0, 60, 9, 260);
        for (int i = 0; i < 16; i++) {
            loadRequest(run, 6, i, "fast", i % 2 == 0 ? "capital" : "haiku", "rate", 20,
                    i == 3 ? "timeout" : "ok", i == 3 ? "timeout_total" : null, 10.0 + i, 45.0, 250.0);
        }
        // busy: a concurrency sweep that held up to 8, broke at 16 and skipped 32
        String broken = "ttft_ms p95 235.5 ms > 150 ms; tpot_ms p95 34.0 ms > 30 ms";
        loadPhase(run, 7, "busy", "concurrency", 2, true, 32, 2, true, null, null);
        loadSummary(run, "busy", "concurrency", 2, 32, 32, 1.0, null, null, 78, 10, 293);
        loadPhase(run, 8, "busy", "concurrency", 4, true, 32, 4, true, null, null);
        loadSummary(run, "busy", "concurrency", 4, 32, 32, 1.0, null, null, 70, 13, 352);
        loadPhase(run, 9, "busy", "concurrency", 8, true, 32, 8, true, null, null);
        loadSummary(run, "busy", "concurrency", 8, 32, 32, 0.9375, null, null, 131, 22, 597);
        loadPhase(run, 10, "busy", "concurrency", 16, true, 32, 16, false, broken, null);
        loadSummary(run, "busy", "concurrency", 16, 32, 32, 0.4375, null, null, 235.5, 34, 998);
        loadPhase(run, 11, "busy", "concurrency", 32, true, 32, 0, null, null,
                "sweep stopped: SLO " + broken + " broke at concurrency 16");
        for (int i = 0; i < 32; i++) {
            loadRequest(run, 11, i, "busy", "capital", "concurrency", 32, "skipped", "sweep_stopped", null,
                    null, null);
        }
        return run;
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
