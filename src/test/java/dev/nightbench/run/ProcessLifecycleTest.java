package dev.nightbench.run;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real CLI in child JVMs, as a scheduler runs it: SIGTERM, a second launch of the same night, a database
 * that goes away mid-run, and a planted API key that must never be stored, logged or reported.
 */
class ProcessLifecycleTest {

    static final String SLOW_PLAN = """
            name: nightly
            endpoints: [{name: sim, type: simulated}]
            models: [{alias: sim-medium}, {alias: sim-fast}]
            prompts:
              - {id: a, text: "Tell me a story about a lighthouse."}
              - {id: b, text: "Explain entropy to a child."}
              - {id: c, text: "List three uses of copper."}
            run: {warmup: 1, rounds: 3, max_tokens: 24}
            """;

    @Test
    void sigtermStopsTheRunGracefullyASecondLaunchIsRefusedAndRestartFinishesIt(@TempDir Path dir) throws Exception {
        String url = TestDatabase.newDatabase();
        Files.writeString(dir.resolve("nightly.yaml"), SLOW_PLAN);
        // slow enough that the first run is still going while a second JVM boots and is refused
        Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres",
                "NIGHTBENCH_SIM_SLOWDOWN", "sim-medium=4,sim-fast=4");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
        Path log = dir.resolve("first.log");

        Process first = ChildJvm.start(dir, log, env, "run", "--plan", "nightly.yaml", "--run-date", "2026-11-21");
        awaitCommittedCells(jdbc, first, 1, log);

        // the same plan and night while it runs: refused, exit 2, nothing written
        Path secondLog = dir.resolve("second.log");
        Process second = ChildJvm.start(dir, secondLog, env, "run", "--plan", "nightly.yaml", "--run-date", "2026-11-21");
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as(Files.readString(secondLog)).isEqualTo(2);
        assertThat(Files.readString(secondLog)).contains("already running");
        assertThat(jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single()).isEqualTo(1);

        first.destroy(); // SIGTERM
        assertThat(first.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).as(Files.readString(log)).isEqualTo("STOPPED");
        long stoppedRows = jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single();
        assertThat(stoppedRows).isBetween(1L, 17L).matches(n -> n % 3 == 0, "whole cells only");

        Process restart = ChildJvm.start(dir, log, env, "restart");
        assertThat(restart.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(restart.exitValue()).as(Files.readString(log)).isZero();
        assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
        assertThat(jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single()).isEqualTo(18);
        assertThat(jdbc.sql("SELECT count(DISTINCT (model_alias, prompt_id, round)) FROM measured_requests")
                .query(Long.class).single()).isEqualTo(18);
    }

    @Test
    void aDatabaseOutageFailsTheRunClearlyAndRestartFinishesItOnceTheDatabaseIsBack(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("pgdata");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
        String url = pg.getJdbcUrl("postgres", "postgres");
        Files.writeString(dir.resolve("nightly.yaml"), SLOW_PLAN);
        Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
        Path log = dir.resolve("outage.log");
        try {
            Process run = ChildJvm.start(dir, log, env, "run", "--plan", "nightly.yaml", "--run-date", "2026-11-21");
            awaitCommittedCells(jdbc, run, 1, log);
            long before = jdbc.sql("SELECT count(*) FROM requests").query(Long.class).single();

            pg.close(); // the database goes away mid-run

            assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(run.exitValue()).as(Files.readString(log)).isEqualTo(1);
            assertThat(Files.readString(log)).contains("lost the database while running").contains("nightbench restart");

            pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
            assertThat(jdbc.sql("SELECT count(*) FROM requests").query(Long.class).single()).isGreaterThanOrEqualTo(before);

            Process restart = ChildJvm.start(dir, log, env, "restart");
            assertThat(restart.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(restart.exitValue()).as(Files.readString(log)).isZero();
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
            assertThat(jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single()).isEqualTo(18);
            assertThat(jdbc.sql("SELECT count(DISTINCT (model_alias, prompt_id, round)) FROM measured_requests")
                    .query(Long.class).single()).isEqualTo(18);
        } finally {
            pg.close();
        }
    }

    @Test
    void aPlantedApiKeyIsNeverStoredLoggedOrReported(@TempDir Path dir) throws Exception {
        String key = "sk-planted-" + Long.toHexString(System.nanoTime()) + "-secret";
        try (SimulatedServer server = new SimulatedServer()
                .script("good", Script.stream().role().content("ok").finish("stop").usage(3, 1).done())
                // a hostile server that echoes the credentials it was sent into its error text
                .register("echo", request -> Script.status(401).body("{\"error\":{\"message\":\"bad credentials: "
                        + request.headers() + "\"}}"))
                .start()) {
            String url = TestDatabase.newDatabase();
            Files.writeString(dir.resolve("secret.yaml"), """
                    name: secret
                    endpoints: [{name: vendor, base_url: "%s", api_key_env: NB_PLANTED_KEY}]
                    models: [{alias: good}, {alias: echo}]
                    prompts: [{id: p, text: "hello"}]
                    run: {warmup: 1, rounds: 2}
                    """.formatted(server.baseUrl()));
            Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres",
                    "NB_PLANTED_KEY", key);
            Path log = dir.resolve("secret.log");

            Process run = ChildJvm.start(dir, log, env, "run", "--plan", "secret.yaml");
            assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(run.exitValue()).as(Files.readString(log)).isEqualTo(4); // echo failed, good completed
            assertThat(server.sent()).anySatisfy(s -> assertThat(s.model()).isEqualTo("echo"));

            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                    + "AND table_type = 'BASE TABLE'").query(String.class).list();
            assertThat(tables).contains("requests", "runs", "batch_job_execution_params");
            for (String table : tables) {
                assertThat(jdbc.sql("SELECT count(*) FROM " + table + " t WHERE t::text LIKE ?").param("%" + key + "%")
                        .query(Long.class).single()).as("rows of %s holding the key", table).isZero();
            }
            assertThat(jdbc.sql("SELECT count(*) FROM requests WHERE model_alias = 'echo' AND http_status = 401")
                    .query(Long.class).single()).isPositive();
            assertThat(Files.readString(log)).doesNotContain(key);
            try (Stream<Path> files = Files.walk(dir.resolve("reports"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContain(key);
                }
            }
        }
    }

    @Test
    void serveRunsAPlanOnItsCronScheduleUntilStopped(@TempDir Path dir) throws Exception {
        String url = TestDatabase.newDatabase();
        Files.writeString(dir.resolve("quick.yaml"), """
                name: quick
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: p, text: "hello"}]
                run: {warmup: 0, rounds: 1, max_tokens: 4}
                """);
        Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres",
                "NIGHTBENCH_SERVE_SCHEDULES_0_CRON", "*/2 * * * * *", "NIGHTBENCH_SERVE_SCHEDULES_0_PLAN", "quick.yaml");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
        Path log = dir.resolve("serve.log");

        Process serve = ChildJvm.start(dir, log, env, "serve");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            long completed = 0;
            while (System.nanoTime() < deadline && serve.isAlive() && completed < 2) {
                Thread.sleep(200);
                try {
                    completed = jdbc.sql("SELECT count(*) FROM runs WHERE status = 'COMPLETED'").query(Long.class).single();
                } catch (Exception notMigratedYet) {
                    // keep waiting
                }
            }
            assertThat(completed).as(Files.readString(log)).isGreaterThanOrEqualTo(2);
            assertThat(serve.isAlive()).isTrue();
        } finally {
            serve.destroy();
            serve.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void serveWithoutASchedulePrintsWhatToSetAndExits2(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("serve.log");
        Process serve = ChildJvm.start(dir, log, Map.of("NIGHTBENCH_DB_URL", TestDatabase.newDatabase(),
                "NIGHTBENCH_DB_USER", "postgres"), "serve");
        assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(serve.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log)).contains("NIGHTBENCH_SERVE_SCHEDULES_0_CRON");
    }

    private static void awaitCommittedCells(JdbcClient jdbc, Process process, int cells, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (jdbc.sql("SELECT count(DISTINCT cell_index) FROM requests WHERE phase = 'measure'")
                        .query(Long.class).single() >= cells) {
                    return;
                }
            } catch (Exception notMigratedYet) {
                // keep waiting
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no committed cell in time; log:\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }
}
