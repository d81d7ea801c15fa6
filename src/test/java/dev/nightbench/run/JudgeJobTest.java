package dev.nightbench.run;

import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The judge step in the whole job, with the simulated judge's scripted verdicts: exact scores per model and
 * criterion in model_scores (the 95 % t interval computed here), grounded scored only on the context prompt, an
 * unparseable verdict stored with its status, reply and reason and counted, a judge that cannot be reached giving
 * failed verdicts while the run completes, judge.sample, and judge calls never in requests.
 */
@ExtendWith(SimTimeScale.class)
class JudgeJobTest extends JobTestSupport {

    /** t quantile 0.975 for 4 degrees of freedom. */
    private static final double T4 = 2.7764451051977987;

    @TempDir
    Path dir;

    /** The plan, with the scripted judge when {@code judge} names it ({@code verdicts:} are only for the judge). */
    private static String plan(String name, String judge) {
        String yaml = """
                name: %s
                endpoints:
                  - name: sim
                    type: simulated
                    answers:
                      sim-fast:
                        capital: "Paris."
                        leave: "25 days."
                      sim-medium:
                        capital: ["Lyon.", "Paris, not Lyon.", "Lyon."]
                        leave: "I think 30 days, and you should ask HR."
                    verdicts:
                      sim-judge:
                        "Paris.": '{"coherence": 5, "factuality": 5, "brevity": 5, "reason": "Exact."}'
                        "25 days.": "```json\\n{\\"coherence\\": 5, \\"factuality\\": 5, \\"brevity\\": 5, \\"grounded\\": 5, \\"reason\\": \\"From the context.\\"}\\n```"
                        "Paris, not Lyon.": 'Verdict: {"coherence": 4, "factuality": 5, "brevity": 3, "reason": "Right, padded."} Done.'
                        "Lyon.": ['{"coherence": 4, "factuality": 1, "brevity": 5, "reason": "Wrong city."}', 'I cannot judge this.']
                        "*": '{"coherence": 3, "factuality": 2, "brevity": 2, "grounded": 1, "reason": "Not in the context."}'
                models:
                  - {alias: sim-fast, endpoint: sim}
                  - {alias: sim-medium, endpoint: sim}
                prompts:
                  - {id: capital, text: "What is the capital of France?", reference: "Paris"}
                  - {id: leave, text: "How many days of leave do staff get?", context: ["Staff get 25 days of leave a year.", "Leave is booked in the HR tool."]}
                judge:
                %s
                run: {warmup: 0, rounds: 3, max_tokens: 64, timeouts: {connect: 2s, first_token: 5s, idle: 2s, total: 10s}}
                """.formatted(name, judge);
        return judge.contains("sim-judge") ? yaml : yaml.replaceAll("(?s)    verdicts:.*?(?=models:)", "");
    }

    private Path write(String name, String judge) throws Exception {
        return Files.writeString(dir.resolve(name + ".yaml"), plan(name, judge));
    }

    private double[] scores(long runId, String model, String criterion) {
        return jdbc.sql("SELECT n, mean, sd, ci_low, ci_high FROM model_scores WHERE run_id = ? AND model_alias = ?"
                        + " AND criterion = ?").params(runId, model, criterion)
                .query((rs, i) -> new double[] {rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4),
                        rs.getDouble(5)}).single();
    }

    @Test
    void everyMeasuredAnswerIsJudgedOnceWithExactScoresAndTheUnparseableOneIsCounted() throws Exception {
        JobExecution execution;
        try (LogCapture log = LogCapture.of(JudgeStep.class.getName())) {
            execution = launch(write("judged", "  model: sim-judge\n  endpoint: sim\n  max_tokens: 128"));
            assertThat(log.lines()).extracting(LogCapture.Line::message)
                    .contains("Judge: 12 answers judged (11 ok, 1 unparseable, 0 failed)");
        }
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);

        // sim-fast: every answer 5 on everything, grounded only on the leave answers
        assertThat(scores(runId, "sim-fast", "coherence")).containsExactly(6, 5, 0, 5, 5);
        assertThat(scores(runId, "sim-fast", "grounded")).containsExactly(3, 5, 0, 5, 5);
        // sim-medium: capital Lyon (4 1 5), Paris-not-Lyon (4 5 3), Lyon again unparseable; leave 3x (3 2 2 1)
        double[] coherence = scores(runId, "sim-medium", "coherence");   // 4 4 3 3 3
        assertThat(coherence[0]).isEqualTo(5);
        assertThat(coherence[1]).isCloseTo(3.4, within(1e-12));
        double sd = Math.sqrt((2 * 0.6 * 0.6 + 3 * 0.4 * 0.4) / 4);
        assertThat(coherence[2]).isCloseTo(sd, within(1e-12));
        assertThat(coherence[3]).isCloseTo(3.4 - T4 * sd / Math.sqrt(5), within(1e-6));
        assertThat(coherence[4]).isCloseTo(3.4 + T4 * sd / Math.sqrt(5), within(1e-6));
        assertThat(scores(runId, "sim-medium", "factuality")[1]).isCloseTo(12 / 5.0, within(1e-12));   // 1 5 2 2 2
        assertThat(scores(runId, "sim-medium", "brevity")[1]).isCloseTo(14 / 5.0, within(1e-12));      // 5 3 2 2 2
        assertThat(scores(runId, "sim-medium", "grounded")).containsExactly(3, 1, 0, 1, 1);
        assertThat(jdbc.sql("SELECT model_alias || ' ' || judged || ' ' || ok || ' ' || unparseable || ' ' || failed"
                + " FROM judge_outcomes WHERE run_id = ? ORDER BY model_alias").param(runId).query(String.class).list())
                .containsExactly("sim-fast 6 6 0 0", "sim-medium 6 5 1 0");

        // the unparseable verdict: the reply as the judge gave it, why it is not usable, no scores
        var unparseable = jdbc.sql("SELECT v.request_id, v.reason, v.verdict, v.prompt, q.round FROM judge_verdicts v"
                        + " JOIN requests q USING (request_id) WHERE v.run_id = ? AND v.status = 'unparseable'")
                .param(runId).query((rs, i) -> List.of(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5))).single();
        assertThat(unparseable.get(1)).isEqualTo("no JSON object in the reply");
        assertThat(unparseable.get(2)).isEqualTo("I cannot judge this.");
        assertThat(unparseable.get(3)).startsWith("system: You are grading").contains(
                "user: Question:\nWhat is the capital of France?\n\nReference answer:\nParis\n\n<answer>\nLyon.\n</answer>");
        assertThat(unparseable.get(4)).isEqualTo("3");
        assertThat(count("SELECT count(*) FROM judge_scores WHERE request_id = ?", Long.parseLong(unparseable.get(0))))
                .isZero();
        // the context prompt's conversation carries its documents; the judge's own reason is kept
        assertThat(jdbc.sql("SELECT v.prompt || '|' || v.reason FROM judge_verdicts v JOIN requests q USING (request_id)"
                        + " WHERE v.run_id = ? AND q.model_alias = 'sim-fast' AND q.prompt_id = 'leave' AND q.round = 1")
                .param(runId).query(String.class).single())
                .contains("Context:\n[1] Staff get 25 days of leave a year.\n\n[2] Leave is booked in the HR tool.\n\n"
                        + "<answer>\n25 days.\n</answer>")
                .contains("\"grounded\": 4").endsWith("|From the context.");

        // one verdict per measured answer, latency and attempts recorded; judge calls are not requests
        assertThat(count("SELECT count(*) FROM judge_verdicts WHERE run_id = ? AND latency_ms > 0 AND attempts = 1",
                runId)).isEqualTo(12);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ?", runId)).isEqualTo(12);
        assertThat(count("SELECT count(*) FROM requests WHERE model_alias = 'sim-judge'")).isZero();
        assertThat(count("SELECT count(*) FROM summaries WHERE run_id = ? AND model_alias = 'sim-judge'", runId))
                .isZero();
        assertThat(jdbc.sql("SELECT model_alias IS NULL, endpoint, model, sample IS NULL, max_tokens FROM run_judges"
                        + " WHERE run_id = ?").param(runId)
                .query((rs, i) -> List.of(rs.getBoolean(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        rs.getInt(5))).single()).containsExactly(true, "sim", "sim-judge", true, 128);
    }

    @Test
    void aSampleJudgesTheFirstAnswersAndAJudgeThatRefusesGivesFailedVerdictsNotAFailedRun() throws Exception {
        JobExecution execution;
        // a server of its own that serves no model: every judge call is a 404, and after fail_after (3) failed
        // calls in a row the judge is asked no more (JudgeBreaker): 3 failed verdicts, the other 5 answers unjudged
        try (LogCapture log = LogCapture.of(JudgeStep.class.getName());
             SimulatedServer empty = new SimulatedServer().start()) {
            String yaml = plan("refused", "  model: no-such-judge\n  endpoint: judges\n  sample: 2")
                    .replace("models:\n", "  - {name: judges, base_url: \"" + empty.baseUrl() + "\"}\nmodels:\n");
            execution = launch(Files.writeString(dir.resolve("refused.yaml"), yaml));
            assertThat(log.lines()).extracting(LogCapture.Line::message)
                    .contains("Judge: 3 answers judged (0 ok, 0 unparseable, 3 failed); 5 NOT JUDGED: the judge kept"
                            + " failing");
            assertThat(empty.requestCount("no-such-judge")).isEqualTo(3);
        }
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        // of 2 models x 2 prompts x the first 2 rounds, the first 3 in request order; a 404 is never retried
        assertThat(jdbc.sql("SELECT DISTINCT q.round FROM judge_verdicts v JOIN requests q USING (request_id)"
                + " WHERE v.run_id = ? ORDER BY 1").param(runId).query(Integer.class).list()).containsExactly(1, 2);
        assertThat(count("SELECT count(*) FROM judge_verdicts WHERE run_id = ? AND status = 'failed' AND attempts = 1"
                + " AND verdict IS NULL AND latency_ms IS NULL AND reason LIKE 'judge call failed after 1 attempt: http_4xx: %'",
                runId)).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM judge_scores WHERE run_id = ?", runId)).isZero();
        assertThat(count("SELECT sample FROM run_judges WHERE run_id = ?", runId)).isEqualTo(2);
        assertThat(jdbc.sql("SELECT status FROM runs WHERE run_id = ?").param(runId).query(String.class).single())
                .isEqualTo("COMPLETED");
    }

    @Test
    void aPlanWithoutAJudgeHasNoVerdictsNoRubricAndNoJudgeLine() throws Exception {
        String noJudge = plan("unjudged", "").replace("judge:\n\n", "");
        JobExecution execution;
        try (LogCapture log = LogCapture.of(JudgeStep.class.getName())) {
            execution = launch(Files.writeString(dir.resolve("unjudged.yaml"), noJudge));
            assertThat(log.lines()).isEmpty();
        }
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        assertThat(count("SELECT count(*) FROM judge_verdicts WHERE run_id = ?", runId)).isZero();
        assertThat(count("SELECT count(*) FROM run_criteria WHERE run_id = ?", runId)).isZero();
        assertThat(count("SELECT count(*) FROM run_judges WHERE run_id = ?", runId)).isZero();
        assertThat(execution.getStepExecutions()).extracting(s -> s.getStepName()).contains("aggregate", "judge", "report");
    }
}
