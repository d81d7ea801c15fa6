package dev.nightbench.store;

import dev.nightbench.plan.Criterion;
import dev.nightbench.plan.JudgeSpec;
import dev.nightbench.plan.PromptSpec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.PreparedStatement;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The judge's tables (V12): the rubric and the judge a run used ({@code run_criteria}, {@code run_judges}), the
 * answers still to judge, and each verdict with its scores ({@code judge_verdicts}, {@code judge_scores}). Scores are
 * read through the views {@code model_scores}, {@code prompt_scores} and {@code judge_outcomes}.
 *
 * <p>What is still to judge is always asked of the database, never remembered: an answer with a verdict row is done,
 * so a restart asks the judge only about the answers whose verdict was not committed.
 */
@Repository
public class JudgeStore {

    /** How a verdict ended, as {@code judge_verdicts.status} stores it. */
    public enum Status {
        /** The reply was read: a score for every criterion. */
        OK("ok"),
        /** The judge replied, but not with usable scores ({@code reason} says why). */
        UNPARSEABLE("unparseable"),
        /** No reply: the judge call failed after its retries. */
        FAILED("failed");

        private static final Map<String, Status> BY_VALUE = Arrays.stream(values())
                .collect(Collectors.toUnmodifiableMap(Status::value, Function.identity()));

        private final String value;

        Status(String value) {
            this.value = value;
        }

        /** The value stored in {@code judge_verdicts.status}. */
        public String value() {
            return value;
        }

        /** @throws IllegalArgumentException for a value {@code judge_verdicts.status} does not hold */
        public static Status from(String value) {
            Status s = BY_VALUE.get(value);
            if (s == null) {
                throw new IllegalArgumentException("unknown judge_verdicts.status value '" + value + "' (expected one of "
                        + BY_VALUE.keySet().stream().sorted().toList() + ")");
            }
            return s;
        }

        @Override
        public String toString() {
            return value;
        }
    }

    /** A measured answer still to judge: its request, model, prompt, round and whole text. */
    public record Pending(long requestId, String modelAlias, String promptId, int round, String answer) {
    }

    /**
     * One verdict to store.
     *
     * @param reason    ok: the judge's own reason (may be null); else why the verdict is not usable
     * @param prompt    the messages sent to the judge, "role: content" lines
     * @param verdict   the judge's raw reply, null when the call failed
     * @param latencyMs end to end of the judge call that answered, null when none did
     * @param attempts  judge calls made for this answer, retries included (at least 1)
     * @param scores    criterion to score 1-5; empty unless ok
     */
    public record VerdictRow(long requestId, long runId, Status status, String reason, String prompt, String verdict,
                             Double latencyMs, int attempts, Map<String, Integer> scores) {

        public VerdictRow {
            scores = Map.copyOf(scores);
            if (status != Status.OK && !scores.isEmpty()) {
                throw new IllegalArgumentException("only an ok verdict has scores: " + status);
            }
        }
    }

    /** A run's verdicts by status. */
    public record Outcomes(long ok, long unparseable, long failed) {

        public long judged() {
            return ok + unparseable + failed;
        }
    }

    private static final String TO_JUDGE = """
            WITH eligible AS (
                SELECT q.request_id, q.model_alias, q.prompt_id, q.round,
                       row_number() OVER (PARTITION BY q.model_alias, q.prompt_id ORDER BY q.round, q.request_id) AS nth
                FROM requests q
                JOIN answers a ON a.request_id = q.request_id
                WHERE q.run_id = ? AND q.phase = 'measure' AND q.is_final AND q.status = 'ok' AND q.load_mode = 'serial')
            SELECT e.request_id, e.model_alias, e.prompt_id, e.round, a.text AS answer
            FROM eligible e
            JOIN answers a ON a.request_id = e.request_id
            WHERE e.nth <= ? AND e.request_id > ?
              AND NOT EXISTS (SELECT 1 FROM judge_verdicts v WHERE v.request_id = e.request_id)
            ORDER BY e.request_id
            LIMIT ?""";

    /** The verdict and its scores in one statement, so one is never stored without the other. */
    private static final String INSERT = """
            WITH v AS (
                INSERT INTO judge_verdicts (request_id, run_id, status, reason, prompt, verdict, latency_ms, attempts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                RETURNING request_id, run_id)
            INSERT INTO judge_scores (request_id, run_id, criterion, score)
            SELECT v.request_id, v.run_id, s.criterion, s.score
            FROM v, unnest(?::text[], ?::int[]) AS s(criterion, score)""";

    private final JdbcTemplate jdbc;
    private final JdbcClient client;

    JudgeStore(JdbcTemplate jdbc, JdbcClient client) {
        this.jdbc = jdbc;
        this.client = client;
    }

    /**
     * The run's rubric ({@code run_criteria}: the plan's criteria in order, then {@code grounded} when a prompt has
     * context, marked context-only unless the plan listed it) and its judge ({@code run_judges}), in the registerRun
     * step's transaction.
     */
    public void register(long runId, JudgeSpec judge, List<PromptSpec> prompts) {
        List<Criterion> all = judge.allCriteria(prompts);
        for (int i = 0; i < all.size(); i++) {
            Criterion c = all.get(i);
            boolean contextOnly = c.name().equals(Criterion.GROUNDED.name())
                    && judge.criteria().stream().noneMatch(own -> own.name().equals(c.name()));
            client.sql("INSERT INTO run_criteria (run_id, criterion, position, description, context_only)"
                    + " VALUES (?, ?, ?, ?, ?)").params(runId, c.name(), i, c.description(), contextOnly).update();
        }
        client.sql("INSERT INTO run_judges (run_id, model_alias, endpoint, model, sample, max_tokens)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")
                .params(runId, judge.modelAlias(), judge.endpoint(), judge.model(), judge.sample(), judge.maxTokens())
                .update();
    }

    /**
     * The next answers of the run to judge, in request order: the final ok attempts of the measure phase's latency
     * (serial) rounds that have a stored answer and no verdict yet. With a sample, only the first {@code sample}
     * such answers per model x prompt (by round) are judged at all: the same ones on every call and every restart.
     *
     * @param sample    answers judged per model x prompt, or null for all
     * @param afterId   only answers with a request id above this (the last one read; 0 at first)
     * @param limit     at most this many
     */
    public List<Pending> toJudge(long runId, Integer sample, long afterId, int limit) {
        return client.sql(TO_JUDGE).params(runId, sample == null ? Integer.MAX_VALUE : sample, afterId, limit)
                .query(Pending.class).list();
    }

    /** Stores the verdict and its scores in one statement: both, or neither (and the statement fails). */
    public void insert(VerdictRow row) {
        String[] criteria = row.scores().keySet().toArray(String[]::new);
        Integer[] scores = Arrays.stream(criteria).map(row.scores()::get).toArray(Integer[]::new);
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement(INSERT);
            int i = 1;
            ps.setLong(i++, row.requestId());
            ps.setLong(i++, row.runId());
            ps.setString(i++, row.status().value());
            ps.setString(i++, PgText.storable(row.reason()));
            ps.setString(i++, PgText.storable(row.prompt()));
            ps.setString(i++, PgText.storable(row.verdict()));
            if (row.latencyMs() == null) {
                ps.setNull(i++, Types.DOUBLE);
            } else {
                ps.setDouble(i++, row.latencyMs());
            }
            ps.setInt(i++, row.attempts());
            ps.setArray(i++, con.createArrayOf("text", criteria));
            ps.setArray(i, con.createArrayOf("int4", scores));
            return ps;
        });
    }

    /** How many of the run's answers to judge (sample included) have no verdict: a breaker stopped the judge. */
    public long stillToJudge(long runId, Integer sample) {
        return client.sql("SELECT count(*) FROM (" + TO_JUDGE + ") t")
                .params(runId, sample == null ? Integer.MAX_VALUE : sample, 0L, Long.MAX_VALUE).query(Long.class).single();
    }

    /** The run's verdicts by status, for the step's summary line. */
    public Outcomes outcomes(long runId) {
        return client.sql("SELECT count(*) FILTER (WHERE status = 'ok'), count(*) FILTER (WHERE status = 'unparseable'),"
                        + " count(*) FILTER (WHERE status = 'failed') FROM judge_verdicts WHERE run_id = ?")
                .param(runId).query((rs, n) -> new Outcomes(rs.getLong(1), rs.getLong(2), rs.getLong(3))).single();
    }
}
