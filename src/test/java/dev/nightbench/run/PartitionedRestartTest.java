package dev.nightbench.run;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partitioned run (local threads, no broker) killed with SIGKILL after one endpoint's partition completed and
 * while the other's was mid-way: {@code restart} re-runs only the unfinished partition, from its first uncommitted
 * cell, with no request row lost and none twice, and the finished endpoint gets no request again. The same holds
 * for a plan without {@code scale:} run with {@code --workers 2}: the manager partitions by endpoint, and the
 * restart (given no option) keeps the run's workers, so it partitions the same way instead of running serially.
 */
class PartitionedRestartTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "plan scale: section | scale: {partition_by: endpoint, workers: 2} | ''",
            "run --workers 2     | ''                                          | --workers=2"})
    void aKilledPartitionedRunRestartsOnlyItsUnfinishedPartition(String name, String scale, String workers,
                                                                 @TempDir Path dir) throws Exception {
        try (SimulatedServer fast = new SimulatedServer().script("m", Script.stream().role().content("Fast.")
                .finish("stop").usage(4, 1).done()).start();
             SimulatedServer slow = new SimulatedServer().script("m", Script.stream().role().delay(400)
                     .content("Slow.").finish("stop").usage(4, 1).done()).start()) {
            String url = TestDatabase.newDatabase();
            Files.writeString(dir.resolve("scaled.yaml"), PartitionedMeasureJobTest.PLAN.formatted("scaled",
                    fast.baseUrl(), slow.baseUrl(), scale));
            Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path log = dir.resolve("child.log");

            List<String> run = new ArrayList<>(List.of("run", "--plan", "scaled.yaml", "--run-date", "2026-11-20"));
            if (!workers.isEmpty()) {
                run.addAll(List.of(workers.split("=")));
            }
            Process first = ChildJvm.start(dir, log, env, run.toArray(String[]::new));
            // endpoint a's partition done, endpoint b's with 2 cells committed and more to go: kill -9
            ChildJvm.killWhen(first, log, () -> ChildJvm.countOrZero(jdbc, """
                    SELECT count(*) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME = 'measurePartition:endpoint-a'
                    AND STATUS = 'COMPLETED'""") == 1
                    && ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests WHERE model_alias = 'mb'") >= 4);
            long storedB = ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests WHERE model_alias = 'mb'");
            assertThat(storedB).isLessThan(6);
            assertThat(fast.requestCount()).isEqualTo(6);

            Process restart = ChildJvm.start(dir, log, env, "restart");
            assertThat(restart.waitFor(4, TimeUnit.MINUTES)).isTrue();
            assertThat(restart.exitValue()).as("restart exit code; log:%n%s", ChildJvm.readLog(log)).isEqualTo(0);

            assertThat(ChildJvm.readLog(log)).contains("left STARTED by a process that is gone");
            // the restart ran only endpoint b's partition
            assertThat(jdbc.sql("""
                    SELECT s.STEP_NAME FROM BATCH_STEP_EXECUTION s WHERE s.JOB_EXECUTION_ID =
                    (SELECT max(JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION) AND s.STEP_NAME LIKE 'measurePartition:%'""")
                    .query(String.class).list()).containsExactly("measurePartition:endpoint-b");
            assertThat(fast.requestCount()).isEqualTo(6);
            // both executions ran with the run's --workers (a non-identifying parameter: one job instance)
            assertThat(jdbc.sql("""
                    SELECT count(*) FROM BATCH_JOB_EXECUTION_PARAMS WHERE PARAMETER_NAME = 'scale.workers'
                    AND PARAMETER_VALUE = '2' AND IDENTIFYING = 'N'""").query(Long.class).single())
                    .isEqualTo(workers.isEmpty() ? 0 : 2);
            assertThat(jdbc.sql("SELECT count(*) FROM BATCH_JOB_INSTANCE").query(Long.class).single()).isEqualTo(1);
            // 2 models x 3 prompts x 2 rounds, each exactly once; the answers likewise
            assertThat(jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single()).isEqualTo(12);
            assertThat(jdbc.sql("SELECT count(DISTINCT (model_alias, prompt_id, round)) FROM measured_requests")
                    .query(Long.class).single()).isEqualTo(12);
            assertThat(jdbc.sql("SELECT count(*) FROM answers").query(Long.class).single()).isEqualTo(12);
            assertThat(jdbc.sql("SELECT count(*) FROM requests WHERE worker_host IS NULL").query(Long.class).single())
                    .isZero();
            // b: its committed cells were not sent again; at most the one in flight when killed was lost and resent
            assertThat(slow.requestCount()).isBetween(6, 7);
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
        }
    }
}
