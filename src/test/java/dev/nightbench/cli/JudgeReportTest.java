package dev.nightbench.cli;

import dev.nightbench.plan.PlanLoader;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 12 items 6 and 7 on jobs/quality-demo.yaml, run twice through {@code nightbench run --fail-on-regression}'s
 * command on a real PostgreSQL. The judge step is not part of this test: a trigger on {@code answers} stands in for
 * it and writes, for every measured answer of the latency rounds, the V12 rows the judge step writes (rubric
 * coherence and factuality, a verdict, its scores) from a table of scripted scores per model and prompt, before the
 * job writes its report. So the report of the first run shows exact means and t intervals, the judge's outcomes and
 * the lowest-scored answers escaped; the second run, whose sim-medium answers the "judge" now finds wrong, exits 3
 * naming the judge score.
 */
@ExtendWith(SimTimeScale.class)
class JudgeReportTest extends JobTestSupport {

    /** t(0.975, 17): 18 answers per model (6 prompts x 3 rounds). */
    private static final double T17 = 2.109815578;

    @Autowired
    Commands commands;

    @Test
    void theReportShowsScoresWithIntervalsAndAWorseSecondRunExits3NamingTheJudgeScore() throws Exception {
        installScriptedJudge();
        // the quality demo without a judge of its own, so only the scripted scores are in the database
        Path plan = Path.of("src/test/resources/plans/quality-demo-no-judge.yaml");

        Outcome first = commands.run(new PlanLoader().loadWithSnapshot(plan), LocalDate.of(2026, 11, 22), null, true,
                false, line -> { });

        assertThat(first.exitCode()).as(first.lines().toString()).isEqualTo(Cli.OK);
        long run1 = jdbc.sql("SELECT max(run_id) FROM runs").query(Long.class).single();
        Path dir = ReportDirs.of(reports, "2026-11-22_" + run1);
        String md = Files.readString(dir.resolve("report.md"));
        // sim-medium: coherence 12 x 5, 3 x 4 (capital), 3 x 3 (sum); factuality 12 x 5, 3 x 3, 3 x 2
        String coherence = score(IntStream.concat(IntStream.concat(repeat(5, 12), repeat(4, 3)), repeat(3, 3)));
        String factuality = score(IntStream.concat(IntStream.concat(repeat(5, 12), repeat(3, 3)), repeat(2, 3)));
        assertThat(coherence).isEqualTo("4.50 (4.11 – 4.89)");
        assertThat(md).contains("## Quality").contains("### Judge scores")
                .contains("Judge sim-judge on endpoint sim scored every measured answer of the latency rounds")
                .contains("|Model|coherence mean (95 % CI)|n|factuality mean (95 % CI)|n|")
                .contains("|sim-fast|5.00 (5.00 – 5.00)|18|5.00 (5.00 – 5.00)|18|")
                .contains("|sim-medium|" + coherence + "|18|" + factuality + "|18|")
                .contains("|sim-large|5.00 (5.00 – 5.00)|15|5.00 (5.00 – 5.00)|15|") // tagline: unparseable
                .contains("|Model|Judged|ok|Unparseable|Failed|Judge latency p50|")
                .contains("|sim-medium|18|18|0|0|100.0 ms|")
                .contains("|sim-large|18|15|3|0|100.0 ms|");
        // the model table's quality columns: check pass rate with its Wilson interval (27/27: low 27 / (27 + z^2))
        assertThat(md).contains("|Check pass rate (95 % CI)|coherence (mean, 95 % CI)|factuality (mean, 95 % CI)|");
        assertThat(md.lines().filter(l -> l.startsWith("|sim-fast|") && l.endsWith(
                "|100.0 % (87.5 % – 100.0 %)|5.00 (5.00 – 5.00)|5.00 (5.00 – 5.00)|"))).hasSize(1);
        // per prompt: checks, then the scores; an answer whose verdicts did not parse has none
        assertThat(md.lines().filter(l -> l.startsWith("|sim-medium|capital|6 / 9|")
                && l.endsWith("|4.00 (4.00 – 4.00)|3.00 (3.00 – 3.00)|"))).hasSize(1);
        assertThat(md.lines().filter(l -> l.startsWith("|sim-large|tagline|0 / 3|") && l.endsWith("|—|—|")))
                .hasSize(1);
        // the five lowest: sim-medium's sum answers (mean 2.5) by round, then its first two capital answers (3.5)
        List<String> lowest = md.lines().dropWhile(l -> !l.equals("### Lowest-scored answers")).skip(1)
                .takeWhile(l -> !l.startsWith("#")).filter(l -> l.startsWith("|sim-")).toList();
        assertThat(lowest).hasSize(5);
        assertThat(lowest.subList(0, 3)).allSatisfy(l -> assertThat(l).startsWith("|sim-medium|sum|")
                .contains("|2.50|coherence 3, factuality 2|&lt;script&gt;alert(1)&lt;/script&gt; adds up \\*\\*wrong\\*\\*|"));
        assertThat(lowest).extracting(l -> l.split("\\|")[3]).containsExactly("1", "2", "3", "1", "2");
        assertThat(lowest.get(3)).startsWith("|sim-medium|capital|1|3.50|coherence 4, factuality 3|")
                .endsWith("|Right, but &lt;b&gt;chatty&lt;/b&gt; \\| and long|Paris, not Lyon, is the capital of France.|");
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).doesNotContain("<script>alert(1)").doesNotContain("<b>chatty")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; adds up **wrong**");
        // quality trend charts beside the latency ones
        assertThat(dir.resolve("quality-01-sim-fast.png")).isNotEmptyFile();
        assertThat(md).contains("![Quality trend of sim-medium: check pass rate, mean judge score per criterion]"
                + "(quality-02-sim-medium.png)");

        // the second night the judge finds every sim-medium answer wrong
        jdbc.sql("UPDATE test_verdicts SET factuality = 1 WHERE model_alias = 'sim-medium'").update();
        jdbc.sql("INSERT INTO test_verdicts VALUES ('sim-medium', '*', 5, 1, 'ok', 'Wrong.')").update();
        Outcome second = commands.run(new PlanLoader().loadWithSnapshot(plan), LocalDate.of(2026, 11, 23), null,
                true, false, line -> { });

        assertThat(second.exitCode()).as(second.lines().toString()).isEqualTo(Cli.REGRESSION);
        assertThat(second.lines()).anySatisfy(l -> assertThat(l.text()).contains("regressed against its baseline")
                .contains("sim-medium judge score factuality 4.17 -> 1.00"));
        long run2 = jdbc.sql("SELECT max(run_id) FROM runs").query(Long.class).single();
        Map<String, Object> row = jdbc.sql("""
                        SELECT baseline_median, current_median, n_baseline, n_current, test, p_value
                        FROM run_regressions WHERE run_id = ? AND metric = 'judge_score' AND criterion = 'factuality'""")
                .param(run2).query().singleRow();
        assertThat((Double) row.get("baseline_median")).isCloseTo(75 / 18.0, within(1e-12));
        assertThat((Double) row.get("current_median")).isEqualTo(1.0);
        assertThat(row.get("n_baseline")).isEqualTo(18);
        assertThat(row.get("n_current")).isEqualTo(18);
        assertThat((String) row.get("test")).startsWith("Mann-Whitney U");
        assertThat((Double) row.get("p_value")).isLessThan(1e-6);
        // the other models and coherence were scored alike: compared, unchanged
        assertThat(jdbc.sql("""
                        SELECT model_alias || ' ' || criterion || ' ' || verdict FROM comparisons
                        WHERE run_id = ? AND metric = 'judge_score' ORDER BY 1""").param(run2).query(String.class).list())
                .containsExactly("sim-fast coherence unchanged", "sim-fast factuality unchanged",
                        "sim-large coherence unchanged", "sim-large factuality unchanged",
                        "sim-medium coherence unchanged", "sim-medium factuality regressed");
    }

    /**
     * test_verdicts: scores per model and prompt ('*' for any, the most specific row wins); a trigger on answers
     * writes the judge's rows for each measured answer of the latency rounds from it.
     */
    private void installScriptedJudge() {
        jdbc.sql("""
                CREATE TABLE test_verdicts (model_alias text, prompt_id text, coherence int, factuality int,
                                            status text, reason text)""").update();
        jdbc.sql("""
                INSERT INTO test_verdicts VALUES
                    ('*', '*', 5, 5, 'ok', 'Correct and clear.'),
                    ('sim-medium', 'capital', 4, 3, 'ok', 'Right, but <b>chatty</b> | and long'),
                    ('sim-medium', 'sum', 3, 2, 'ok', '<script>alert(1)</script> adds up **wrong**'),
                    ('sim-large', 'tagline', NULL, NULL, 'unparseable', 'no JSON object in the verdict')""").update();
        jdbc.sql("""
                CREATE FUNCTION test_judge() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    q requests;
                    v test_verdicts;
                BEGIN
                    SELECT * INTO q FROM requests WHERE request_id = NEW.request_id;
                    IF q.phase <> 'measure' OR NOT q.is_final OR q.status <> 'ok' OR q.load_mode <> 'serial' THEN
                        RETURN NEW;
                    END IF;
                    INSERT INTO run_criteria (run_id, criterion, position, description)
                    VALUES (q.run_id, 'coherence', 0, 'clear and well formed'), (q.run_id, 'factuality', 1, 'true')
                    ON CONFLICT DO NOTHING;
                    INSERT INTO run_judges (run_id, model_alias, endpoint, model, sample, max_tokens)
                    VALUES (q.run_id, NULL, 'sim', 'sim-judge', NULL, 256) ON CONFLICT DO NOTHING;
                    SELECT * INTO v FROM test_verdicts t
                    WHERE t.model_alias IN (q.model_alias, '*') AND t.prompt_id IN (q.prompt_id, '*')
                    ORDER BY t.model_alias = '*', t.prompt_id = '*' LIMIT 1;
                    INSERT INTO judge_verdicts (request_id, run_id, status, reason, prompt, verdict, latency_ms, attempts)
                    VALUES (q.request_id, q.run_id, v.status, v.reason, 'system: rubric', '{}', 100, 1);
                    IF v.status = 'ok' THEN
                        INSERT INTO judge_scores (request_id, run_id, criterion, score)
                        VALUES (q.request_id, q.run_id, 'coherence', v.coherence),
                               (q.request_id, q.run_id, 'factuality', v.factuality);
                    END IF;
                    RETURN NEW;
                END $$""").update();
        jdbc.sql("CREATE TRIGGER test_judge AFTER INSERT ON answers FOR EACH ROW EXECUTE FUNCTION test_judge()")
                .update();
    }

    /** "mean (low – high)" with the t interval computed here: mean ± t(0.975, n − 1) · s / √n. */
    private static String score(IntStream scores) {
        int[] v = scores.toArray();
        double mean = IntStream.of(v).average().orElseThrow();
        double ss = IntStream.of(v).mapToDouble(x -> (x - mean) * (x - mean)).sum();
        double half = T17 * Math.sqrt(ss / (v.length - 1)) / Math.sqrt(v.length);
        return String.format(Locale.ROOT, "%.2f (%.2f – %.2f)", mean, mean - half, mean + half);
    }

    private static IntStream repeat(int score, int times) {
        return IntStream.generate(() -> score).limit(times);
    }
}
