package dev.nightbench.db;

import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.GatedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded PostgreSQL shared by several Nightbench processes, each a real CLI in its own JVM: it outlives the
 * process that started it while others use it, stops after the last one, and an orphan left by kill -9 is adopted.
 * Costs about five JVM launches (two of them at once); the servers run with the unsafe, fast switch, as nothing
 * here is about durability.
 */
class SharedEmbeddedDatabaseTest {

    /** Generous: a shared 2-core machine can take long to boot a JVM; the gates keep runs waiting meanwhile. */
    private static final Duration WAIT = Duration.ofMinutes(4);

    @Test
    void twoPlansAndRunsAtOnceShareOneServerThatOutlivesItsStarterAndStopsAfterTheLastUser(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pgdata");
        int port = freePort();
        Map<String, String> env = embeddedEnv(data, port, true);
        try (GatedServer alphaServer = new GatedServer(2); GatedServer betaServer = new GatedServer(2)) {
            Files.writeString(dir.resolve("alpha.yaml"), alphaServer.planYaml("alpha", 3, 2));
            Files.writeString(dir.resolve("beta.yaml"), betaServer.planYaml("beta", 3, 2));

            // both launched at once on an empty directory: one initialises and starts the server, the other attaches
            Process alpha = ChildJvm.start(dir, dir.resolve("alpha.log"), env, "run", "--plan", "alpha.yaml");
            Process beta = ChildJvm.start(dir, dir.resolve("beta.log"), env, "run", "--plan", "beta.yaml");
            JdbcClient jdbc = jdbc(awaitPort(data, port, alpha, dir.resolve("alpha.log")));
            awaitCommittedCell(jdbc, "alpha", alpha, dir.resolve("alpha.log"));
            awaitCommittedCell(jdbc, "beta", beta, dir.resolve("beta.log"));
            long postmaster = PostmasterPid.read(data).orElseThrow().pid();

            Process runs = ChildJvm.start(dir, dir.resolve("runs.log"), env, "runs");
            assertExitsWith(runs, 0, dir.resolve("runs.log"));
            assertThat(Files.readString(dir.resolve("runs.log"))).contains("alpha").contains("beta");

            String starter = Files.readString(dir.resolve("alpha.log")).contains("Started the embedded PostgreSQL")
                    ? "alpha" : "beta";
            GatedServer first = starter.equals("alpha") ? alphaServer : betaServer;
            GatedServer second = starter.equals("alpha") ? betaServer : alphaServer;
            Process firstRun = starter.equals("alpha") ? alpha : beta;
            Process secondRun = starter.equals("alpha") ? beta : alpha;
            String secondName = starter.equals("alpha") ? "beta" : "alpha";

            first.release(); // the process that started the server finishes and exits first
            assertExitsWith(firstRun, 0, dir.resolve(starter + ".log"));
            assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).contains(true);
            assertThat(jdbc.sql("SELECT status FROM runs WHERE plan_name = ?").param(starter).query(String.class).single())
                    .isEqualTo("COMPLETED");

            second.release(); // the other run kept its database and completes
            assertExitsWith(secondRun, 0, dir.resolve(secondName + ".log"));
            assertThat(Files.readString(dir.resolve(secondName + ".log"))).doesNotContain("lost the database");
            awaitStopped(data, postmaster);
        }
    }

    @Test
    void anOrphanLeftByKillingItsStarterIsAdoptedByTheNextLaunchAndStoppedWhenItExits(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pgdata");
        int port = freePort();
        Map<String, String> env = embeddedEnv(data, port, true);
        try (GatedServer server = new GatedServer(2)) {
            Files.writeString(dir.resolve("nightly.yaml"), server.planYaml("nightly", 3, 2));
            Process owner = ChildJvm.start(dir, dir.resolve("owner.log"), env, "run", "--plan", "nightly.yaml");
            JdbcClient jdbc = jdbc(awaitPort(data, port, owner, dir.resolve("owner.log")));
            awaitCommittedCell(jdbc, "nightly", owner, dir.resolve("owner.log"));
            long postmaster = PostmasterPid.read(data).orElseThrow().pid();

            owner.destroyForcibly(); // kill -9: nothing runs on exit
            owner.waitFor(60, TimeUnit.SECONDS);
            assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("the orphan").contains(true);

            Process runs = ChildJvm.start(dir, dir.resolve("runs.log"), env, "runs");
            assertExitsWith(runs, 0, dir.resolve("runs.log"));
            assertThat(Files.readString(dir.resolve("runs.log"))).contains("Attached to the embedded PostgreSQL")
                    .contains("nightly");
            awaitStopped(data, postmaster);
        }
    }

    private static Map<String, String> embeddedEnv(Path data, int port, boolean unsafe) {
        Map<String, String> env = new HashMap<>(Map.of("NIGHTBENCH_DB_DIR", data.toString(),
                "NIGHTBENCH_DB_PORT", Integer.toString(port), EmbeddedDatabase.UNSAFE_NO_FSYNC_ENV, Boolean.toString(unsafe)));
        return env;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static JdbcClient jdbc(int port) {
        return JdbcClient.create(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", ""));
    }

    /**
     * Returns {@code port} once the server on {@code data} takes sessions there (initdb's single-user postgres also
     * writes a postmaster.pid, with the default port 5432).
     */
    static int awaitPort(Path data, int port, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            var pid = PostmasterPid.read(data);
            if (pid.isPresent() && pid.get().port() == port && acceptsSessions(port)) {
                return port;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no embedded server came up; log:\n" + Files.readString(log));
    }

    static void awaitCommittedCell(JdbcClient jdbc, String plan, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (jdbc.sql("SELECT count(*) FROM requests q JOIN runs r ON r.run_id = q.run_id "
                        + "WHERE r.plan_name = ? AND q.phase = 'measure'").param(plan).query(Long.class).single() > 0) {
                    return;
                }
            } catch (Exception notMigratedYet) {
                // keep waiting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no committed cell of " + plan + " in time; log:\n" + Files.readString(log));
    }

    /** SIGTERM, as a scheduler stops a process: each leaves, the last one stops the server. */
    static void stopAll(Process... processes) throws InterruptedException {
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : processes) {
            if (p != null) {
                p.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    static void assertExitsWith(Process process, int code, Path log) throws Exception {
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited in time").isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isEqualTo(code);
    }

    /** The server is gone: its process ended, its postmaster.pid removed (a clean stop), its port free. */
    static void awaitStopped(Path data, long postmaster) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("the server process").isNotEqualTo(Optional.of(true));
        assertThat(data.resolve(PostmasterPid.FILE)).as("a clean stop removes postmaster.pid").doesNotExist();
    }

    /** Past "the database system is starting up". */
    private static boolean acceptsSessions(int port) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "")) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }
}
