package dev.nightbench.run;

import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * jobs/quality-demo.yaml end to end: scripted simulated answers, every check kind, exact pass counts per model and
 * per model x prompt, Wilson bounds in the views computed here independently, and the report's Quality section.
 */
@ExtendWith(SimTimeScale.class)
class QualityJobTest extends JobTestSupport {

    /** z of a two-sided 95 % interval. */
    private static final double Z = 1.959963984540054;

    @Test
    void theDemoPlansChecksGiveExactPassCountsAndWilsonIntervalsInTheViews() throws Exception {
        JobExecution execution = launch(Path.of("jobs/quality-demo.yaml"));

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        // 9 checks per round (capital 3, sum 2, colour, date, city-json, tagline 1 each) x 3 rounds, per model
        Map<String, Integer> passes = Map.of("sim-fast", 27, "sim-medium", 16, "sim-large", 12);
        for (var e : passes.entrySet()) {
            var row = jdbc.sql("SELECT n, passes, pass_rate, wilson_low, wilson_high, answers, answers_passed"
                    + " FROM model_quality WHERE run_id = ? AND model_alias = ?").params(runId, e.getKey())
                    .query((rs, i) -> new double[] {rs.getLong(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4),
                            rs.getDouble(5), rs.getLong(6), rs.getLong(7)}).single();
            assertThat(row[0]).as(e.getKey()).isEqualTo(27.0);
            assertThat(row[1]).as(e.getKey()).isEqualTo(e.getValue().doubleValue());
            assertThat(row[2]).isCloseTo(e.getValue() / 27.0, within(1e-12));
            double[] wilson = wilson(e.getValue(), 27);
            assertThat(row[3]).as("lower " + e.getKey()).isCloseTo(wilson[0], within(1e-9));
            assertThat(row[4]).as("upper " + e.getKey()).isCloseTo(wilson[1], within(1e-9));
            assertThat(row[5]).isEqualTo(18.0);   // 6 prompts x 3 rounds, every answer ok
        }
        // sim-fast passes every check of every answer; sim-large passes all of colour and date only
        assertThat(count("SELECT answers_passed FROM model_quality WHERE run_id = ? AND model_alias = 'sim-fast'", runId))
                .isEqualTo(18);
        assertThat(count("SELECT answers_passed FROM model_quality WHERE run_id = ? AND model_alias = 'sim-large'",
                runId)).isEqualTo(6);
        // per model x prompt: sim-medium's sum answers are 42, 41, 42 in turn
        assertThat(count("SELECT passes FROM prompt_quality WHERE run_id = ? AND model_alias = 'sim-medium'"
                + " AND prompt_id = 'sum'", runId)).isEqualTo(4);
        assertThat(count("SELECT n FROM prompt_quality WHERE run_id = ? AND model_alias = 'sim-medium'"
                + " AND prompt_id = 'sum'", runId)).isEqualTo(6);
        assertThat(jdbc.sql("SELECT wilson_low FROM prompt_quality WHERE run_id = ? AND model_alias = 'sim-medium'"
                + " AND prompt_id = 'sum'").param(runId).query(Double.class).single())
                .isCloseTo(wilson(4, 6)[0], within(1e-9));
        // 0 of 3 and 3 of 3: the interval is not zero-width
        assertThat(jdbc.sql("SELECT wilson_high FROM prompt_quality WHERE run_id = ? AND model_alias = 'sim-large'"
                + " AND prompt_id = 'tagline'").param(runId).query(Double.class).single())
                .isCloseTo(wilson(0, 3)[1], within(1e-9)).isGreaterThan(0.4);
        // every kind ran, the reasons say why
        assertThat(jdbc.sql("SELECT DISTINCT kind FROM check_results WHERE run_id = ? ORDER BY kind").param(runId)
                .query(String.class).list()).containsExactly("contains", "equals", "json", "max_chars", "max_words",
                "not_contains", "numeric", "one_of", "regex");
        assertThat(jdbc.sql("SELECT reason FROM failed_checks WHERE run_id = ? AND model_alias = 'sim-large'"
                + " AND prompt_id = 'sum' AND kind = 'numeric' AND round = 1").param(runId).query(String.class).single())
                .isEqualTo("first number 17, expected 42");
        assertThat(jdbc.sql("SELECT reason FROM failed_checks WHERE run_id = ? AND model_alias = 'sim-large'"
                + " AND prompt_id = 'city-json' AND round = 3").param(runId).query(String.class).single())
                .isEqualTo("JSON object fails the schema: /: required property 'country' not found");
        assertThat(jdbc.sql("SELECT reason FROM failed_checks WHERE run_id = ? AND model_alias = 'sim-medium'"
                + " AND prompt_id = 'capital' AND round = 2").param(runId).query(String.class).single())
                .isEqualTo("expected no 'Lyon', found at character 11");
        // warm-up answers are never checked
        assertThat(count("SELECT count(*) FROM check_results c JOIN requests q USING (run_id, phase, cell_index,"
                + " request_index, attempt) WHERE c.run_id = ? AND q.phase <> 'measure'", runId)).isZero();
        assertThat(count("SELECT count(*) FROM check_results WHERE run_id = ?", runId)).isEqualTo(81);
        assertThat(count("SELECT count(*) FROM run_checks WHERE run_id = ?", runId)).isEqualTo(9);

        Path report = ReportDirs.of(reports, "2026-11-22_" + runId);
        String md = java.nio.file.Files.readString(report.resolve("report.md"));
        assertThat(md).contains("## Quality").contains("sim-medium").contains("59.3 %")
                .contains("first number 17, expected 42");
        String html = java.nio.file.Files.readString(report.resolve("report.html"));
        // model output is escaped: sim-medium's fenced JSON and quotes stay text
        assertThat(html).contains("Quality").doesNotContain("<script");
    }

    /** The 95 % Wilson score interval, computed here the textbook way (not from the SQL). */
    static double[] wilson(long passes, long n) {
        double p = (double) passes / n;
        double denominator = 1 + Z * Z / n;
        double centre = (p + Z * Z / (2.0 * n)) / denominator;
        double half = Z * Math.sqrt(p * (1 - p) / n + Z * Z / (4.0 * n * n)) / denominator;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

}
