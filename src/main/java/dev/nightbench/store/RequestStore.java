package dev.nightbench.store;

import dev.nightbench.client.RequestStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.util.List;

/** Writes request attempts (one row each) and answers the questions the job asks about them. */
@Repository
public class RequestStore {

    private static final String INSERT = """
            INSERT INTO requests (run_id, phase, cell_index, request_index, attempt, is_final, model_alias, prompt_id,
                round, load_mode, load_level, status, error_type, error_message, http_status, retry_after_ms,
                started_at, scheduled_lag_ms, streamed, simulated, prep_ms, ttft_ms, ttfo_ms, e2e_ms, total_ms,
                prompt_tokens, output_tokens, tokens_source, output_tokens_estimate, tokens_diff_pct, tpot_ms,
                decode_tps, e2e_tps, chunk_count, gap_mean_ms, gap_p50_ms, gap_p95_ms, gap_max_ms, finish_reason,
                response_prefix, reconnects, backoff_ms, flags, pipeline, stage, cached_tokens, prompt_tokens_source,
                worker_host)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;

    private static final RowMapper<StatusCount> STATUS_COUNT = EnumColumns.rowMapper(StatusCount.class);

    private final JdbcTemplate jdbc;
    private final JdbcClient client;

    RequestStore(JdbcTemplate jdbc, JdbcClient client) {
        this.jdbc = jdbc;
        this.client = client;
    }

    /** Inserts the rows in one JDBC batch. A row already stored violates {@code requests_once} and fails the batch. */
    public void insert(List<RequestRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(INSERT, rows, 200, (ps, row) -> {
            int i = 1;
            ps.setLong(i++, row.runId());
            ps.setString(i++, row.phase());
            ps.setInt(i++, row.cellIndex());
            ps.setInt(i++, row.requestIndex());
            ps.setInt(i++, row.attempt());
            ps.setBoolean(i++, row.isFinal());
            ps.setString(i++, row.modelAlias());
            ps.setString(i++, row.promptId());
            ps.setObject(i++, row.round());
            ps.setString(i++, row.loadMode());
            ps.setDouble(i++, row.loadLevel());
            ps.setString(i++, row.status().value());
            ps.setString(i++, row.errorType());
            ps.setString(i++, PgText.storable(row.errorMessage()));
            ps.setObject(i++, row.httpStatus());
            ps.setObject(i++, row.retryAfterMs());
            ps.setTimestamp(i++, Timestamp.from(row.startedAt()));
            ps.setObject(i++, row.scheduledLagMs());
            ps.setBoolean(i++, row.streamed());
            ps.setBoolean(i++, row.simulated());
            ps.setObject(i++, row.prepMs());
            ps.setObject(i++, row.ttftMs());
            ps.setObject(i++, row.ttfoMs());
            ps.setObject(i++, row.e2eMs());
            ps.setObject(i++, row.totalMs());
            ps.setObject(i++, row.promptTokens());
            ps.setObject(i++, row.outputTokens());
            ps.setString(i++, row.tokensSource());
            ps.setObject(i++, row.outputTokensEstimate());
            ps.setObject(i++, row.tokensDiffPct());
            ps.setObject(i++, row.tpotMs());
            ps.setObject(i++, row.decodeTps());
            ps.setObject(i++, row.e2eTps());
            ps.setInt(i++, row.chunkCount());
            ps.setObject(i++, row.gapMeanMs());
            ps.setObject(i++, row.gapP50Ms());
            ps.setObject(i++, row.gapP95Ms());
            ps.setObject(i++, row.gapMaxMs());
            ps.setString(i++, row.finishReason());
            ps.setString(i++, PgText.storable(row.responsePrefix()));
            ps.setInt(i++, row.reconnects());
            ps.setObject(i++, row.backoffMs());
            ps.setArray(i++, ps.getConnection().createArrayOf("text", row.flags().toArray()));
            ps.setString(i++, row.pipeline());
            ps.setString(i++, row.stage());
            ps.setObject(i++, row.cachedTokens());
            ps.setString(i++, row.promptTokensSource());
            ps.setString(i, row.workerHost());
        });
    }

    /** True when the cell's rows were already committed (a restart must not run it again). */
    public boolean cellStored(long runId, String phase, int cellIndex) {
        return client.sql("SELECT EXISTS (SELECT 1 FROM requests WHERE run_id = ? AND phase = ? AND cell_index = ?)")
                .params(runId, phase, cellIndex)
                .query(Boolean.class)
                .single();
    }

    /** Final-attempt statuses of a model's measured requests, oldest first (to rebuild a circuit breaker). */
    public List<RequestStatus> finalStatuses(long runId, String modelAlias) {
        return client.sql("""
                        SELECT status FROM requests
                        WHERE run_id = ? AND model_alias = ? AND phase = 'measure' AND is_final
                        ORDER BY cell_index, request_index""")
                .params(runId, modelAlias)
                .query(String.class)
                .list().stream().map(RequestStatus::from).toList();
    }

    /** Counts of final measured requests by status for a run. */
    public List<StatusCount> statusCounts(long runId) {
        return client.sql("""
                        SELECT status, count(*) AS n FROM requests
                        WHERE run_id = ? AND phase = 'measure' AND is_final
                        GROUP BY status ORDER BY status""")
                .param(runId)
                .query(STATUS_COUNT)
                .list();
    }

    public record StatusCount(RequestStatus status, long n) {
    }
}
