package dev.nightbench.store;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes whole answers ({@code answers}, V9), one row per request attempt that produced one, in the transaction
 * of their {@code requests} rows: each row finds its request by the {@code requests_once} key and takes its
 * {@code request_id}, the table's primary key, so an answer can never be stored twice or without its request.
 */
@Repository
public class AnswerStore {

    private static final String INSERT = """
            INSERT INTO answers (request_id, run_id, text, sha256, bytes, truncated)
            SELECT request_id, run_id, ?, ?, ?, ? FROM requests
            WHERE run_id = ? AND phase = ? AND cell_index = ? AND request_index = ? AND attempt = ?
            """;

    private final JdbcTemplate jdbc;

    AnswerStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts the rows in one JDBC batch, after their requests rows.
     *
     * @throws IllegalStateException when a row's request is not stored (nothing is inserted for it)
     */
    public void insert(List<AnswerRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int[][] counts = jdbc.batchUpdate(INSERT, rows, 200, (ps, row) -> {
            byte[] utf8 = row.utf8();
            int i = 1;
            ps.setString(i++, row.text());
            ps.setString(i++, sha256(utf8));
            ps.setInt(i++, utf8.length);
            ps.setBoolean(i++, row.truncated());
            ps.setLong(i++, row.runId());
            ps.setString(i++, row.phase());
            ps.setInt(i++, row.cellIndex());
            ps.setInt(i++, row.requestIndex());
            ps.setInt(i, row.attempt());
        });
        int n = 0;
        for (int[] batch : counts) {
            for (int c : batch) {
                // a driver that cannot say how many rows a batched statement touched reports SUCCESS_NO_INFO (-2)
                if (c == 0) {
                    AnswerRow row = rows.get(n);
                    throw new IllegalStateException("no request row for the answer of run " + row.runId() + " "
                            + row.phase() + " cell " + row.cellIndex() + " request " + row.requestIndex()
                            + " attempt " + row.attempt());
                }
                n++;
            }
        }
    }

    static String sha256(byte[] utf8) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
