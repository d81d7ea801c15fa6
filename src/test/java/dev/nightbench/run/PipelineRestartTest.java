package dev.nightbench.run;

import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.SimTimeScale;
import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jobs/pipeline-demo.yaml} killed with SIGKILL once its first pipeline cell committed and restarted: the
 * committed cell is kept as it was (same rows, not sent again), the rest run once, so every stage is stored exactly
 * once and the escalations are those of an uninterrupted run.
 */
class PipelineRestartTest {

    @Test
    void aKilledPipelineRunResumesAtTheFirstUncommittedCell(@TempDir Path dir) throws Exception {
        String url = TestDatabase.newDatabase();
        Files.copy(Path.of("jobs/pipeline-demo.yaml"), dir.resolve("pipeline-demo.yaml"));
        // a slower refine model, so the kill lands between pipeline cells
        Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres",
                "NIGHTBENCH_SIM_SLOWDOWN", "sim-large=4");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
        Path log = dir.resolve("child.log");

        // every simulated delay at a quarter (sim-large's refines at 4 x 0.25 = as documented): a faster run, same cells
        List<String> quick = List.of(SimTimeScale.jvmOption());
        Process first = ChildJvm.start(dir, log, env, quick, "run", "--plan", "pipeline-demo.yaml", "--run-date",
                "2026-12-01");
        ChildJvm.killWhen(first, log,
                () -> ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests WHERE phase = 'pipeline'") >= 3);
        List<Long> committed = jdbc.sql("SELECT request_id FROM requests WHERE phase = 'pipeline' AND prompt_id ="
                + " 'capital' ORDER BY request_id").query(Long.class).list();
        assertThat(committed).hasSize(3);
        long pipelineRowsAtKill = ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests WHERE phase = 'pipeline'");
        assertThat(pipelineRowsAtKill).as("the kill landed before the last pipeline cell").isLessThan(18);

        Process restart = ChildJvm.start(dir, log, env, quick, "restart");
        assertThat(restart.waitFor(4, TimeUnit.MINUTES)).isTrue();
        assertThat(restart.exitValue()).as("restart exit code; log:%n%s", ChildJvm.readLog(log)).isEqualTo(0);

        assertThat(jdbc.sql("SELECT request_id FROM requests WHERE phase = 'pipeline' AND prompt_id = 'capital'"
                + " ORDER BY request_id").query(Long.class).list()).isEqualTo(committed);
        assertThat(jdbc.sql("""
                        SELECT prompt_id || ' ' || stage || ' ' || count(*) || ' ' || count(DISTINCT round)
                        FROM requests WHERE phase = 'pipeline' GROUP BY prompt_id, stage ORDER BY 1""")
                .query(String.class).list()).containsExactly("capital draft 3 3", "colour draft 3 3",
                "explain draft 3 3", "explain refine 3 3", "sum draft 3 3", "sum refine 3 3");
        assertThat(jdbc.sql("SELECT runs || ' ' || escalated || ' ' || passes || '/' || checks FROM pipeline_summary")
                .query(String.class).single()).isEqualTo("12 6 12/12");
    }
}
