package dev.nightbench.db;

import dev.nightbench.cli.Cli;
import dev.nightbench.support.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.nightbench.db.SharedEmbeddedDatabaseTest.assertExitsWith;
import static dev.nightbench.db.SharedEmbeddedDatabaseTest.awaitPort;
import static dev.nightbench.db.SharedEmbeddedDatabaseTest.awaitStopped;
import static dev.nightbench.db.SharedEmbeddedDatabaseTest.freePort;
import static dev.nightbench.db.SharedEmbeddedDatabaseTest.jdbc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded server keeps what it committed: fsync, synchronous commit and full page writes are on unless the
 * test-only switch turns them off, and cells committed by a run are there after the server is killed with -9.
 * Costs two JVM launches and two in-process server starts.
 */
class DurableEmbeddedDatabaseTest {

    @Test
    void aCommittedCellSurvivesTheServerBeingKilledWithSigkill(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pgdata");
        int port = freePort();
        Map<String, String> env = new HashMap<>(Map.of("NIGHTBENCH_DB_DIR", data.toString(),
                "NIGHTBENCH_DB_PORT", Integer.toString(port), EmbeddedDatabase.UNSAFE_NO_FSYNC_ENV, "false"));
        Files.writeString(dir.resolve("quick.yaml"), """
                name: quick
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: p, text: "hello"}, {id: q, text: "again"}]
                run: {warmup: 0, rounds: 2, max_tokens: 4}
                """);
        // 'nightbench db' starts the durable server and keeps it up; a run on it commits its cells
        Process holder = ChildJvm.start(dir, dir.resolve("db.log"), env, "db");
        try {
            killServerUnderACommittedRun(dir, data, port, env, holder);
        } finally {
            SharedEmbeddedDatabaseTest.stopAll(holder);
        }
    }

    private static void killServerUnderACommittedRun(Path dir, Path data, int port, Map<String, String> env, Process holder)
            throws Exception {
        JdbcClient jdbc = jdbc(awaitPort(data, port, holder, dir.resolve("db.log")));
        assertDurable(jdbc);
        Process run = ChildJvm.start(dir, dir.resolve("run.log"), env, "run", "--plan", "quick.yaml");
        assertExitsWith(run, 0, dir.resolve("run.log"));
        long committed = jdbc.sql("SELECT count(*) FROM requests WHERE phase = 'measure' AND status = 'ok'")
                .query(Long.class).single();
        assertThat(committed).as(Files.readString(dir.resolve("run.log"))).isEqualTo(4);

        // kill -9 the postmaster, then let its backends notice and exit
        ProcessHandle postmaster = ProcessHandle.of(PostmasterPid.read(data).orElseThrow().pid()).orElseThrow();
        List<ProcessHandle> backends = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        postmaster.onExit().get(60, TimeUnit.SECONDS);
        for (ProcessHandle backend : backends) {
            backend.onExit().get(60, TimeUnit.SECONDS);
        }
        holder.destroy();
        assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(data.resolve(PostmasterPid.FILE)).as("left behind by the kill").exists();

        // started again on the same directory (stale postmaster.pid): crash recovery, the rows are there
        long restarted;
        try (EmbeddedDatabase again = EmbeddedDatabase.startOrAttach(data, port, false)) {
            assertThat(again.owner()).isTrue();
            restarted = PostmasterPid.read(data).orElseThrow().pid();
            JdbcClient after = jdbc(again.port());
            assertDurable(after);
            assertThat(after.sql("SELECT count(*) FROM requests WHERE phase = 'measure' AND status = 'ok'")
                    .query(Long.class).single()).isEqualTo(committed);
            assertThat(after.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
        }
        awaitStopped(data, restarted);
    }

    @Test
    void theTestOnlySwitchStartsTheServerWithoutFsyncAndTheLastUserStopsIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pgdata");
        long pid;
        try (EmbeddedDatabase db = EmbeddedDatabase.startOrAttach(data, freePort(), true)) {
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(db.jdbcUrl(), EmbeddedDatabase.USER, ""));
            assertThat(jdbc.sql("SHOW fsync").query(String.class).single()).isEqualTo("off");
            assertThat(jdbc.sql("SHOW synchronous_commit").query(String.class).single()).isEqualTo("off");
            pid = PostmasterPid.read(data).orElseThrow().pid();
        }
        awaitStopped(data, pid);
    }

    @Test
    void dbStopRefusesWhileANightbenchProcessUsesTheServerUnlessForced(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pgdata");
        int port = freePort();
        Map<String, String> env = Map.of("NIGHTBENCH_DB_DIR", data.toString(), "NIGHTBENCH_DB_PORT", Integer.toString(port));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env::get);
        assertThat(cli.execute(new String[] {"db", "stop"})).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("No embedded PostgreSQL is running");

        try (EmbeddedDatabase db = EmbeddedDatabase.startOrAttach(data, port, true)) {
            long pid = PostmasterPid.read(data).orElseThrow().pid();
            assertThat(cli.execute(new String[] {"db", "stop"})).isEqualTo(Cli.JOB_FAILED);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("in use by nightbench-client:" + ProcessHandle.current().pid())
                    .contains("--force");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

            assertThat(cli.execute(new String[] {"db", "stop", "--force"})).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("Stopped the embedded PostgreSQL");
            awaitStopped(data, pid);
        }
    }

    private static void assertDurable(JdbcClient jdbc) {
        assertThat(jdbc.sql("SHOW fsync").query(String.class).single()).isEqualTo("on");
        assertThat(jdbc.sql("SHOW synchronous_commit").query(String.class).single()).isEqualTo("on");
        assertThat(jdbc.sql("SHOW full_page_writes").query(String.class).single()).isEqualTo("on");
    }
}
