package dev.nightbench.run;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.GatedServer;
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


    @Test
    void sigtermStopsTheRunGracefullyASecondLaunchIsRefusedAndRestartFinishesIt(@TempDir Path dir) throws Exception {
        try (GatedServer server = new GatedServer(2)) {
            String url = TestDatabase.newDatabase();
            Files.writeString(dir.resolve("nightly.yaml"), server.planYaml("nightly", 3, 2));
            Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path log = dir.resolve("first.log");

            Process first = ChildJvm.start(dir, log, env, "run", "--plan", "nightly.yaml", "--run-date", "2026-11-21");
            awaitCommittedCells(jdbc, first, 1, log); // cell 0 committed, cell 1 held at the gate

            // the same plan and night while it runs: refused, exit 2, nothing written
            Path secondLog = dir.resolve("second.log");
            Process second = ChildJvm.start(dir, secondLog, env, "run", "--plan", "nightly.yaml", "--run-date", "2026-11-21");
            assertThat(second.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as(Files.readString(secondLog)).isEqualTo(2);
            assertThat(Files.readString(secondLog)).contains("already running");
            assertThat(jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single()).isEqualTo(1);

            first.destroy(); // SIGTERM: the job is asked to stop, the cell in flight then finishes
            awaitStopRequested(jdbc, log);
            server.release();
            assertThat(first.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).as(Files.readString(log)).isEqualTo("STOPPED");
            // exit 1 (not the JVM's 143) and the one line that says how to finish it; no stack trace
            long runId = jdbc.sql("SELECT run_id FROM runs").query(Long.class).single();
            String stopped = Files.readString(log);
            assertThat(first.exitValue()).as(stopped).isEqualTo(1);
            assertThat(stopped).contains("Run " + runId + " stopped after 4 ok and 0 failed requests; 'nightbench restart "
                    + runId + "' finishes it.");
            assertThat(stopped).doesNotContain("\tat ").doesNotContain("has been closed");
            assertThat(jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single()).isEqualTo(4);

            Process restart = ChildJvm.start(dir, log, env, "restart");
            assertThat(restart.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(restart.exitValue()).as(Files.readString(log)).isZero();
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
            assertThat(jdbc.sql("SELECT count(DISTINCT (prompt_id, round)) FROM measured_requests WHERE status = 'ok'")
                    .query(Long.class).single()).isEqualTo(6);
            assertThat(jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single()).isEqualTo(6);
            assertThat(server.requestCount()).isEqualTo(6); // nothing sent twice
        }
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
        Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
        Path log = dir.resolve("outage.log");
        try (GatedServer server = new GatedServer(2)) {
            Files.writeString(dir.resolve("nightly.yaml"), server.planYaml("nightly", 3, 2));
            Process run = ChildJvm.start(dir, log, env, "run", "--plan", "nightly.yaml", "--run-date", "2026-11-21");
            awaitCommittedCells(jdbc, run, 1, log); // cell 0 committed, cell 1 held at the gate

            pg.close(); // the database goes away mid-run
            server.release();

            assertThat(run.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(run.exitValue()).as(Files.readString(log)).isEqualTo(1);
            // one paragraph: what happened, that nothing committed is lost, the command; the stack traces in the log file
            String console = Files.readString(log);
            assertThat(console).contains("lost the database while running").contains("Nothing already committed is lost")
                    .contains("'nightbench restart' finishes it").contains("Details: " + dir.resolve("logs"));
            assertThat(console).doesNotContain("\tat ").doesNotContain("should not be restarted");
            try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
                assertThat(Files.readString(logs.findFirst().orElseThrow())).contains("\tat ");
            }

            pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
            assertThat(jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single()).isEqualTo(2);

            Process restart = ChildJvm.start(dir, log, env, "restart");
            assertThat(restart.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(restart.exitValue()).as(Files.readString(log)).isZero();
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
            assertThat(jdbc.sql("SELECT count(*) FROM measured_requests").query(Long.class).single()).isEqualTo(6);
            assertThat(jdbc.sql("SELECT count(DISTINCT (prompt_id, round)) FROM measured_requests")
                    .query(Long.class).single()).isEqualTo(6);
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
            assertThat(run.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
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
                    // byte for byte (charts are PNG): ISO-8859-1 maps every byte to one char
                    assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                            .as(f.toString()).doesNotContain(key);
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
                "NIGHTBENCH_SERVE_SCHEDULES_0_CRON", "*/2 * * * * *", "NIGHTBENCH_SERVE_SCHEDULES_0_PLAN", "quick.yaml",
                "NIGHTBENCH_SERVE_PORT", "0"); // the dashboard on any free port of 127.0.0.1
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
        Path log = dir.resolve("serve.log");

        Process serve = ChildJvm.start(dir, log, env, "serve");
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
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
    void serveWithoutAScheduleServesTheDashboardAloneUntilStopped(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("serve.log");
        Process serve = ChildJvm.start(dir, log, Map.of("NIGHTBENCH_DB_URL", TestDatabase.newDatabase(),
                "NIGHTBENCH_DB_USER", "postgres", "NIGHTBENCH_SERVE_PORT", "0"), "serve");
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && serve.isAlive() && !Files.readString(log).contains("No schedule")) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(log)).contains("Dashboard: http://127.0.0.1:", "No schedule configured",
                    "NIGHTBENCH_SERVE_SCHEDULES_0_CRON");
            assertThat(serve.isAlive()).isTrue();
        } finally {
            serve.destroy();
        }
        assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(serve.exitValue()).as(Files.readString(log)).isZero();
    }

    /** Generous: a shared 2-core machine can take long to boot a JVM; the gate keeps runs waiting meanwhile. */
    static final Duration WAIT = Duration.ofMinutes(4);

    /** Spring Batch 6 records a stop request as STOPPED at once; the step sees it at its next chunk boundary. */
    private static void awaitStopRequested(JdbcClient jdbc, Path log) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (jdbc.sql("SELECT count(*) FROM BATCH_JOB_EXECUTION WHERE status IN ('STOPPING', 'STOPPED')")
                    .query(Long.class).single() > 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the job was never asked to stop; log:\n" + Files.readString(log));
    }

    private static void awaitCommittedCells(JdbcClient jdbc, Process process, int cells, Path log) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
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
