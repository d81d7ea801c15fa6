package dev.nightbench.report;

import dev.nightbench.support.JudgeRows;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static dev.nightbench.support.JudgeRows.scores;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 12 item 6 on a real PostgreSQL: the judge's scores per model and criterion compared with the baseline's by
 * Mann-Whitney U, stored as judge_score rows with their criterion, in run_regressions when worse, so that a model that
 * got twice as fast but answers worse is a regression.
 */
class JudgeComparisonTest {

    /** factuality per round (1..5) of fast-a: baseline mean 4.8, current mean 2.0. */
    private static final int[] GOOD = {5, 5, 4, 5, 5};
    private static final int[] BAD = {2, 2, 3, 2, 1};
    /** slow-b answers alike in both runs. */
    private static final int[] STEADY = {4, 5, 4, 5, 4};

    @TempDir
    Path reports;

    History history;

    @BeforeEach
    void database() {
        history = History.fresh();
    }

    @Test
    void aModelThatGotFasterButScoresLowerOnOneCriterionRegressesOnThatCriterionAlone() throws Exception {
        long baseline = history.night(LocalDate.of(2026, 11, 21), 1, null, 1);
        judge(baseline, GOOD);
        long current = history.night(LocalDate.of(2026, 11, 22), 2, "fast-a", 0.5); // fast-a twice as fast
        judge(current, BAD);
        ReportService service = history.reportService(TrendSettings.defaults(), reports);

        Path dir = service.write(current);

        List<Map<String, Object>> rows = history.jdbc.sql("""
                        SELECT model_alias, criterion, verdict, baseline_median, current_median, change_pct, n_baseline,
                               n_current, test, p_value, p_adjusted
                        FROM run_comparisons WHERE run_id = ? AND metric = 'judge_score'
                        ORDER BY model_alias, criterion""").param(current).query().listOfRows();
        assertThat(rows).extracting(r -> r.get("model_alias") + " " + r.get("criterion") + " " + r.get("verdict"))
                .containsExactly("fast-a coherence unchanged", "fast-a factuality regressed",
                        "slow-b coherence unchanged", "slow-b factuality unchanged"); // steady-c was not judged
        Map<String, Object> fact = rows.get(1);
        assertThat((Double) fact.get("baseline_median")).isCloseTo(4.8, within(1e-12));
        assertThat((Double) fact.get("current_median")).isCloseTo(2.0, within(1e-12));
        assertThat((Double) fact.get("change_pct")).isCloseTo((2.0 - 4.8) / 4.8 * 100, within(1e-9));
        assertThat(fact.get("n_baseline")).isEqualTo(20);
        assertThat(fact.get("n_current")).isEqualTo(20);
        assertThat((String) fact.get("test")).startsWith("Mann-Whitney U");
        // all 20 current scores (1-3) lie below all 20 baseline scores (4-5): U = 0, z = (200 - 0.5) / sigma with
        // the tie correction for the groups {1:2, 2:12, 3:4, 4:4, 5:16} of the 40 values
        double tieTerm = cube(4) + cube(12) + cube(4) + cube(4) + cube(16);
        double sigma = Math.sqrt(20 * 20 / 12.0 * (41 - tieTerm / (40 * 39.0)));
        assertThat((Double) fact.get("p_value")).isCloseTo(Normal.twoSidedP((200 - 0.5) / sigma), within(1e-12))
                .isLessThan(1e-6);
        assertThat(fact.get("p_adjusted")).isNull(); // per-model serial row, tested on its own at alpha
        assertThat(rows.get(0).get("p_value")).isEqualTo(1.0); // coherence 4 everywhere: no difference at all

        // faster on latency, and still a regression
        assertThat(history.jdbc.sql("""
                        SELECT verdict FROM comparisons WHERE run_id = ? AND model_alias = 'fast-a' AND prompt_id = '*'
                          AND metric = 'ttft_ms'""").param(current).query(String.class).single()).isEqualTo("improved");
        assertThat(service.hasRegressions(current)).isTrue();
        assertThat(service.regressions(current)).containsExactly("fast-a judge score factuality 4.80 -> 2.00");
        assertThat(history.jdbc.sql("SELECT count(*) FROM run_regressions WHERE run_id = ?").param(current)
                .query(Long.class).single()).isEqualTo(1);

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("|success_rate|judge_score coherence|judge_score factuality|")
                .contains("on the judge's 1-5 scores of each rubric criterion (judge_score");
        assertThat(md.lines().filter(l -> l.contains("`judge_score factuality`") && l.contains("**regressed**")
                && l.contains("|fast-a|") && l.contains("|4.80|2.00|"))).hasSize(1);
        String csv = Files.readString(dir.resolve("comparisons.csv"));
        assertThat(csv.lines().findFirst().orElseThrow()).endsWith(",p_adjusted,criterion");
        assertThat(csv.lines().filter(l -> l.contains(",judge_score,") && l.endsWith(",factuality"))).hasSize(2);
    }

    @Test
    void criteriaScoredOnOneSideOnlyAreNotCompared() {
        long baseline = history.night(LocalDate.of(2026, 11, 21), 1, null, 1);
        long current = history.night(LocalDate.of(2026, 11, 22), 2, null, 1);
        judge(current, BAD); // the baseline had no judge

        ReportService service = history.reportService(TrendSettings.defaults(), reports);
        service.write(current);

        assertThat(history.jdbc.sql("SELECT count(*) FROM comparisons WHERE run_id = ? AND metric = 'judge_score'")
                .param(current).query(Long.class).single()).isZero();
        assertThat(service.hasRegressions(current)).isFalse();
        assertThat(baseline).isLessThan(current);
    }

    /** Rubric coherence, factuality; every measured answer of fast-a and slow-b judged, coherence 4 throughout. */
    private void judge(long runId, int[] fastFactuality) {
        JudgeRows rows = new JudgeRows(history.jdbc, runId).criteria("coherence", "factuality");
        List<Map<String, Object>> requests = history.jdbc.sql("""
                        SELECT request_id, model_alias, round FROM requests
                        WHERE run_id = ? AND model_alias IN ('fast-a', 'slow-b') ORDER BY request_id""")
                .param(runId).query().listOfRows();
        for (Map<String, Object> r : requests) {
            int round = (Integer) r.get("round");
            int[] factuality = "fast-a".equals(r.get("model_alias")) ? fastFactuality : STEADY;
            rows.ok((Long) r.get("request_id"), "scored", scores("coherence", 4, "factuality", factuality[round - 1]));
        }
    }

    private static double cube(int t) {
        return (double) t * t * t - t;
    }
}
