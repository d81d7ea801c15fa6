package dev.nightbench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run whose synthetic prompts are fitted with the server's {@code /tokenize}, killed with SIGKILL mid-run and
 * restarted: the restart fits them again with the same tokenizer and sends exactly the texts the first start
 * registered (no third text for any prompt).
 */
class SyntheticRestartTest {

    @Test
    void aRestartSendsTheSameSyntheticTextsTheRunRegistered(@TempDir Path dir) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<String> userTexts = new CopyOnWriteArrayList<>();
        ObjectMapper json = new ObjectMapper();
        Script answer = Script.stream().role().content("The").content(" answer.").finish("stop").usage(5, 2).done();
        try (SimulatedServer server = new SimulatedServer().register("gate", request -> {
            try {
                userTexts.add(json.readTree(request.rawBody()).path("messages").get(0).path("content").asText());
                if (request.index() >= 3) {
                    gate.await(5, TimeUnit.MINUTES);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return answer;
        }).start()) {
            String url = TestDatabase.newDatabase();
            Files.writeString(dir.resolve("synthetic-crash.yaml"), """
                    name: synthetic-crash
                    endpoints: [{name: gated, base_url: "%s"}]
                    models: [{alias: gate}]
                    prompts: [{id: own, text: "Question"}]
                    synthetic: {name: syn, count: 3, seed: 5, input_tokens: {min: 20, max: 40}, tokenizer: gate}
                    run: {warmup: 0, rounds: 2, timeouts: {first_token: 10m, idle: 10m, total: 10m}}
                    """.formatted(server.baseUrl()));
            Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path log = dir.resolve("child.log");

            Process first = ChildJvm.start(dir, log, env, "run", "--plan", "synthetic-crash.yaml", "--run-date",
                    "2026-11-20");
            ChildJvm.killWhen(first, log, () -> ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests") >= 2
                    && server.requestCount("gate") >= 4);
            int sentBefore = userTexts.size();
            gate.countDown();

            Process restart = ChildJvm.start(dir, log, env, "restart");
            assertThat(restart.waitFor(4, TimeUnit.MINUTES)).isTrue();
            assertThat(restart.exitValue()).as("restart exit code; log:%n%s", ChildJvm.readLog(log)).isEqualTo(0);

            assertThat(userTexts.size()).isGreaterThan(sentBefore);
            Set<String> registered = new TreeSet<>(jdbc.sql("""
                    SELECT p.text FROM run_prompts rp JOIN prompts p ON p.text_sha256 = rp.text_sha256""")
                    .query(String.class).list());
            Set<String> sent = new TreeSet<>();
            userTexts.forEach(t -> sent.add("user: " + t + "\n"));
            assertThat(sent).hasSize(4).isEqualTo(registered);
            assertThat(jdbc.sql("SELECT count(*) FROM run_prompts WHERE length_source = 'tokenizer:gate'"
                    + " AND input_tokens = target_input_tokens").query(Long.class).single()).isEqualTo(3);
        }
    }
}
