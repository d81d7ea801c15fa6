package dev.nightbench.run;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed with SIGKILL in the middle of its judge step and restarted: the judge (a loopback server in this
 * test's JVM, so its calls can be counted) is asked again only about the answer whose verdict was not committed,
 * never about one already judged, and every measured answer ends with exactly one verdict.
 */
class JudgeRestartTest {

    private static final int PROMPTS = 3;
    private static final int ROUNDS = 2;
    private static final int ANSWERS = PROMPTS * ROUNDS;
    /** Judge calls answered at once; later ones wait for the gate, so the child is mid-step when killed. */
    private static final int OPEN = 2;

    @Test
    void aRestartAsksTheJudgeOnlyAboutAnswersWithoutACommittedVerdict(@TempDir Path dir) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<String> asked = new CopyOnWriteArrayList<>();   // the user message of each judge call, in order
        Script verdict = Script.stream().role().content("{\"coherence\": 4, \"factuality\": 5, \"brevity\": 3, ")
                .content("\"reason\": \"ok\"}").finish("stop").done();
        try (SimulatedServer judge = new SimulatedServer().register("judge", request -> {
            asked.add(request.messages().stream().filter(m -> m.role().equals("user")).map(ChatMessage::content)
                    .findFirst().orElse(""));
            if (request.index() >= OPEN) {
                try {
                    gate.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return verdict;
        }).start()) {
            String url = TestDatabase.newDatabase();
            StringBuilder plan = new StringBuilder("""
                    name: judge-crash
                    endpoints:
                      - {name: sim, type: simulated}
                      - {name: judges, base_url: "%s"}
                    models: [{alias: sim-fast, endpoint: sim}]
                    judge: {model: judge, endpoint: judges}
                    run: {warmup: 0, rounds: %d, timeouts: {first_token: 10m, idle: 10m, total: 10m}}
                    prompts:
                    """.formatted(judge.baseUrl(), ROUNDS));
            for (int i = 0; i < PROMPTS; i++) {
                plan.append("  - {id: p").append(i).append(", text: \"Question ").append(i).append("\"}\n");
            }
            Files.writeString(dir.resolve("crash.yaml"), plan);
            Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path log = dir.resolve("child.log");

            Process first = ChildJvm.start(dir, log, env, "run", "--plan", "crash.yaml", "--run-date", "2026-11-20");
            ChildJvm.killWhen(first, log, () -> judge.requestCount("judge") > OPEN
                    && ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM judge_verdicts") >= OPEN);
            // one answer per chunk: the two answered calls are committed, the third is in flight and lost
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM judge_verdicts")).isEqualTo(OPEN);
            assertThat(judge.requestCount("judge")).isEqualTo(OPEN + 1);
            List<Long> committed = jdbc.sql("SELECT request_id FROM judge_verdicts ORDER BY request_id")
                    .query(Long.class).list();
            gate.countDown();

            Process restart = ChildJvm.start(dir, log, env, "restart");
            assertThat(restart.waitFor(4, TimeUnit.MINUTES)).isTrue();
            assertThat(restart.exitValue()).as("restart exit code; log:%n%s", ChildJvm.readLog(log)).isEqualTo(0);

            // every answer judged once; the judge asked about the committed two once, about the lost one twice
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM judge_verdicts")).isEqualTo(ANSWERS);
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM judge_verdicts WHERE status = 'ok'"))
                    .isEqualTo(ANSWERS);
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM judge_scores")).isEqualTo(3L * ANSWERS);
            assertThat(judge.requestCount("judge")).isEqualTo(ANSWERS + 1);
            assertThat(asked).hasSize(ANSWERS + 1);
            assertThat(asked.get(OPEN + 1)).as("the restart's first call is the answer lost in flight")
                    .isEqualTo(asked.get(OPEN));
            assertThat(asked.subList(OPEN + 1, asked.size())).as("no committed answer is asked about again")
                    .doesNotContainAnyElementsOf(asked.subList(0, OPEN));
            assertThat(jdbc.sql("SELECT request_id FROM judge_verdicts ORDER BY request_id LIMIT 2").query(Long.class)
                    .list()).isEqualTo(committed);
            assertThat(ChildJvm.readLog(log)).contains("Judge: 6 answers judged (6 ok, 0 unparseable, 0 failed)");
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests WHERE model_alias = 'judge'")).isZero();
        }
    }
}
