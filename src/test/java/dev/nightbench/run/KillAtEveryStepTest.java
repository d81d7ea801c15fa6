package dev.nightbench.run;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.ReportDirs;
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
 * Whatever instant a process dies at, the night is not lost. One night is killed (a real halt, exit 137, through
 * the {@code nightbench.test.halt-at} fault-injection property) at every step boundary and inside registration,
 * before and after the runs row is inserted; each launch after a kill first recovers the dead execution, then
 * dies at the next point, and the last one finishes the night with exactly the expected rows, none twice, and no
 * model request sent twice. The first relaunch is a new {@code run} of the same plan and date (the cron case),
 * the others are {@code restart}.
 *
 * <p>A chain rather than one fresh run per point: every point is covered with 9 child JVMs instead of 17
 * (about 10-20 s each on a quiet machine, 2-3 min in all), and every launch after the first recovers an execution
 * that was itself a recovery.
 */
class KillAtEveryStepTest {

    private static final String DATE = "2026-11-23";

    @Test
    void aNightKilledAtEveryStepBoundaryAndInsideRegistrationIsFinishedWithEveryRowExactlyOnce(@TempDir Path dir)
            throws Exception {
        try (SimulatedServer server = new SimulatedServer()
                .script("m", Script.stream().role().content("An").content(" answer.").finish("stop").usage(4, 2).done())
                .start()) {
            String url = TestDatabase.newDatabase();
            Files.writeString(dir.resolve("nightly.yaml"), """
                    name: nightly
                    endpoints: [{name: local, base_url: "%s"}]
                    models: [{alias: m}]
                    prompts:
                      - {id: p0, text: "Question 0"}
                      - {id: p1, text: "Question 1"}
                    run: {warmup: 1, rounds: 2}
                    """.formatted(server.baseUrl()));
            Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path log = dir.resolve("child.log");
            String[] run = {"run", "--plan", "nightly.yaml", "--run-date", DATE};
            String[] restart = {"restart"};

            // killed inside registration, before the runs row is inserted: a job instance, no run
            haltAt("registerRun.before-insert", run, dir, log, env);
            assertThat(count(jdbc, "SELECT count(*) FROM runs")).isZero();
            assertThat(count(jdbc, "SELECT count(*) FROM BATCH_JOB_INSTANCE")).isEqualTo(1);

            // the cron case: the same plan and date again recovers the dead night; killed after the insert, before
            // the commit: still no run
            haltAt("registerRun.after-insert", run, dir, log, env);
            assertThat(ChildJvm.readLog(log)).contains("(job instance 1, never registered) was left STARTED by a process that is gone");
            assertThat(count(jdbc, "SELECT count(*) FROM runs")).isZero();

            // registration committed, the step not yet recorded as complete
            haltAt("registerRun.after", restart, dir, log, env);
            assertThat(count(jdbc, "SELECT count(*) FROM runs")).isEqualTo(1);
            assertThat(count(jdbc, "SELECT count(*) FROM run_models")).isEqualTo(1);

            haltAt("probeEndpoints.after", restart, dir, log, env);
            assertThat(jdbc.sql("SELECT availability FROM run_models").query(String.class).single()).isEqualTo("available");
            assertThat(server.requestCount("m")).isZero();

            haltAt("warmUp.after", restart, dir, log, env);
            assertThat(count(jdbc, "SELECT count(*) FROM requests WHERE phase = 'warmup'")).isEqualTo(1);
            assertThat(server.requestCount("m")).isEqualTo(1);

            haltAt("measure.after", restart, dir, log, env);
            assertThat(count(jdbc, "SELECT count(*) FROM requests")).isEqualTo(5);
            assertThat(server.requestCount("m")).isEqualTo(5);

            haltAt("aggregate.after", restart, dir, log, env);
            assertThat(count(jdbc, "SELECT count(*) FROM summaries WHERE prompt_id = '*'")).isEqualTo(1);

            // the report step marks the run COMPLETED in its own transaction: killed before the job is recorded as
            // complete, the runs row says COMPLETED while Spring Batch's says STARTED, and restart still finishes it
            haltAt("report.after", restart, dir, log, env);
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");

            Process last = ChildJvm.start(dir, log, env, restart);
            assertThat(last.waitFor(4, TimeUnit.MINUTES)).isTrue();
            assertThat(last.exitValue()).as("the last restart; log:%n%s", ChildJvm.readLog(log)).isZero();

            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).list()).containsExactly("COMPLETED");
            assertThat(count(jdbc, "SELECT count(*) FROM BATCH_JOB_INSTANCE")).isEqualTo(1);
            assertThat(jdbc.sql("SELECT status FROM BATCH_JOB_EXECUTION ORDER BY JOB_EXECUTION_ID")
                    .query(String.class).list()).hasSize(9).last().isEqualTo("COMPLETED");
            long runId = jdbc.sql("SELECT run_id FROM runs").query(Long.class).single();
            assertThat(count(jdbc, "SELECT count(*) FROM run_models")).isEqualTo(1);
            assertThat(count(jdbc, "SELECT count(*) FROM run_prompts")).isEqualTo(2);
            // 1 warm-up + 2 prompts x 2 rounds, each exactly once, and never sent to the model twice
            assertThat(count(jdbc, "SELECT count(*) FROM requests")).isEqualTo(5);
            assertThat(count(jdbc, "SELECT count(DISTINCT (phase, cell_index, request_index, attempt)) FROM requests"))
                    .isEqualTo(5);
            assertThat(count(jdbc, "SELECT count(DISTINCT (prompt_id, round)) FROM measured_requests WHERE status = 'ok'"))
                    .isEqualTo(4);
            assertThat(server.requestCount("m")).isEqualTo(5);
            assertThat(jdbc.sql("SELECT requests FROM summaries WHERE prompt_id = '*'").query(Integer.class).list())
                    .containsExactly(4);
            assertThat(ReportDirs.of(dir.resolve("reports"), DATE + "_" + runId).resolve("report.md")).exists();
        }
    }

    /** Launches the CLI and expects it to halt at the point, after recovering what the previous launch left. */
    private static void haltAt(String point, String[] args, Path dir, Path log, Map<String, String> env) throws Exception {
        Process p = ChildJvm.start(dir, log, env, List.of("-D" + CrashPoints.PROPERTY + "=" + point), args);
        assertThat(p.waitFor(4, TimeUnit.MINUTES)).as("halts at %s", point).isTrue();
        assertThat(p.exitValue()).as("halted at %s; log:%n%s", point, ChildJvm.readLog(log)).isEqualTo(137);
        assertThat(ChildJvm.readLog(log)).contains("halting at crash point " + point);
    }

    private static long count(JdbcClient jdbc, String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
