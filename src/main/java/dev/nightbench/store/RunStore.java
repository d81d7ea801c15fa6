package dev.nightbench.store;

import dev.nightbench.plan.Endpoint;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptOrigin;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.plan.Workloads;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Runs, their models and prompts. */
@Repository
public class RunStore {

    private final JdbcClient jdbc;

    RunStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What a new run row holds. */
    public record NewRun(long jobInstanceId, Plan plan, String planSnapshot, LocalDate runDate, String label,
                         String host, String version, Instant startedAt, int pairsTotal) {
    }

    /**
     * Registers a run with its models and prompts, or returns the run already registered for this job
     * instance (a restart continues the same run).
     */
    public long register(NewRun run) {
        Optional<Long> existing = runIdForJobInstance(run.jobInstanceId());
        if (existing.isPresent()) {
            return existing.get();
        }
        Plan plan = run.plan();
        long runId = jdbc.sql("""
                        INSERT INTO runs (job_instance_id, plan_name, plan_path, plan_hash, plan_snapshot, run_date, label,
                            simulated, host, nightbench_version, status, pairs_total, started_at,
                            slo_ttft_ms, slo_tpot_ms, slo_e2e_ms, slo_max_error_rate, slo_percentile)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'STARTED', ?, ?, ?, ?, ?, ?, ?)
                        RETURNING run_id""")
                .params(run.jobInstanceId(), plan.name(), plan.source().toString(), plan.hash(), run.planSnapshot(),
                        run.runDate(), run.label(), plan.simulated(), run.host(), run.version(), run.pairsTotal(),
                        Timestamp.from(run.startedAt()), plan.slo().ttftMs(), plan.slo().tpotMs(), plan.slo().e2eMs(),
                        plan.slo().maxErrorRate(), plan.slo().percentile())
                .query(Long.class)
                .single();
        int ordinal = 0;
        for (ModelSpec m : plan.models()) {
            Endpoint e = plan.endpoint(m.endpoint()).orElseThrow();
            jdbc.sql("""
                            INSERT INTO run_models (run_id, model_alias, ordinal, endpoint_name, base_url, server_model,
                                capabilities, size_mb, price_input_per_1k, price_output_per_1k, simulated, temperature, seed,
                                endpoint_type)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(runId, m.alias(), ordinal++, e.name(), e.baseUrl() == null ? null : redact(e.baseUrl().toString()),
                            m.model(), m.capabilities().toArray(String[]::new), m.sizeMb(), m.priceInputPer1k(),
                            m.priceOutputPer1k(), e.simulated(), m.temperature(plan.run()), m.seed(plan.run()), e.type())
                    .update();
        }
        SelectionStore.register(jdbc, runId, plan);
        ordinal = 0;
        for (PromptSpec p : plan.prompts()) {
            String text = p.canonicalText();
            String sha = sha256(text);
            jdbc.sql("INSERT INTO prompts (text_sha256, text) VALUES (?, ?) ON CONFLICT DO NOTHING")
                    .params(sha, text).update();
            PromptOrigin o = p.origin();
            jdbc.sql("""
                            INSERT INTO run_prompts (run_id, prompt_id, ordinal, text_sha256, source, conversation_id, turn,
                                target_input_tokens, target_output_tokens, input_tokens, length_source)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(runId, p.id(), ordinal++, sha, o.source(), o.conversation(),
                            o.isTurn() ? o.turn() : null, o.targetInputTokens(), o.targetOutputTokens(),
                            o.inputTokens(), o.lengthSource())
                    .update();
        }
        ordinal = 0;
        for (Workloads.PromptSource s : plan.workloads().sources()) {
            jdbc.sql("""
                            INSERT INTO run_prompt_sources (run_id, name, ordinal, kind, path, sha256, sample, seed,
                                records_read, prompts_drawn, settings)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(runId, s.name(), ordinal++, s.kind(), s.path(), s.sha256(), s.sample(), s.seed(),
                            s.recordsRead(), s.promptsDrawn(), s.settings())
                    .update();
        }
        return runId;
    }

    public Optional<Long> runIdForJobInstance(long jobInstanceId) {
        return jdbc.sql("SELECT run_id FROM runs WHERE job_instance_id = ?").param(jobInstanceId)
                .query(Long.class).optional();
    }

    public void setAvailability(long runId, String alias, ModelAvailability availability, String reason) {
        jdbc.sql("UPDATE run_models SET availability = ?, failure_reason = ? WHERE run_id = ? AND model_alias = ?")
                .params(availability.value(), reason, runId, alias).update();
    }

    public void setColdStart(long runId, String alias, Double coldStartMs) {
        jdbc.sql("UPDATE run_models SET cold_start_ms = ? WHERE run_id = ? AND model_alias = ?")
                .params(coldStartMs, runId, alias).update();
    }

    /**
     * The time a provider took to load the model before its first request ({@code run_models.load_ms}, V32), or null
     * with why it loaded nothing ({@code load_note}, V33: already loaded in the process), and the SHA-256 of the
     * weights file it runs the model from ({@code model_sha256}, V33; null for a server).
     */
    public void setLoad(long runId, String modelAlias, Double ms, String note, String sha256) {
        jdbc.sql("UPDATE run_models SET load_ms = ?, load_note = ?, model_sha256 = ? WHERE run_id = ? AND model_alias = ?")
                .params(ms, note, sha256, runId, modelAlias)
                .update();
    }

    /** The cold start, or null with the reason there is none ({@code run_models.cold_start_note}, V7). */
    public void setColdStart(long runId, String alias, Double coldStartMs, String note) {
        jdbc.sql("UPDATE run_models SET cold_start_ms = ?, cold_start_note = ? WHERE run_id = ? AND model_alias = ?")
                .params(coldStartMs, note, runId, alias).update();
    }

    public List<ModelState> models(long runId) {
        return jdbc.sql("""
                        SELECT model_alias, availability, failure_reason, cold_start_ms, model_sha256 FROM run_models
                        WHERE run_id = ? ORDER BY ordinal""")
                .param(runId).query(MODEL_STATE).list();
    }

    /** A model's state in a run; {@code modelSha256}: its weights file's when an in-process provider loaded it. */
    public record ModelState(String modelAlias, ModelAvailability availability, String failureReason,
                             Double coldStartMs, String modelSha256) {
    }

    private static final RowMapper<ModelState> MODEL_STATE = EnumColumns.rowMapper(ModelState.class);

    public void finish(long runId, RunStatus status, String exitMessage, Instant finishedAt) {
        jdbc.sql("""
                        UPDATE runs SET status = ?, exit_message = ?, finished_at = ?,
                            failed_models = (SELECT count(*) FROM run_models m
                                             WHERE m.run_id = runs.run_id AND m.availability IN ('unavailable', 'failed'))
                        WHERE run_id = ?""")
                .params(status.value(), exitMessage, Timestamp.from(finishedAt), runId).update();
    }

    /** A run as the {@code runs} command lists it. */
    public record RunSummary(long runId, long jobInstanceId, String planName, LocalDate runDate, String label,
                             boolean simulated, RunStatus status, int failedModels, Integer pairsTotal,
                             long okRequests, long failedRequests, Instant startedAt, Instant finishedAt) {
    }

    private static final RowMapper<RunSummary> RUN_SUMMARY = EnumColumns.rowMapper(RunSummary.class);

    private static final String SUMMARY_SELECT = """
            SELECT r.run_id, r.job_instance_id, r.plan_name, r.run_date, r.label, r.simulated, r.status,
                   r.failed_models, r.pairs_total,
                   CASE WHEN r.requests_pruned_at IS NULL
                        THEN (SELECT count(*) FROM requests q WHERE q.run_id = r.run_id AND q.phase = 'measure'
                              AND q.is_final AND q.status = 'ok')
                        ELSE (SELECT coalesce(sum(s.ok_requests), 0) FROM summaries s -- requests pruned (V28)
                              WHERE s.run_id = r.run_id AND s.prompt_id = '*') END AS ok_requests,
                   CASE WHEN r.requests_pruned_at IS NULL
                        THEN (SELECT count(*) FROM requests q WHERE q.run_id = r.run_id AND q.phase = 'measure'
                              AND q.is_final AND q.status NOT IN ('ok', 'skipped'))
                        ELSE (SELECT coalesce(sum(s.requests - s.ok_requests), 0) FROM summaries s
                              WHERE s.run_id = r.run_id AND s.prompt_id = '*') END AS failed_requests,
                   r.started_at, r.finished_at
            FROM runs r
            """;

    public List<RunSummary> recent(int limit) {
        return jdbc.sql(SUMMARY_SELECT + " ORDER BY r.started_at DESC, r.run_id DESC LIMIT ?")
                .param(limit).query(RUN_SUMMARY).list();
    }

    public Optional<RunSummary> find(long runId) {
        return jdbc.sql(SUMMARY_SELECT + " WHERE r.run_id = ?").param(runId).query(RUN_SUMMARY).optional();
    }

    /**
     * What the measured requests of one model went through, per run (measure phase, final attempts for the counts):
     * ok, failed and skipped separately (a skipped request was never sent), and the retries, backoff and reconnects
     * behind them. Sweep levels never offered are left out.
     *
     * @param retriedRequests requests that needed more than one attempt
     * @param attempts        attempts of the requests sent, retries included
     * @param backoffMs       time waited in retry backoff
     * @param retriesByError  e.g. "http_5xx 27, connect_error 1": the failed attempts that were retried, by error
     *                        type; empty when none
     * @param flagged         ok requests flagged by the plausibility rules (their decode figures are not aggregated)
     */
    public record ModelTally(String modelAlias, long ok, long failed, long skipped, long retriedRequests,
                             long attempts, double backoffMs, long reconnects, String retriesByError, long flagged) {

        public long sent() {
            return ok + failed;
        }

        /** True when most requests sent needed a retry. */
        public boolean mostlyRetried() {
            return sent() > 0 && retriedRequests * 2 > sent();
        }
    }

    public List<ModelTally> modelTallies(long runId) {
        return jdbc.sql("""
                        SELECT rm.model_alias,
                               count(*) FILTER (WHERE q.is_final AND q.status = 'ok') AS ok,
                               count(*) FILTER (WHERE q.is_final AND q.status NOT IN ('ok', 'skipped')) AS failed,
                               count(*) FILTER (WHERE q.is_final AND q.status = 'skipped') AS skipped,
                               count(*) FILTER (WHERE q.is_final AND q.attempt > 1 AND q.status <> 'skipped') AS retried_requests,
                               count(*) FILTER (WHERE q.status <> 'skipped') AS attempts,
                               coalesce(sum(q.backoff_ms), 0) AS backoff_ms,
                               coalesce(sum(q.reconnects), 0) AS reconnects,
                               coalesce((SELECT string_agg(e.error_type || ' ' || e.n, ', ' ORDER BY e.n DESC, e.error_type)
                                         FROM (SELECT coalesce(x.error_type, x.status) AS error_type, count(*) AS n
                                               FROM requests x
                                               WHERE x.run_id = rm.run_id AND x.model_alias = rm.model_alias
                                                 AND x.phase = 'measure' AND NOT x.is_final AND x.status <> 'skipped'
                                               GROUP BY 1) e), '') AS retries_by_error,
                               count(*) FILTER (WHERE q.is_final AND q.status = 'ok' AND cardinality(q.flags) > 0) AS flagged
                        FROM run_models rm
                        LEFT JOIN requests q ON q.run_id = rm.run_id AND q.model_alias = rm.model_alias
                                            AND q.phase = 'measure' AND q.error_type IS DISTINCT FROM 'sweep_stopped'
                        WHERE rm.run_id = ?
                        GROUP BY rm.run_id, rm.model_alias, rm.ordinal
                        ORDER BY rm.ordinal""")
                .param(runId).query(ModelTally.class).list();
    }

    public Optional<String> snapshot(long runId) {
        return jdbc.sql("SELECT plan_snapshot FROM runs WHERE run_id = ?").param(runId).query(String.class).optional();
    }

    /** Hides credentials a URL might carry (user info, query string); keys belong in environment variables. */
    static String redact(String url) {
        return url.replaceAll("//[^/@]*@", "//***@").replaceAll("\\?.*$", "?***");
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
