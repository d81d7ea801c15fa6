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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run with answer checks killed with SIGKILL after its first cell committed and restarted: every measured answer is
 * checked exactly once (the committed cell's results kept, not written again), and a second write of a stored result
 * is refused by the key.
 */
class CheckRestartTest {

    @Test
    void aRestartAfterACrashLeavesEveryCheckResultExactlyOnce(@TempDir Path dir) throws Exception {
        try (GatedServer server = new GatedServer(2)) {
            String url = TestDatabase.newDatabase();
            // the gated model answers "The answer.": contains passes, max_words 1 fails
            String plan = server.planYaml("checks-crash", 3, 2).replaceAll("text: \"(Question \\d)\"\\}",
                    "text: \"$1\", expect: [{contains: answer}, {max_words: 1}]}");
            assertThat(plan).contains("expect:");
            Files.writeString(dir.resolve("crash.yaml"), plan);
            Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path log = dir.resolve("child.log");

            Process first = ChildJvm.start(dir, log, env, "run", "--plan", "crash.yaml", "--run-date", "2026-11-20");
            ChildJvm.killWhen(first, log,
                    () -> ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests") >= 2 && server.requestCount() >= 3);
            server.release();
            // cell 0's two answers were checked in its chunk's transaction: 2 answers x 2 checks
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM check_results")).isEqualTo(4);

            Process restart = ChildJvm.start(dir, log, env, "restart");
            assertThat(restart.waitFor(4, TimeUnit.MINUTES)).isTrue();
            assertThat(restart.exitValue()).as("restart exit code; log:%n%s", ChildJvm.readLog(log)).isEqualTo(0);

            // 3 prompts x 2 rounds x 2 checks, each once
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM check_results")).isEqualTo(12);
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(DISTINCT (cell_index, request_index, attempt, check_index))"
                    + " FROM check_results")).isEqualTo(12);
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM run_checks")).isEqualTo(6);
            assertThat(jdbc.sql("SELECT n || ' ' || passes || ' ' || answers FROM model_quality").query(String.class)
                    .single()).isEqualTo("12 6 6");
            assertThatThrownBy(() -> jdbc.sql("INSERT INTO check_results (run_id, phase, cell_index, request_index,"
                    + " attempt, prompt_id, check_index, kind, passed, reason) SELECT run_id, phase, cell_index,"
                    + " request_index, attempt, prompt_id, check_index, kind, passed, reason FROM check_results LIMIT 1")
                    .update()).hasMessageContaining("check_results_pkey");
        }
    }


}
