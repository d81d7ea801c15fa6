package dev.nightbench.store;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stored answers a conversation's later turns send back as history (issue 14): per model and prompt (an earlier
 * turn), the whole answer ({@code answers}, V9) of each round that succeeded in a measured latency cell.
 */
@Repository
public class ConversationStore {

    private final JdbcClient jdbc;

    ConversationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The answers that count, by round: measure phase, serial (latency) cell, final attempt, status ok. An answer cut
     * at {@code run.answer_max_bytes} is returned as stored (its kept start).
     */
    public Map<Integer, String> answersByRound(long runId, String modelAlias, String promptId) {
        Map<Integer, String> out = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT r.round, a.text
                        FROM requests r
                        JOIN answers a ON a.request_id = r.request_id
                        WHERE r.run_id = ? AND r.model_alias = ? AND r.prompt_id = ? AND r.phase = 'measure'
                          AND r.load_mode = 'serial' AND r.is_final AND r.status = 'ok' AND r.round IS NOT NULL
                        ORDER BY r.round""")
                .params(runId, modelAlias, promptId)
                .query(rs -> {
                    out.put(rs.getInt(1), rs.getString(2));
                });
        return out;
    }
}
