package dev.nightbench.store;

import dev.nightbench.plan.Criterion;
import dev.nightbench.plan.PromptSpec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores by hand ({@code nightbench annotate}, V12's {@code human_scores}): the answers people can score, the run's
 * rubric, and the import of one rater's scores in one transaction.
 *
 * <p>The answers that can be scored are the ones the judge scores: measured ({@code phase = 'measure'}), final
 * attempt, status ok, of the latency rounds ({@code load_mode = 'serial'}), with a whole answer in {@code answers}.
 *
 * <p>A run without a {@code judge:} section has no {@code run_criteria}; people can still score it on the default
 * rubric ({@link Criterion#DEFAULTS}, plus {@link Criterion#GROUNDED} when a prompt has context), and the import
 * records that rubric as the run's criteria (in its transaction) because {@code human_scores} refers to them.
 */
@Repository
public class AnnotationStore {

    /** Which requests are answers that can be scored; {@code r} is requests, {@code a} a LEFT JOIN of answers. */
    private static final String SCORABLE = "r.phase = 'measure' AND r.is_final AND r.status = 'ok'"
            + " AND r.load_mode = 'serial' AND a.request_id IS NOT NULL";

    /**
     * What every stored text of a prompt with context holds ({@code prompts.text} is "role: content" lines): the
     * start of the user message {@link PromptSpec#groundedQuestion} builds, up to the documents. The database keeps
     * no other mark of context, so a criterion scored on context prompts only is recognised by it.
     */
    static final String CONTEXT_MARK = contextMark();

    /**
     * One criterion of a run's rubric.
     *
     * @param contextOnly scored only on answers to prompts with context ({@code grounded} added by the judge)
     */
    public record RunCriterion(String name, int position, String description, boolean contextOnly) {
    }

    /**
     * The rubric people score a run on.
     *
     * @param recorded true when it is the run's {@code run_criteria}; false for the default rubric, which the import
     *                 records
     */
    public record Rubric(List<RunCriterion> criteria, boolean recorded) {
    }

    /**
     * An answer that can be scored, as exported.
     *
     * @param prompt  the text sent ({@code prompts.text}: the messages, one "role: content" line each)
     * @param context whether its prompt has context (criteria scored on context prompts only apply)
     */
    public record ScorableAnswer(long requestId, long runId, String modelAlias, String promptId, int round,
                                 String prompt, String answer, boolean context) {
    }

    /**
     * What a request id names, for checking an imported row.
     *
     * @param scorable false for a request that is not a scorable answer (warm-up, failed, a load level, no answer)
     */
    public record RequestRef(long requestId, long runId, String modelAlias, String promptId, boolean scorable,
                             boolean context) {
    }

    /** One imported cell: the rater's score of an answer on a criterion, or null to clear an earlier one. */
    public record ScoreCell(long requestId, String criterion, Integer score) {
    }

    /** What an import did: scores inserted or replaced, and earlier scores cleared by an empty cell. */
    public record Stored(int stored, int cleared) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transactions;

    AnnotationStore(JdbcClient jdbc, JdbcTemplate template, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.template = template;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    public boolean runExists(long runId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM runs WHERE run_id = ?)").param(runId).query(Boolean.class).single();
    }

    /** The run's criteria in position order, or the default rubric when it has none recorded. */
    public Rubric rubric(long runId) {
        List<RunCriterion> recorded = jdbc.sql("SELECT criterion AS name, position, description, context_only"
                        + " FROM run_criteria WHERE run_id = ? ORDER BY position, criterion")
                .param(runId).query(RunCriterion.class).list();
        if (!recorded.isEmpty()) {
            return new Rubric(recorded, true);
        }
        List<RunCriterion> defaults = new ArrayList<>();
        for (Criterion c : Criterion.DEFAULTS) {
            defaults.add(new RunCriterion(c.name(), defaults.size(), c.description(), false));
        }
        boolean anyContext = jdbc.sql("SELECT EXISTS (SELECT 1 FROM run_prompts rp JOIN prompts p USING (text_sha256)"
                + " WHERE rp.run_id = ? AND strpos(p.text, ?) > 0)").params(runId, CONTEXT_MARK)
                .query(Boolean.class).single();
        if (anyContext) {
            defaults.add(new RunCriterion(Criterion.GROUNDED.name(), defaults.size(), Criterion.GROUNDED.description(),
                    true));
        }
        return new Rubric(List.copyOf(defaults), false);
    }

    /** The run's scorable answers in plan order of model and prompt, then by round. */
    public List<ScorableAnswer> answers(long runId) {
        return jdbc.sql("SELECT r.request_id, r.run_id, r.model_alias, r.prompt_id, r.round,"
                        + " rtrim(p.text, E'\\n') AS prompt, a.text AS answer, strpos(p.text, ?) > 0 AS context"
                        + " FROM requests r"
                        + " LEFT JOIN answers a ON a.request_id = r.request_id"
                        + " JOIN run_prompts rp ON rp.run_id = r.run_id AND rp.prompt_id = r.prompt_id"
                        + " JOIN prompts p ON p.text_sha256 = rp.text_sha256"
                        + " LEFT JOIN run_models rm ON rm.run_id = r.run_id AND rm.model_alias = r.model_alias"
                        + " WHERE r.run_id = ? AND " + SCORABLE
                        + " ORDER BY rm.ordinal, r.model_alias, rp.ordinal, r.round, r.request_id")
                .params(CONTEXT_MARK, runId).query(ScorableAnswer.class).list();
    }

    /** What each of these request ids names; ids of no request are missing from the map. */
    public Map<Long, RequestRef> requests(Collection<Long> requestIds) {
        Map<Long, RequestRef> out = new HashMap<>();
        if (requestIds.isEmpty()) {
            return out;
        }
        jdbc.sql("SELECT r.request_id, r.run_id, r.model_alias, r.prompt_id, (" + SCORABLE + ") AS scorable,"
                        + " coalesce(strpos(p.text, ?) > 0, false) AS context"
                        + " FROM requests r"
                        + " LEFT JOIN answers a ON a.request_id = r.request_id"
                        + " LEFT JOIN run_prompts rp ON rp.run_id = r.run_id AND rp.prompt_id = r.prompt_id"
                        + " LEFT JOIN prompts p ON p.text_sha256 = rp.text_sha256"
                        + " WHERE r.request_id = ANY (?)")
                .params(CONTEXT_MARK, requestIds.toArray(Long[]::new)).query(RequestRef.class).list()
                .forEach(r -> out.put(r.requestId(), r));
        return out;
    }

    /**
     * Stores one rater's scores of a run in one transaction: records {@code rubric} as the run's criteria when it is
     * not recorded yet, then upserts each scored cell (same rater, answer and criterion: the new score replaces the
     * old) and deletes the rater's earlier score of each empty cell.
     */
    public Stored store(long runId, Rubric rubric, String rater, String source, List<ScoreCell> cells) {
        return transactions.execute(status -> {
            if (!rubric.recorded()) {
                template.batchUpdate("INSERT INTO run_criteria (run_id, criterion, position, description, context_only)"
                        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rubric.criteria(), 50, (ps, c) -> {
                    ps.setLong(1, runId);
                    ps.setString(2, c.name());
                    ps.setInt(3, c.position());
                    ps.setString(4, c.description());
                    ps.setBoolean(5, c.contextOnly());
                });
            }
            List<ScoreCell> scored = cells.stream().filter(c -> c.score() != null).toList();
            List<ScoreCell> empty = cells.stream().filter(c -> c.score() == null).toList();
            template.batchUpdate("""
                    INSERT INTO human_scores (request_id, run_id, criterion, rater, score, source)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (request_id, criterion, rater)
                    DO UPDATE SET score = EXCLUDED.score, source = EXCLUDED.source, imported_at = now()""",
                    scored, 200, (ps, c) -> {
                        ps.setLong(1, c.requestId());
                        ps.setLong(2, runId);
                        ps.setString(3, c.criterion());
                        ps.setString(4, rater);
                        ps.setInt(5, c.score());
                        ps.setString(6, PgText.storable(source));
                    });
            int cleared = 0;
            for (int[] batch : template.batchUpdate("DELETE FROM human_scores WHERE request_id = ? AND criterion = ?"
                    + " AND rater = ?", empty, 200, (ps, c) -> {
                        ps.setLong(1, c.requestId());
                        ps.setString(2, c.criterion());
                        ps.setString(3, rater);
                    })) {
                for (int n : batch) {
                    cleared += Math.max(n, 0);
                }
            }
            return new Stored(scored.size(), cleared);
        });
    }

    private static String contextMark() {
        String user = PromptSpec.groundedQuestion(List.of(), "");
        return user.substring(0, user.indexOf("Context:\n") + "Context:\n".length());
    }
}
