package dev.nightbench.run;

import dev.nightbench.client.sim.SimRequest;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.nightbench.run.ConversationJobTest.SYSTEM;
import static dev.nightbench.run.ConversationJobTest.TURNS;
import static dev.nightbench.run.ConversationJobTest.answer;
import static dev.nightbench.run.ConversationJobTest.lastUser;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed with SIGKILL while turn 3 of a conversation is in flight (turns 1 and 2 committed) and restarted:
 * turn 3 is sent with the answers turns 1 and 2 got before the kill, read back from the database; turns 1 and 2 are
 * not sent again; every request row is stored once.
 */
class ConversationRestartTest {

    @Test
    void aConversationKilledAfterTurnTwoFinishesTurnThreeWithoutResendingTheEarlierTurns(@TempDir Path dir)
            throws Exception {
        ConcurrentLinkedQueue<SimRequest> received = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        try (SimulatedServer server = new SimulatedServer().register("talker", request -> {
            received.add(request);
            if (lastUser(request).equals(TURNS.get(2))) {
                try {
                    gate.await(5, TimeUnit.MINUTES); // held until the first process is killed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return answer(request, answered.incrementAndGet());
        }).start()) {
            String url = TestDatabase.newDatabase();
            Files.writeString(dir.resolve("talk.yaml"), """
                    name: talk
                    endpoints: [{name: sim, base_url: "%s"}]
                    models: [{alias: talker}]
                    prompts:
                      - id: support
                        system: "%s"
                        turns: ["%s", "%s", "%s"]
                    run: {warmup: 0, rounds: 2, timeouts: {connect: 2s, first_token: 5m, idle: 5m, total: 10m}}
                    """.formatted(server.baseUrl(), SYSTEM, TURNS.get(0), TURNS.get(1), TURNS.get(2)));
            Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path log = dir.resolve("child.log");

            Process first = ChildJvm.start(dir, log, env, "run", "--plan", "talk.yaml", "--run-date", "2026-12-06");
            // turns 1 and 2 committed (2 rounds each), turn 3 in flight at the server: kill -9
            ChildJvm.killWhen(first, log, () -> ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests") >= 4
                    && received.stream().anyMatch(r -> lastUser(r).equals(TURNS.get(2))));
            gate.countDown();
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests")).isEqualTo(4);
            List<String> beforeKill = jdbc.sql("SELECT prompt_id || ' ' || round || ' ' || a.sha256 FROM requests r"
                    + " JOIN answers a USING (request_id) ORDER BY 1").query(String.class).list();

            Process restart = ChildJvm.start(dir, log, env, "restart");
            assertThat(restart.waitFor(4, TimeUnit.MINUTES)).isTrue();
            assertThat(restart.exitValue()).as("restart exit code; log:%n%s", ChildJvm.readLog(log)).isEqualTo(0);

            // the server saw turns 1 and 2 once per round only; turn 3 once in flight when killed, then once per round
            assertThat(received.stream().filter(r -> lastUser(r).equals(TURNS.get(0)))).hasSize(2);
            assertThat(received.stream().filter(r -> lastUser(r).equals(TURNS.get(1)))).hasSize(2);
            assertThat(received.stream().filter(r -> lastUser(r).equals(TURNS.get(2)))).hasSize(3);
            // one row per cell, request and attempt; the committed turns kept as they were
            assertThat(jdbc.sql("SELECT cell_index || ' ' || request_index || ' ' || attempt || ' ' || count(*)"
                    + " FROM requests GROUP BY cell_index, request_index, attempt ORDER BY 1").query(String.class).list())
                    .containsExactly("0 0 1 1", "0 1 1 1", "1 0 1 1", "1 1 1 1", "2 0 1 1", "2 1 1 1");
            assertThat(jdbc.sql("SELECT prompt_id || ' ' || round || ' ' || a.sha256 FROM requests r"
                    + " JOIN answers a USING (request_id) WHERE prompt_id <> 'support.t3' ORDER BY 1")
                    .query(String.class).list()).isEqualTo(beforeKill);
            // turn 3 after the restart carried round r's stored answers to turns 1 and 2
            List<SimRequest> third = received.stream().filter(r -> lastUser(r).equals(TURNS.get(2))).toList();
            for (int round = 1; round <= 2; round++) {
                SimRequest sent = third.get(round); // third.get(0) was in flight when the first process was killed
                assertThat(sent.messages().get(2).content()).isEqualTo(storedAnswer(jdbc, "support.t1", round));
                assertThat(sent.messages().get(4).content()).isEqualTo(storedAnswer(jdbc, "support.t2", round));
            }
            assertThat(jdbc.sql("SELECT turn || ' ' || ok_requests FROM conversation_turns ORDER BY turn")
                    .query(String.class).list()).containsExactly("1 2", "2 2", "3 2");
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
        }
    }

    private static String storedAnswer(JdbcClient jdbc, String promptId, int round) {
        return jdbc.sql("SELECT text FROM measured_answers WHERE prompt_id = ? AND round = ?").params(promptId, round)
                .query(String.class).single();
    }
}
