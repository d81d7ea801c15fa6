package dev.nightbench.run;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remote partitioning over the real RabbitMQ on 127.0.0.1:5672 (skipped, with the reason, when none is up): a
 * manager run and two {@code nightbench worker} JVMs share the database. One worker is killed with SIGKILL
 * mid-partition: the broker redelivers its request to the other worker, which marks the partition FAILED, and the
 * run fails. {@code restart} sends only the unfinished partition again; every request row is there exactly once.
 * And a manager killed while a worker runs a partition is restarted only once that worker is done with it.
 */
class RemotePartitioningTest {

    static final String BROKER = "amqp://guest:guest@127.0.0.1:5672";

    static void assumeBroker() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5672), 1000);
        } catch (IOException e) {
            Assumptions.abort("RabbitMQ is not reachable on 127.0.0.1:5672 (" + e.getMessage() + "); start one "
                    + "(README \"Scaling out\") to run the remote partitioning test");
        }
    }

    @Test
    void aWorkerKilledMidPartitionFailsTheRunAndRestartSendsOnlyTheUnfinishedPartition(@TempDir Path dir)
            throws Exception {
        assumeBroker();
        List<Process> children = new ArrayList<>();
        try (SimulatedServer fast = new SimulatedServer().script("m", Script.stream().role().content("Fast.")
                .finish("stop").usage(4, 1).done()).start();
             SimulatedServer slow = new SimulatedServer().script("m", Script.stream().role().delay(500)
                     .content("Slow.").finish("stop").usage(4, 1).done()).start()) {
            String url = TestDatabase.newDatabase();
            Files.writeString(dir.resolve("scaled.yaml"), PartitionedMeasureJobTest.PLAN.formatted("scaled",
                    fast.baseUrl(), slow.baseUrl(), "scale: {partition_by: endpoint, workers: 2}"));
            Map<String, String> env = env(url);
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path managerLog = dir.resolve("manager.log");
            Map<String, Path> logs = workerLogs(dir);
            Map<String, Process> workers = startWorkers(dir, env, logs, children);

            Process manager = ChildJvm.start(dir, managerLog, env, "run", "--plan", "scaled.yaml", "--run-date",
                    "2026-11-20");
            children.add(manager);
            // the slow endpoint's partition has 2 cells committed: kill -9 the worker running it
            waitFor(() -> ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests WHERE model_alias = 'mb'") >= 4,
                    managerLog);
            String victim = jdbc.sql("SELECT worker_host FROM requests WHERE model_alias = 'mb' LIMIT 1")
                    .query(String.class).single();
            String survivor = victim.equals("worker-1") ? "worker-2" : "worker-1";
            workers.get(victim).destroyForcibly().waitFor(30, TimeUnit.SECONDS);

            assertThat(manager.waitFor(3, TimeUnit.MINUTES)).as("manager ends; log:%n%s", ChildJvm.readLog(managerLog))
                    .isTrue();
            assertThat(manager.exitValue()).as("manager exit code; log:%n%s", ChildJvm.readLog(managerLog)).isEqualTo(1);
            assertThat(ChildJvm.readLog(logs.get(survivor))).contains("its worker died mid-partition");
            assertThat(jdbc.sql("SELECT STATUS FROM BATCH_JOB_EXECUTION").query(String.class).single()).isEqualTo("FAILED");
            long fastSent = fast.requestCount();
            assertThat(fastSent).isEqualTo(6);

            Process restart = ChildJvm.start(dir, managerLog, env, "restart");
            children.add(restart);
            assertThat(restart.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(restart.exitValue()).as("restart exit code; log:%n%s", ChildJvm.readLog(managerLog)).isEqualTo(0);

            // only the unfinished partition was sent again, to the surviving worker
            assertThat(jdbc.sql("""
                    SELECT s.STEP_NAME FROM BATCH_STEP_EXECUTION s WHERE s.JOB_EXECUTION_ID =
                    (SELECT max(JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION) AND s.STEP_NAME LIKE 'measurePartition:%'""")
                    .query(String.class).list()).containsExactly("measurePartition:endpoint-b");
            assertThat(fast.requestCount()).isEqualTo(6);
            assertThat(slow.requestCount()).isBetween(6, 7); // at most the request in flight at the kill, resent
            assertThat(jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single()).isEqualTo(12);
            assertThat(jdbc.sql("SELECT count(DISTINCT (model_alias, prompt_id, round)) FROM measured_requests")
                    .query(Long.class).single()).isEqualTo(12);
            assertThat(jdbc.sql("SELECT count(*) FROM answers").query(Long.class).single()).isEqualTo(12);
            assertThat(jdbc.sql("SELECT DISTINCT worker_host FROM requests ORDER BY 1").query(String.class).list())
                    .containsExactly("worker-1", "worker-2");
            assertThat(jdbc.sql("SELECT count(*) FROM requests WHERE model_alias = 'mb' AND worker_host = ?")
                    .param(survivor).query(Long.class).single()).isPositive();
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    /**
     * A manager ({@code run --workers 2} of a plan without {@code scale:}) killed with SIGKILL while a worker runs the
     * slow endpoint's partition: that worker goes on. {@code restart} refuses while it does (the worker holds the
     * run's partition lock), so the partition is never sent to the other worker at the same time; once the worker
     * has finished it, {@code restart} recovers the run, sends no partition again and completes it, every request
     * row exactly once and no request sent twice.
     */
    @Test
    void aManagerKilledWhileAWorkerRunsAPartitionIsRestartedOnlyAfterThatWorkerEnds(@TempDir Path dir)
            throws Exception {
        assumeBroker();
        List<Process> children = new ArrayList<>();
        try (SimulatedServer fast = new SimulatedServer().script("m", Script.stream().role().content("Fast.")
                .finish("stop").usage(4, 1).done()).start();
             SimulatedServer slow = new SimulatedServer().script("m", Script.stream().role().delay(4000)
                     .content("Slow.").finish("stop").usage(4, 1).done()).start()) {
            String url = TestDatabase.newDatabase();
            Files.writeString(dir.resolve("plain.yaml"), PartitionedMeasureJobTest.PLAN.formatted("plain",
                    fast.baseUrl(), slow.baseUrl(), ""));
            Map<String, String> env = env(url);
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path managerLog = dir.resolve("manager.log");
            startWorkers(dir, env, workerLogs(dir), children);

            Process manager = ChildJvm.start(dir, managerLog, env, "run", "--plan", "plain.yaml", "--run-date",
                    "2026-11-20", "--workers", "2");
            children.add(manager);
            ChildJvm.killWhen(manager, managerLog, () -> ChildJvm.countOrZero(jdbc,
                    "SELECT count(*) FROM requests WHERE model_alias = 'mb'") >= 1);
            assertThat(slow.requestCount()).isLessThan(6);

            // the worker still runs endpoint b's partition: restart refuses and changes nothing
            Path restartLog = dir.resolve("restart.log");
            Process early = ChildJvm.start(dir, restartLog, env, "restart");
            children.add(early);
            assertThat(early.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(early.exitValue()).as("early restart; log:%n%s", ChildJvm.readLog(restartLog)).isEqualTo(2);
            assertThat(ChildJvm.readLog(restartLog)).contains("a worker still at one of its partitions");
            assertThat(jdbc.sql("SELECT count(*) FROM BATCH_JOB_EXECUTION").query(Long.class).single()).isEqualTo(1);

            // the worker finishes the partition on its own, then restart finishes the run without measuring again
            waitFor(() -> ChildJvm.countOrZero(jdbc, """
                    SELECT count(*) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME = 'measurePartition:endpoint-b'
                    AND STATUS = 'COMPLETED'""") == 1, managerLog);
            Process restart = ChildJvm.start(dir, restartLog, env, "restart");
            children.add(restart);
            assertThat(restart.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(restart.exitValue()).as("restart; log:%n%s", ChildJvm.readLog(restartLog)).isEqualTo(0);
            assertThat(ChildJvm.readLog(restartLog)).contains("left STARTED by a process that is gone");
            assertThat(jdbc.sql("""
                    SELECT count(*) FROM BATCH_STEP_EXECUTION s WHERE s.JOB_EXECUTION_ID =
                    (SELECT max(JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION) AND s.STEP_NAME LIKE 'measurePartition:%'""")
                    .query(Long.class).single()).isZero();
            assertThat(fast.requestCount()).isEqualTo(6);
            assertThat(slow.requestCount()).isEqualTo(6);
            assertThat(jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single()).isEqualTo(12);
            assertThat(jdbc.sql("SELECT count(DISTINCT (model_alias, prompt_id, round)) FROM measured_requests")
                    .query(Long.class).single()).isEqualTo(12);
            assertThat(jdbc.sql("SELECT count(*) FROM answers").query(Long.class).single()).isEqualTo(12);
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    private static Map<String, String> env(String url) {
        return new HashMap<>(Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres",
                "NIGHTBENCH_RABBIT_URL", BROKER, "NIGHTBENCH_SCALE_QUEUE", "nightbench.test." + UUID.randomUUID(),
                "NIGHTBENCH_SCALE_TIMEOUT", "PT3M"));
    }

    private static Map<String, Path> workerLogs(Path dir) {
        return Map.of("worker-1", dir.resolve("worker-1.log"), "worker-2", dir.resolve("worker-2.log"));
    }

    /** Starts the two worker JVMs and waits until both consume the queue. */
    private static Map<String, Process> startWorkers(Path dir, Map<String, String> env, Map<String, Path> logs,
                                                     List<Process> children) throws Exception {
        Map<String, Process> workers = new HashMap<>();
        for (String name : List.of("worker-1", "worker-2")) {
            Map<String, String> workerEnv = new HashMap<>(env);
            workerEnv.put("NIGHTBENCH_WORKER_HOST", name);
            Process w = ChildJvm.start(dir, logs.get(name), workerEnv, "worker");
            children.add(w);
            workers.put(name, w);
        }
        for (String name : workers.keySet()) {
            waitFor(() -> ChildJvm.readLog(logs.get(name)).contains("consuming measure partitions"), logs.get(name));
        }
        return workers;
    }

    private static void waitFor(java.util.function.BooleanSupplier ready, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!ready.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting; log:%n%s", ChildJvm.readLog(log)).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
