package dev.nightbench.cli;

import dev.nightbench.plan.PlanLoader;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 12 item 6: jobs/quality-demo.yaml run twice through {@code nightbench run --fail-on-regression}'s command on
 * a real PostgreSQL, the second time with sim-fast answering worse (shorter, so no slower): its answer-check pass
 * rate drops from 27/27 to 12/27, the comparison stores a regressed {@code check_pass_rate} row tested with Fisher's
 * exact test, the report says so, and the command exits 3 naming the metric.
 */
@ExtendWith(SimTimeScale.SimLargeOnly.class)   // not sim-fast, whose regression line must come first
class QualityRegressionTest extends JobTestSupport {

    @Autowired
    Commands commands;

    @TempDir
    Path plans;

    @Test
    void aModelWhoseAnswersGotWorseRegressesOnCheckPassRateAndExits3() throws Exception {
        String demo = Files.readString(Path.of("jobs/quality-demo.yaml"));
        String worse = demo
                .replace("capital: \"The capital of France is Paris.\"", "capital: \"Lyon.\"")          // 1 of 3
                .replace("sum: \"42\"\n", "sum: \"41\"\n")                                               // 0 of 2
                .replace("city-json: '{\"city\": \"Paris\", \"country\": \"France\"}'", "city-json: '{\"city\": \"Lyon\"}'");
        assertThat(worse).isNotEqualTo(demo);
        Path worsePlan = plans.resolve("quality-demo.yaml");
        Files.writeString(worsePlan, worse);

        Outcome first = commands.run(new PlanLoader().loadWithSnapshot(Path.of("jobs/quality-demo.yaml")),
                LocalDate.of(2026, 11, 22), null, true, false, line -> { });
        assertThat(first.exitCode()).as(first.lines().toString()).isEqualTo(Cli.OK);
        Outcome second = commands.run(new PlanLoader().loadWithSnapshot(worsePlan), LocalDate.of(2026, 11, 23), null,
                true, false, line -> { });

        assertThat(second.exitCode()).as(second.lines().toString()).isEqualTo(Cli.REGRESSION);
        assertThat(second.lines()).anySatisfy(l -> assertThat(l.text())
                .contains("regressed against its baseline: sim-fast check_pass_rate 100.0% -> 44.4%"));
        long runId = jdbc.sql("SELECT max(run_id) FROM runs").query(Long.class).single();
        // 9 checks x 3 rounds per model; sim-fast now passes 4 of 9 a round
        Map<String, Object> row = jdbc.sql("""
                        SELECT verdict, baseline_median, current_median, n_baseline, n_current, test, p_value, p_adjusted
                        FROM run_regressions WHERE run_id = ? AND metric = 'check_pass_rate'""")
                .param(runId).query().singleRow();
        assertThat(row.get("verdict")).isEqualTo("regressed");
        assertThat((Double) row.get("baseline_median")).isEqualTo(1.0);
        assertThat((Double) row.get("current_median")).isCloseTo(12 / 27.0, within(1e-12));
        assertThat(row.get("n_baseline")).isEqualTo(27);
        assertThat(row.get("n_current")).isEqualTo(27);
        assertThat(row.get("test")).isEqualTo("Fisher's exact (two-sided)");
        // two-sided Fisher on 27/27 vs 12/27: every table at least as extreme is 27/27 vs 12/27 (or 12/27 vs 27/27)
        assertThat((Double) row.get("p_value")).isCloseTo(2 * fisherTail(), within(1e-12));
        assertThat(row.get("p_adjusted")).isNull(); // per-model serial row, tested on its own like success_rate
        // the other models answered as before: compared, unchanged
        List<String> others = jdbc.sql("""
                        SELECT model_alias || ' ' || verdict || ' ' || n_current FROM comparisons
                        WHERE run_id = ? AND metric = 'check_pass_rate' AND model_alias <> 'sim-fast' ORDER BY 1""")
                .param(runId).query(String.class).list();
        assertThat(others).containsExactly("sim-large unchanged 27", "sim-medium unchanged 27");
        String md = Files.readString(ReportDirs.of(reports, "2026-11-23_" + runId).resolve("report.md"));
        assertThat(md).contains("|success_rate|check_pass_rate|").contains("pass rate (check_pass_rate");
        assertThat(md.lines().filter(l -> l.contains("`check_pass_rate`") && l.contains("regressed")
                && l.contains("sim-fast"))).hasSize(1);
        String csv = Files.readString(ReportDirs.of(reports, "2026-11-23_" + runId).resolve("comparisons.csv"));
        assertThat(csv).contains("sim-fast,*,serial").contains("check_pass_rate");
    }

    /** P(12 of the 39 passes fall on the current side's 27) with margins 27/27, 39 passes: C(27,12) C(27,27) / C(54,39). */
    private static double fisherTail() {
        return Math.exp(logChoose(27, 12) + logChoose(27, 27) - logChoose(54, 39));
    }

    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }
}
