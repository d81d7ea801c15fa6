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

/**
 * A pipeline's {@code escalate: {judge_below: 3}} in the whole job, with the simulated judge's verdicts scripted by
 * the draft's text: exactly the drafts the judge scores below 3 on average, or cannot score, are refined; what the
 * judge said of each draft is stored beside it (pipeline_judgements, pipeline_runs); the judge's calls on drafts are
 * never requests and never judge_verdicts, which stay the judge step's verdicts on the measured answers; a judge that
 * cannot be reached refines every draft and the run completes.
 */
@ExtendWith(SimTimeScale.class)
class PipelineJudgeJobTest extends JobTestSupport {

    @TempDir
    Path dir;

    private static final String PLAN = """
            name: judged-pipeline
            endpoints:
              - name: sim
                type: simulated
                answers:
                  sim-fast:
                    capital: "Paris."
                    sum: "41"
                    colour: "Blue."
                    explain: "Light scatters."
                  sim-large:
                    sum@refine: "42"
                    explain@refine: "Air scatters blue light most."
                verdicts:
                  sim-judge:
                    "Paris.": '{"coherence": 5, "factuality": 5, "brevity": 5, "reason": "Exact."}'
                    "41": '{"coherence": 2, "factuality": 1, "brevity": 1, "reason": "Wrong sum."}'
                    "Blue.": '{"coherence": 3, "factuality": 3, "brevity": 3, "reason": "Terse."}'
                    "Light scatters.": 'I cannot judge this.'
                    "*": '{"coherence": 4, "factuality": 4, "brevity": 4, "reason": "Fine."}'
            models:
              - {alias: sim-fast, endpoint: sim}
              - {alias: sim-large, endpoint: sim}
            prompts:
              - {id: capital, text: "What is the capital of France?"}
              - {id: sum, text: "What is 17 + 25?"}
              - {id: colour, text: "Which colour is a clear daytime sky?"}
              - {id: explain, text: "Why is the sky blue?"}
            judge: {endpoint: sim, model: sim-judge, max_tokens: 128}
            pipelines:
              - {name: judged, draft: sim-fast, refine: sim-large, escalate: {judge_below: 3}}
            run: {warmup: 0, rounds: 2, max_tokens: 64, timeouts: {connect: 2s, first_token: 5s, idle: 2s, total: 10s}}
            """;

    @Test
    void exactlyTheDraftsTheJudgeScoresLowOrCannotScoreAreRefinedAndItsScoresAreStored() throws Exception {
        JobExecution execution = launch(Files.writeString(dir.resolve("judged.yaml"), PLAN));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);

        // 4 prompts x 2 rounds drafted; sum (mean 4/3) and explain (unparseable verdict) refined, colour (mean 3) not
        assertThat(jdbc.sql("""
                        SELECT prompt_id || ' ' || stage || ' ' || model_alias || ' ' || count(*)
                        FROM requests WHERE run_id = ? AND phase = 'pipeline'
                        GROUP BY prompt_id, stage, model_alias ORDER BY 1""").param(runId).query(String.class).list())
                .containsExactly("capital draft sim-fast 2", "colour draft sim-fast 2", "explain draft sim-fast 2",
                        "explain refine sim-large 2", "sum draft sim-fast 2", "sum refine sim-large 2");
        assertThat(jdbc.sql("""
                        SELECT DISTINCT q.prompt_id || ': ' || a.text FROM requests q JOIN answers a USING (request_id)
                        WHERE q.run_id = ? AND q.stage = 'refine' ORDER BY 1""").param(runId).query(String.class).list())
                .containsExactly("explain: Air scatters blue light most.", "sum: 42");

        // what the judge said of each draft, beside the draft's row
        assertThat(jdbc.sql("""
                        SELECT q.prompt_id || ' ' || j.status || ' ' || coalesce(round(j.mean_score::numeric, 4)::text, '-')
                               || ' ' || j.reason || ' ' || count(*)
                        FROM pipeline_judgements j JOIN requests q USING (request_id)
                        WHERE j.run_id = ? AND q.phase = 'pipeline' AND q.stage = 'draft' AND q.is_final
                          AND j.attempts = 1
                        GROUP BY q.prompt_id, j.status, j.mean_score, j.reason ORDER BY 1""").param(runId).query(String.class).list())
                .containsExactly("capital ok 5.0000 Exact. 2", "colour ok 3.0000 Terse. 2",
                        "explain unparseable - no JSON object in the reply 2", "sum ok 1.3333 Wrong sum. 2");
        assertThat(count("SELECT count(*) FROM pipeline_judgements WHERE run_id = ? AND status = 'ok'"
                + " AND latency_ms > 0 AND verdict LIKE '{%'", runId)).isEqualTo(6);
        assertThat(jdbc.sql("SELECT DISTINCT verdict FROM pipeline_judgements WHERE run_id = ? AND status = 'unparseable'")
                .param(runId).query(String.class).list()).containsExactly("I cannot judge this.");
        // pipeline_runs carries the judge's figures; escalated exactly where the mean is below 3 or missing
        assertThat(count("SELECT count(*) FROM pipeline_runs WHERE run_id = ? AND judge_status IS NOT NULL"
                + " AND escalated = (judge_mean IS NULL OR judge_mean < 3)", runId)).isEqualTo(8);
        assertThat(jdbc.sql("SELECT escalate || ' ' || runs || ' ' || drafts_ok || ' ' || escalated FROM"
                + " pipeline_summary WHERE run_id = ?").param(runId).query(String.class).single())
                .isEqualTo("judge_below 3 8 8 4");

        // the judge's calls on drafts are not requests; the judge step judged the measured answers only
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ?", runId)).isEqualTo(2 * 4 * 2 + 8 + 4);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND model_alias = 'sim-judge'", runId))
                .isZero();
        assertThat(count("SELECT count(*) FROM judge_verdicts v JOIN requests q USING (request_id)"
                + " WHERE v.run_id = ? AND q.phase = 'measure'", runId)).isEqualTo(16);
        assertThat(count("SELECT count(*) FROM judge_verdicts WHERE run_id = ?", runId)).isEqualTo(16);
    }

    @Test
    void aJudgeThatCannotBeReachedRefinesEveryDraftAndTheRunCompletes() throws Exception {
        JobExecution execution;
        try (SimulatedServer empty = new SimulatedServer().start()) {
            String yaml = PLAN.replaceAll("(?s)    verdicts:.*?(?=models:)", "")
                    .replace("judge: {endpoint: sim, model: sim-judge,", "judge: {endpoint: judges, model: no-judge,")
                    .replace("models:\n", "  - {name: judges, base_url: \"" + empty.baseUrl() + "\"}\nmodels:\n");
            execution = launch(Files.writeString(dir.resolve("refused.yaml"), yaml));
            assertThat(empty.requestCount("no-judge")).isGreaterThanOrEqualTo(8);
        }
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND stage = 'refine'", runId)).isEqualTo(8);
        List<String> failed = jdbc.sql("SELECT DISTINCT status || ' ' || (mean_score IS NULL) || ' ' || (verdict IS NULL)"
                + " || ' ' || (reason LIKE 'judge call failed after 1 attempt: http_4xx: %') FROM pipeline_judgements"
                + " WHERE run_id = ?").param(runId).query(String.class).list();
        assertThat(failed).containsExactly("failed true true true");
        assertThat(count("SELECT count(*) FROM pipeline_judgements WHERE run_id = ?", runId)).isEqualTo(8);
        assertThat(jdbc.sql("SELECT status FROM runs WHERE run_id = ?").param(runId).query(String.class).single())
                .isEqualTo("COMPLETED");
    }
}
