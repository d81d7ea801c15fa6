package dev.nightbench.store;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.PreparedStatement;
import java.util.List;

/**
 * The {@code comparisons} rows (V3__trends.sql): a run's comparison with its baseline, replaced as a whole each time
 * its report is written. The report reads them back through the {@code run_comparisons} view.
 */
@Repository
public class ComparisonStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final TransactionTemplate transactions;

    public ComparisonStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /** What the run was compared with, the same for all its rows. */
    public record Baseline(String mode, List<Long> runIds, double thresholdPct, double alpha) {
    }

    /**
     * One metric of one model, prompt and load level compared; {@code metric} and {@code verdict} as stored;
     * {@code criterion} the rubric criterion of a {@code judge_score} row (V13), else null.
     */
    public record ComparisonRow(String modelAlias, String promptId, String loadMode, double loadLevel, String metric,
                                Double baselineMedian, Double currentMedian, Double changePct, Double pValue,
                                Double pAdjusted, int nBaseline, int nCurrent, String test, String verdict,
                                String criterion) {
    }

    /**
     * Replaces the run's stored comparisons, atomically. The rows go in as one {@code INSERT ... SELECT FROM
     * unnest(arrays)}: a big plan has thousands of comparisons, and one statement is ten times faster than a batch.
     */
    public void replace(long runId, Baseline baseline, List<ComparisonRow> rows) {
        int n = rows.size();
        String[] models = new String[n];
        String[] prompts = new String[n];
        String[] loadModes = new String[n];
        Double[] loadLevels = new Double[n];
        String[] metrics = new String[n];
        Double[] baselineMedians = new Double[n];
        Double[] currentMedians = new Double[n];
        Double[] changes = new Double[n];
        Double[] pValues = new Double[n];
        Double[] pAdjusted = new Double[n];
        Integer[] nBaseline = new Integer[n];
        Integer[] nCurrent = new Integer[n];
        String[] tests = new String[n];
        String[] verdicts = new String[n];
        String[] criteria = new String[n];
        for (int i = 0; i < n; i++) {
            ComparisonRow c = rows.get(i);
            models[i] = c.modelAlias();
            prompts[i] = c.promptId();
            loadModes[i] = c.loadMode();
            loadLevels[i] = c.loadLevel();
            metrics[i] = c.metric();
            baselineMedians[i] = c.baselineMedian();
            currentMedians[i] = c.currentMedian();
            changes[i] = c.changePct();
            pValues[i] = c.pValue();
            pAdjusted[i] = c.pAdjusted();
            nBaseline[i] = c.nBaseline();
            nCurrent[i] = c.nCurrent();
            tests[i] = c.test();
            verdicts[i] = c.verdict();
            criteria[i] = c.criterion();
        }
        transactions.executeWithoutResult(status -> {
            delete(runId);
            if (n == 0) {
                return;
            }
            jdbcTemplate.execute((ConnectionCallback<Integer>) connection -> {
                try (PreparedStatement ps = connection.prepareStatement("""
                        INSERT INTO comparisons (run_id, baseline_mode, baseline_run_ids, model_alias, prompt_id, load_mode,
                            load_level, metric, baseline_median, current_median, change_pct, p_value, n_baseline, n_current,
                            test, verdict, p_adjusted, criterion, threshold_pct, alpha)
                        SELECT ?, ?, ?, *, ?, ?
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::float8[], ?::text[], ?::float8[], ?::float8[],
                                    ?::float8[], ?::float8[], ?::int[], ?::int[], ?::text[], ?::text[], ?::float8[],
                                    ?::text[])""")) {
                    int i = 1;
                    ps.setLong(i++, runId);
                    ps.setString(i++, baseline.mode());
                    ps.setArray(i++, connection.createArrayOf("bigint", baseline.runIds().toArray()));
                    ps.setDouble(i++, baseline.thresholdPct());
                    ps.setDouble(i++, baseline.alpha());
                    ps.setArray(i++, connection.createArrayOf("text", models));
                    ps.setArray(i++, connection.createArrayOf("text", prompts));
                    ps.setArray(i++, connection.createArrayOf("text", loadModes));
                    ps.setArray(i++, connection.createArrayOf("float8", loadLevels));
                    ps.setArray(i++, connection.createArrayOf("text", metrics));
                    ps.setArray(i++, connection.createArrayOf("float8", baselineMedians));
                    ps.setArray(i++, connection.createArrayOf("float8", currentMedians));
                    ps.setArray(i++, connection.createArrayOf("float8", changes));
                    ps.setArray(i++, connection.createArrayOf("float8", pValues));
                    ps.setArray(i++, connection.createArrayOf("int4", nBaseline));
                    ps.setArray(i++, connection.createArrayOf("int4", nCurrent));
                    ps.setArray(i++, connection.createArrayOf("text", tests));
                    ps.setArray(i++, connection.createArrayOf("text", verdicts));
                    ps.setArray(i++, connection.createArrayOf("float8", pAdjusted));
                    ps.setArray(i, connection.createArrayOf("text", criteria));
                    return ps.executeUpdate();
                }
            });
        });
    }

    /** Removes the run's comparisons (a run without a baseline has none). */
    public void delete(long runId) {
        jdbc.sql("DELETE FROM comparisons WHERE run_id = ?").param(runId).update();
    }
}
