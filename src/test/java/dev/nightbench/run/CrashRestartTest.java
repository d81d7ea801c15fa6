package dev.nightbench.run;

import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed with SIGKILL mid-run (no shutdown hook, no rollback, the job left STARTED) is recovered and
 * finished by {@code restart}: every pair measured exactly once, no row lost, no duplicate.
 */
class CrashRestartTest {

    static final String PLAN = """
            name: crash
            endpoints: [{name: sim, type: simulated}]
            models: [{alias: sim-medium}, {alias: sim-fast}]
            prompts:
              - {id: a, text: "Tell me a story about a lighthouse."}
              - {id: b, text: "Explain entropy to a child."}
              - {id: c, text: "List three uses of copper."}
            run: {warmup: 1, rounds: 3, max_tokens: 24}
            """;

    @Test
    void aRunKilledMidwayIsRecoveredAndFinishedWithEveryPairExactlyOnce(@TempDir Path dir) throws Exception {
        String url = TestDatabase.newDatabase();
        Files.writeString(dir.resolve("crash.yaml"), PLAN);
        Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
        Path log = dir.resolve("child.log");

        Process first = ChildJvm.start(dir, log, env, "run", "--plan", "crash.yaml", "--run-date", "2026-11-20");
        // wait until some but not all cells are committed, then kill -9
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        long committed = 0;
        while (System.nanoTime() < deadline && first.isAlive()) {
            committed = countOrZero(jdbc, "SELECT count(DISTINCT cell_index) FROM requests WHERE phase = 'measure'");
            if (committed >= 2) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(first.isAlive()).as("the first run is still going when killed; log:%n%s", read(log)).isTrue();
        first.destroyForcibly(); // SIGKILL
        first.waitFor(10, TimeUnit.SECONDS);
        long before = countOrZero(jdbc, "SELECT count(*) FROM requests WHERE phase = 'measure'");
        assertThat(before).isLessThan(18);
        assertThat(jdbc.sql("SELECT status FROM BATCH_JOB_EXECUTION").query(String.class).single()).isEqualTo("STARTED");

        Process restart = ChildJvm.start(dir, log, env, "restart");
        assertThat(restart.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(restart.exitValue()).as("restart exit code; log:%n%s", read(log)).isEqualTo(0);

        String output = read(log);
        assertThat(output).contains("left STARTED by a process that is gone");
        // 2 models x 3 prompts x 3 rounds, each exactly once as a final attempt
        assertThat(jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single()).isEqualTo(18);
        assertThat(jdbc.sql("""
                SELECT count(*) FROM (SELECT cell_index, request_index FROM requests
                WHERE phase = 'measure' AND is_final GROUP BY 1, 2 HAVING count(*) > 1) d""").query(Long.class).single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(DISTINCT (model_alias, prompt_id, round)) FROM measured_requests")
                .query(Long.class).single()).isEqualTo(18);
        assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
        assertThat(jdbc.sql("SELECT requests FROM summaries WHERE prompt_id = '*' ORDER BY model_alias")
                .query(Integer.class).list()).containsExactly(9, 9);
        // rows committed before the kill are still there, untouched
        assertThat(jdbc.sql("SELECT count(*) FROM requests WHERE phase = 'measure'").query(Long.class).single())
                .isGreaterThanOrEqualTo(before);
    }

    private static long countOrZero(JdbcClient jdbc, String sql) {
        try {
            return jdbc.sql(sql).query(Long.class).single();
        } catch (Exception notYetMigrated) {
            return 0;
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (Exception e) {
            return e.toString();
        }
    }
}
