package dev.nightbench.store;

import dev.nightbench.plan.Criterion;
import dev.nightbench.plan.JudgeSpec;
import dev.nightbench.plan.PlanFixtures;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The judge's store on a real PostgreSQL: the rubric and judge of a run, which answers are still to judge (and which
 * never are), and a verdict stored with its scores as one, read back through the V12 views.
 */
class JudgeStoreTest {

    private static final String URL = TestDatabase.newDatabase();
    private static final AtomicLong JOB_INSTANCES = new AtomicLong();
    private static final PromptSpec PLAIN = new PromptSpec("capital", "Capital of France?", List.of(), null);
    private static final PromptSpec GROUNDED = new PromptSpec("leave", "Days of leave?", List.of(), null, List.of(),
            List.of("25 days."), "25");

    private JdbcClient jdbc;
    private JudgeStore judges;
    private RunStore runs;

    @BeforeEach
    void migrate() {
        DriverManagerDataSource ds = new DriverManagerDataSource(URL, "postgres", "");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(ds);
        judges = new JudgeStore(new JdbcTemplate(ds), jdbc);
        runs = new RunStore(jdbc);
    }

    private long aRun(JudgeSpec judge, List<PromptSpec> prompts) {
        long runId = runs.register(new RunStore.NewRun(JOB_INSTANCES.incrementAndGet(), PlanFixtures.aPlan().build(),
                "plan", LocalDate.of(2026, 11, 22), null, "host", "test", Instant.now(), 1));
        judges.register(runId, judge, prompts);
        return runId;
    }

    private static JudgeSpec judge(Integer sample) {
        return new JudgeSpec(null, "sim", "sim-judge", sample, null, 128, null);
    }

    /** A request row as the measure step stores it, with its answer when {@code answer} is not null. */
    private long request(long runId, String phase, int cell, int index, int attempt, boolean isFinal, String model,
                         String prompt, Integer round, String loadMode, String status, String answer) {
        long id = jdbc.sql("""
                        INSERT INTO requests (run_id, phase, cell_index, request_index, attempt, is_final, model_alias,
                            prompt_id, round, load_mode, status, started_at, streamed, simulated)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), true, true) RETURNING request_id""")
                .params(runId, phase, cell, index, attempt, isFinal, model, prompt, round, loadMode, status)
                .query(Long.class).single();
        if (answer != null) {
            jdbc.sql("INSERT INTO answers (request_id, run_id, text, sha256, bytes, truncated) VALUES (?, ?, ?, encode(sha256(convert_to(?, 'UTF8')), 'hex'), ?, false)")
                    .params(id, runId, answer, answer, answer.length()).update();
        }
        return id;
    }

    private long ok(long runId, int cell, String model, String prompt, int round) {
        return request(runId, "measure", cell, round - 1, 1, true, model, prompt, round, "serial", "ok",
                model + " says " + prompt + " " + round);
    }

    @Test
    void theRubricIsStoredInOrderWithGroundedLastAndContextOnlyUnlessThePlanListedIt() {
        long runId = aRun(judge(2), List.of(PLAIN, GROUNDED));
        assertThat(jdbc.sql("SELECT criterion || ' ' || position || ' ' || context_only FROM run_criteria"
                + " WHERE run_id = ? ORDER BY position").param(runId).query(String.class).list())
                .containsExactly("coherence 0 false", "factuality 1 false", "brevity 2 false", "grounded 3 true");
        assertThat(jdbc.sql("SELECT description FROM run_criteria WHERE run_id = ? AND criterion = 'grounded'")
                .param(runId).query(String.class).single()).isEqualTo(Criterion.GROUNDED.description());
        assertThat(jdbc.sql("SELECT coalesce(model_alias, '-') || ' ' || endpoint || ' ' || model || ' ' || sample"
                + " || ' ' || max_tokens FROM run_judges WHERE run_id = ?").param(runId).query(String.class).single())
                .isEqualTo("- sim sim-judge 2 128");

        JudgeSpec own = new JudgeSpec("m1", "e", "served", null, List.of(new Criterion("correctness", "Right?"),
                new Criterion("grounded", "Only the context?")), 64, null);
        long second = aRun(own, List.of(PLAIN, GROUNDED));
        assertThat(jdbc.sql("SELECT criterion || ' ' || position || ' ' || context_only FROM run_criteria"
                + " WHERE run_id = ? ORDER BY position").param(second).query(String.class).list())
                .containsExactly("correctness 0 false", "grounded 1 false");
        assertThat(jdbc.sql("SELECT model_alias || ' ' || coalesce(sample::text, 'all') FROM run_judges WHERE run_id = ?")
                .param(second).query(String.class).single()).isEqualTo("m1 all");
        // without context prompts there is no grounded criterion at all
        long third = aRun(judge(null), List.of(PLAIN));
        assertThat(jdbc.sql("SELECT count(*) FROM run_criteria WHERE run_id = ?").param(third).query(Long.class).single())
                .isEqualTo(3);
    }

    @Test
    void onlyFinalOkMeasuredSerialAnswersWithTextAreToJudgeInRequestOrder() {
        long runId = aRun(judge(null), List.of(PLAIN));
        long a = ok(runId, 0, "m1", "capital", 1);
        request(runId, "warmup", 0, 0, 1, true, "m1", "capital", null, "serial", "ok", "warm");
        request(runId, "measure", 0, 1, 1, false, "m1", "capital", 2, "serial", "timeout", "partial");
        long retried = request(runId, "measure", 0, 1, 2, true, "m1", "capital", 2, "serial", "ok", "second try");
        request(runId, "measure", 0, 2, 1, true, "m1", "capital", 3, "serial", "http_error", null);
        request(runId, "measure", 0, 3, 1, true, "m1", "capital", 4, "serial", "ok", null);        // no answers row
        request(runId, "measure", 1, 0, 1, true, "m1", "capital", null, "concurrency", "ok", "under load");
        long b = ok(runId, 2, "m2", "capital", 1);
        long otherRun = aRun(judge(null), List.of(PLAIN));
        ok(otherRun, 0, "m1", "capital", 1);

        List<JudgeStore.Pending> pending = judges.toJudge(runId, null, 0, 100);
        assertThat(pending).extracting(JudgeStore.Pending::requestId).containsExactly(a, retried, b);
        assertThat(pending.get(1)).isEqualTo(new JudgeStore.Pending(retried, "m1", "capital", 2, "second try"));
        // keyset paging: after a given id, at most limit
        assertThat(judges.toJudge(runId, null, a, 1)).extracting(JudgeStore.Pending::requestId).containsExactly(retried);
        assertThat(judges.toJudge(runId, null, b, 10)).isEmpty();

        // a verdict of any status takes the answer out
        judges.insert(new JudgeStore.VerdictRow(retried, runId, JudgeStore.Status.FAILED, "judge call failed", "p",
                null, null, 3, Map.of()));
        assertThat(judges.toJudge(runId, null, 0, 100)).extracting(JudgeStore.Pending::requestId).containsExactly(a, b);
    }

    @Test
    void aSampleIsTheFirstAnswersByRoundPerModelAndPromptTheSameOnEveryCall() {
        long runId = aRun(judge(2), List.of(PLAIN, GROUNDED));
        // m1/capital: round 1 failed, so its first two answers are rounds 2 and 3
        request(runId, "measure", 0, 0, 1, true, "m1", "capital", 1, "serial", "timeout", null);
        long c2 = ok(runId, 0, "m1", "capital", 2);
        long c3 = ok(runId, 0, "m1", "capital", 3);
        ok(runId, 0, "m1", "capital", 4);
        long l1 = ok(runId, 1, "m1", "leave", 1);
        long l2 = ok(runId, 1, "m1", "leave", 2);
        ok(runId, 1, "m1", "leave", 3);
        long m1 = ok(runId, 2, "m2", "capital", 1);

        assertThat(judges.toJudge(runId, 2, 0, 100)).extracting(JudgeStore.Pending::requestId)
                .containsExactly(c2, c3, l1, l2, m1);
        judges.insert(new JudgeStore.VerdictRow(c2, runId, JudgeStore.Status.UNPARSEABLE, "no JSON", "p", "hm", 5.0, 1,
                Map.of()));
        // judged answers do not make room for later rounds: the sample is fixed
        assertThat(judges.toJudge(runId, 2, 0, 100)).extracting(JudgeStore.Pending::requestId)
                .containsExactly(c3, l1, l2, m1);
        assertThat(judges.toJudge(runId, 1, 0, 100)).extracting(JudgeStore.Pending::requestId)
                .containsExactly(l1, m1);
    }

    @Test
    void aVerdictIsStoredWithItsScoresAsOneAndReadsBackThroughTheViews() {
        long runId = aRun(judge(null), List.of(PLAIN));
        long r1 = ok(runId, 0, "m1", "capital", 1);
        long r2 = ok(runId, 0, "m1", "capital", 2);
        long r3 = ok(runId, 0, "m1", "capital", 3);
        long r4 = ok(runId, 0, "m1", "capital", 4);
        judges.insert(new JudgeStore.VerdictRow(r1, runId, JudgeStore.Status.OK, "Fine.", "system: rubric\nuser: q\n",
                "{\"coherence\": 4}", 120.5, 1, Map.of("coherence", 4, "factuality", 5, "brevity", 3)));
        judges.insert(new JudgeStore.VerdictRow(r2, runId, JudgeStore.Status.OK, null, "p", "{...}", 80.0, 2,
                Map.of("coherence", 2, "factuality", 5, "brevity", 5)));
        judges.insert(new JudgeStore.VerdictRow(r3, runId, JudgeStore.Status.UNPARSEABLE, "missing brevity", "p",
                "{\"coherence\": 4}", 60.0, 1, Map.of()));

        assertThat(jdbc.sql("SELECT status || ' ' || reason || ' ' || prompt || ' ' || latency_ms || ' ' || attempts"
                + " FROM judge_verdicts WHERE request_id = ?").param(r1).query(String.class).single())
                .isEqualTo("ok Fine. system: rubric\nuser: q\n 120.5 1");
        assertThat(jdbc.sql("SELECT count(*) FROM judge_scores WHERE request_id = ?").param(r3).query(Long.class).single())
                .isZero();
        var coherence = jdbc.sql("SELECT n, mean, sd, ci_low, ci_high FROM model_scores WHERE run_id = ?"
                        + " AND model_alias = 'm1' AND criterion = 'coherence'").param(runId)
                .query((rs, i) -> new double[] {rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4),
                        rs.getDouble(5)}).single();
        // scores 4 and 2: mean 3, sd sqrt(2), t(0.975, 1) = 12.7062047
        assertThat(coherence[0]).isEqualTo(2.0);
        assertThat(coherence[1]).isEqualTo(3.0);
        assertThat(coherence[2]).isCloseTo(Math.sqrt(2), within(1e-12));
        assertThat(coherence[3]).isCloseTo(3 - 12.7062047 * Math.sqrt(2) / Math.sqrt(2), within(1e-5));
        assertThat(coherence[4]).isCloseTo(3 + 12.7062047, within(1e-5));
        assertThat(judges.outcomes(runId)).isEqualTo(new JudgeStore.Outcomes(2, 1, 0));

        // a second verdict for the same answer is refused, and its scores with it
        assertThatThrownBy(() -> judges.insert(new JudgeStore.VerdictRow(r1, runId, JudgeStore.Status.OK, "again", "p",
                "{}", 1.0, 1, Map.of("coherence", 1, "factuality", 1, "brevity", 1))))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(jdbc.sql("SELECT sum(score) FROM judge_scores WHERE request_id = ?").param(r1).query(Long.class)
                .single()).isEqualTo(12);
        // a score on a criterion the run does not have fails the statement: no verdict without its scores
        assertThatThrownBy(() -> judges.insert(new JudgeStore.VerdictRow(r4, runId, JudgeStore.Status.OK, "x", "p",
                "{}", 1.0, 1, Map.of("coherence", 3, "elegance", 4))))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(jdbc.sql("SELECT count(*) FROM judge_verdicts WHERE request_id = ?").param(r4).query(Long.class)
                .single()).isZero();
        // a failed call has no reply and no latency
        judges.insert(new JudgeStore.VerdictRow(r4, runId, JudgeStore.Status.FAILED, "judge call failed: timeout", "p",
                null, null, 3, Map.of()));
        assertThat(judges.outcomes(runId)).isEqualTo(new JudgeStore.Outcomes(2, 1, 1));
        assertThat(jdbc.sql("SELECT judged || ' ' || ok || ' ' || unparseable || ' ' || failed FROM judge_outcomes"
                + " WHERE run_id = ?").param(runId).query(String.class).single()).isEqualTo("4 2 1 1");
    }

    @Test
    void statusesAreTheValuesOfTheVerdictsStatusCheck() {
        assertThat(List.of(JudgeStore.Status.values())).extracting(JudgeStore.Status::value)
                .containsExactly("ok", "unparseable", "failed");
        for (JudgeStore.Status s : JudgeStore.Status.values()) {
            assertThat(JudgeStore.Status.from(s.value())).isSameAs(s);
        }
        assertThatThrownBy(() -> JudgeStore.Status.from("skipped")).hasMessageContaining("'skipped'");
        assertThatThrownBy(() -> new JudgeStore.VerdictRow(1, 1, JudgeStore.Status.FAILED, "x", "p", null, null, 1,
                Map.of("coherence", 3))).hasMessageContaining("only an ok verdict");
    }
}
