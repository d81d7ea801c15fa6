package dev.nightbench.report;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;

/**
 * What a run's success rates and latencies do not show on their own, read through the V7 views and columns: the
 * retries behind each model and load level ({@code retry_summary}), the requests flagged as not measured truthfully
 * (summaries' flag counts), TTFO beside TTFT for reasoning models, and why a model has no cold start. Why: a model
 * whose every request ended ok after a retry and a backoff, or whose decode rate came from a burst read, must not
 * look the same as a healthy one.
 */
record Visibility(List<Retries> retries, List<Flags> flags, List<Reasoning> reasoning, List<ColdStartNote> coldStarts) {

    static final Visibility NONE = new Visibility(List.of(), List.of(), List.of(), List.of());

    /** One row of {@code retry_summary}. */
    record Retries(String modelAlias, String loadMode, double loadLevel, long requests, long attempts,
                   Double attemptsPerRequest, long retriedRequests, Double retriedShare, long retriedThenOk,
                   String retriesByError, double backoffMsTotal, Double backoffMsPerRequest, long reconnects) {

        /** Most requests sent needed a retry. */
        boolean mostlyRetried() {
            return retriedShare != null && retriedShare > 0.5;
        }
    }

    /** Flagged final ok requests of a model at a load (their tpot/decode figures are left out of the aggregates). */
    record Flags(String modelAlias, String loadMode, double loadLevel, int okRequests, int flagged, int burst,
                 int implausibleDecode) {
    }

    /** A model and load whose requests reasoned first: TTFT and TTFO side by side. */
    record Reasoning(String modelAlias, String loadMode, double loadLevel, int reasoningRequests, Double ttftMsP50,
                     Double ttftMsP95, Double ttfoMsP50, Double ttfoMsP95) {
    }

    record ColdStartNote(String modelAlias, String note) {
    }

    static Visibility load(JdbcClient jdbc, long runId) {
        List<Retries> retries = jdbc.sql("""
                        SELECT r.model_alias, r.load_mode, r.load_level, r.requests, r.attempts, r.attempts_per_request,
                               r.retried_requests, r.retried_share, r.retried_then_ok,
                               coalesce((SELECT string_agg(e.key || ' ' || e.value, ', ' ORDER BY e.value::bigint DESC, e.key)
                                         FROM jsonb_each_text(r.retries_by_error) e), '') AS retries_by_error,
                               r.backoff_ms_total, r.backoff_ms_per_request, r.reconnects
                        FROM retry_summary r
                        JOIN run_models rm ON rm.run_id = r.run_id AND rm.model_alias = r.model_alias
                        WHERE r.run_id = ?
                        ORDER BY rm.ordinal, r.load_mode = 'serial' DESC, r.load_mode, r.load_level""")
                .param(runId).query(Retries.class).list();
        List<Flags> flags = jdbc.sql("""
                        SELECT s.model_alias, s.load_mode, s.load_level, s.ok_requests, s.flagged_requests AS flagged,
                               s.burst_requests AS burst, s.implausible_decode_requests AS implausible_decode
                        FROM summaries s
                        JOIN run_models rm ON rm.run_id = s.run_id AND rm.model_alias = s.model_alias
                        WHERE s.run_id = ? AND s.prompt_id = '*' AND s.flagged_requests > 0
                        ORDER BY rm.ordinal, s.load_mode = 'serial' DESC, s.load_mode, s.load_level""")
                .param(runId).query(Flags.class).list();
        List<Reasoning> reasoning = jdbc.sql("""
                        SELECT s.model_alias, s.load_mode, s.load_level, s.reasoning_requests, s.ttft_ms_p50,
                               s.ttft_ms_p95, s.ttfo_ms_p50, s.ttfo_ms_p95
                        FROM summaries s
                        JOIN run_models rm ON rm.run_id = s.run_id AND rm.model_alias = s.model_alias
                        WHERE s.run_id = ? AND s.prompt_id = '*' AND s.reasoning_requests > 0
                        ORDER BY rm.ordinal, s.load_mode = 'serial' DESC, s.load_mode, s.load_level""")
                .param(runId).query(Reasoning.class).list();
        List<ColdStartNote> coldStarts = jdbc.sql("""
                        SELECT model_alias, cold_start_note AS note FROM run_models
                        WHERE run_id = ? AND cold_start_ms IS NULL AND cold_start_note IS NOT NULL
                        ORDER BY ordinal""")
                .param(runId).query(ColdStartNote.class).list();
        return new Visibility(retries, flags, reasoning, coldStarts);
    }
}
