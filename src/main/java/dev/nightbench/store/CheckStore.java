package dev.nightbench.store;

import dev.nightbench.plan.CheckKind;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.List;

/**
 * Writes the run's planned answer checks ({@code run_checks}) and each measured answer's check results
 * ({@code check_results}, V10). Pass rates are read through the views {@code model_quality}, {@code prompt_quality}
 * and {@code failed_checks}.
 */
@Repository
public class CheckStore {

    /** One planned check: a row of {@code run_checks}. */
    public record PlannedCheck(long runId, String promptId, int checkIndex, CheckKind kind, String description) {
    }

    /**
     * One check's verdict on one measured answer: a row of {@code check_results}, keyed by its request's
     * (run, phase, cell, request, attempt) and the check's index in its prompt's list.
     */
    public record CheckResultRow(long runId, String phase, int cellIndex, int requestIndex, int attempt,
                                 String promptId, int checkIndex, CheckKind kind, boolean passed, String reason) {
    }

    private final JdbcTemplate jdbc;

    CheckStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Registers the plan's checks with the run (in the registerRun step's transaction). */
    public void register(List<PlannedCheck> checks) {
        if (checks.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("INSERT INTO run_checks (run_id, prompt_id, check_index, kind, description)"
                + " VALUES (?, ?, ?, ?, ?)", checks, 200, (ps, c) -> {
            ps.setLong(1, c.runId());
            ps.setString(2, c.promptId());
            ps.setInt(3, c.checkIndex());
            ps.setString(4, c.kind().value());
            ps.setString(5, c.description());
        });
    }

    /**
     * Inserts the results in one JDBC batch, in the caller's transaction (the measure step's chunk). A result already
     * stored violates the primary key and fails the batch: a committed cell is never checked twice.
     */
    public void insert(List<CheckResultRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("INSERT INTO check_results (run_id, phase, cell_index, request_index, attempt, prompt_id,"
                + " check_index, kind, passed, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows, 200, (ps, r) -> {
            int i = 1;
            ps.setLong(i++, r.runId());
            ps.setString(i++, r.phase());
            ps.setInt(i++, r.cellIndex());
            ps.setInt(i++, r.requestIndex());
            ps.setInt(i++, r.attempt());
            ps.setString(i++, r.promptId());
            ps.setInt(i++, r.checkIndex());
            ps.setString(i++, r.kind().value());
            ps.setBoolean(i++, r.passed());
            ps.setString(i, PgText.storable(r.reason()));
        });
    }
}
