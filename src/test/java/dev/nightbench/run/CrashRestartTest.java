package dev.nightbench.run;

import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.GatedServer;
import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed with SIGKILL mid-run (no shutdown hook, no rollback, the job left STARTED) is recovered and
 * finished by {@code restart}: every pair measured exactly once, no row lost, no duplicate.
 */
class CrashRestartTest {

    @Test
    void aRunKilledMidwayIsRecoveredAndFinishedWithEveryPairExactlyOnce(@TempDir Path dir) throws Exception {
        try (GatedServer server = new GatedServer(2)) {
            String url = TestDatabase.newDatabase();
            Files.writeString(dir.resolve("crash.yaml"), server.planYaml("crash", 3, 2));
            Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path log = dir.resolve("child.log");

            Process first = ChildJvm.start(dir, log, env, "run", "--plan", "crash.yaml", "--run-date", "2026-11-20");
            // wait until cell 0 is committed and cell 1 is in flight (held at the gate), then kill -9
            ChildJvm.killWhen(first, log,
                    () -> ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests") >= 2 && server.requestCount() >= 3);
            server.release();
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests")).isEqualTo(2);
            assertThat(jdbc.sql("SELECT status FROM BATCH_JOB_EXECUTION").query(String.class).single()).isEqualTo("STARTED");

            Process restart = ChildJvm.start(dir, log, env, "restart");
            assertThat(restart.waitFor(4, TimeUnit.MINUTES)).isTrue();
            assertThat(restart.exitValue()).as("restart exit code; log:%n%s", ChildJvm.readLog(log)).isEqualTo(0);

            assertThat(ChildJvm.readLog(log)).contains("left STARTED by a process that is gone");
            // 3 prompts x 2 rounds, each exactly once as a final attempt; cell 0 was not sent again
            assertThat(jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single()).isEqualTo(6);
            assertThat(jdbc.sql("SELECT count(DISTINCT (model_alias, prompt_id, round)) FROM measured_requests")
                    .query(Long.class).single()).isEqualTo(6);
            // every answer stored exactly once, with its request: none from the request in flight, none doubled
            assertThat(jdbc.sql("SELECT count(*) FROM answers").query(Long.class).single()).isEqualTo(6);
            assertThat(jdbc.sql("SELECT count(DISTINCT (model_alias, prompt_id, round)) FROM measured_answers")
                    .query(Long.class).single()).isEqualTo(6);
            assertThat(server.requestCount()).isEqualTo(7); // 6 + the one in flight when killed, never stored
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
            assertThat(jdbc.sql("SELECT requests FROM summaries WHERE prompt_id = '*'").query(Integer.class).list())
                    .containsExactly(6);
        }
    }


}
