package dev.nightbench.report;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.function.Consumer;

/** Reads a run's report data through the SQL views a user's own SQL sees too. */
@Repository
class ReportRepository {

    private static final String ROW_COLUMNS = """
            s.model_alias, s.prompt_id, s.load_mode, s.load_level, s.requests, s.ok_requests, s.success_rate,
            s.prompt_tokens, s.output_tokens, s.e2e_ms_mean, s.e2e_ms_p50, s.e2e_ms_p95, s.ttft_ms_p50, s.ttft_ms_p95,
            s.tpot_ms_p50, s.decode_tps_p50, s.e2e_tps_mean, rm.availability, rm.failure_reason, rm.cold_start_ms,
            (coalesce(s.prompt_tokens, 0) * rm.price_input_per_1k + coalesce(s.output_tokens, 0) * rm.price_output_per_1k)
                / 1000.0 AS cost_estimate
            """;

    private final JdbcClient jdbc;

    ReportRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    ReportData load(long runId) {
        ReportData.Run run = jdbc.sql("""
                        SELECT run_id, plan_name, plan_path, plan_hash, run_date, label, simulated, host, nightbench_version,
                               status, started_at, finished_at, exit_message
                        FROM runs WHERE run_id = ?""")
                .param(runId).query(ReportData.Run.class).optional()
                .orElseThrow(() -> new IllegalArgumentException("no run with id " + runId));
        List<ReportData.ModelRow> models = rows(runId, "s.prompt_id = '*'", "rm.ordinal, s.load_mode, s.load_level");
        List<ReportData.ModelRow> prompts = rows(runId, "s.prompt_id <> '*'",
                "rm.ordinal, rp.ordinal, s.load_mode, s.load_level");
        List<ReportData.Failure> failures = jdbc.sql("""
                        SELECT rm.model_alias, rm.availability, rm.failure_reason AS reason,
                               count(q.*) FILTER (WHERE q.status NOT IN ('ok', 'skipped')) AS failed_requests,
                               count(q.*) FILTER (WHERE q.status = 'skipped') AS skipped_requests
                        FROM run_models rm
                        LEFT JOIN measured_requests q ON q.run_id = rm.run_id AND q.model_alias = rm.model_alias
                        WHERE rm.run_id = ? AND rm.availability IN ('unavailable', 'failed')
                        GROUP BY rm.model_alias, rm.availability, rm.failure_reason, rm.ordinal
                        ORDER BY rm.ordinal""")
                .param(runId).query(ReportData.Failure.class).list();
        return new ReportData(run, models, prompts, failures);
    }

    private List<ReportData.ModelRow> rows(long runId, String where, String order) {
        return jdbc.sql("SELECT " + ROW_COLUMNS + """
                         FROM summaries s
                        JOIN run_models rm ON rm.run_id = s.run_id AND rm.model_alias = s.model_alias
                        LEFT JOIN run_prompts rp ON rp.run_id = s.run_id AND rp.prompt_id = s.prompt_id
                        WHERE s.run_id = ? AND """ + " " + where + " ORDER BY " + order)
                .param(runId).query(ReportData.ModelRow.class).list();
    }

    /** Streams the run's request rows (every attempt) to {@code sink} as ordered column values. */
    void requests(long runId, List<String> columns, Consumer<Object[]> sink) {
        jdbc.sql("SELECT " + String.join(", ", columns) + """
                         FROM requests WHERE run_id = ?
                        ORDER BY phase DESC, cell_index, request_index, attempt""")
                .param(runId)
                .query(rs -> {
                    Object[] row = new Object[columns.size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    sink.accept(row);
                });
    }
}
