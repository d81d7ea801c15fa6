package dev.nightbench.bench;

import dev.nightbench.client.sim.Script;
import dev.nightbench.db.EmbeddedDatabase;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Section (c): what the job itself adds around the requests. The real job ({@code java -jar target/nightbench.jar
 * run}) runs a serial plan against a {@link LeanSseServer} with a fixed script, on an embedded PostgreSQL in a
 * temporary directory. Afterwards the run's database is opened and read:
 * <ul>
 *   <li>measure step wall time: Spring Batch's own start and end of the {@code measure} step;</li>
 *   <li>scripted total: measured requests × the script's delays (what an ideal client and job would take);</li>
 *   <li>overhead = measure step wall ÷ scripted total − 1;</li>
 *   <li>split into: the server's own lateness (its actual send times ÷ scripted), the client's share (Σ the
 *       requests' {@code total_ms} ÷ the server's actual times) and the job's bookkeeping between requests
 *       (step wall − Σ {@code total_ms}: cell reads, inserts, commits).</li>
 * </ul>
 * The process's whole wall time (JVM and Spring start, database start, the other steps, the report) is reported
 * separately: it is a fixed cost per run, not per request.
 */
final class JobOverhead {

    record Result(int requests, double scriptedMs, double serverMs, double sumTotalMs, double measureStepMs,
                  double warmUpStepMs, double processWallMs, int exitCode, HostLoad.Window load) {
        double overhead() {
            return measureStepMs / scriptedMs - 1;
        }
    }

    private final Path jar;
    private final int models;
    private final int prompts;
    private final int rounds;
    private final int ttftMs;
    private final int gapMs;
    private final int chunks;

    JobOverhead(Path jar, int models, int prompts, int rounds, int ttftMs, int gapMs, int chunks) {
        this.jar = jar;
        this.models = models;
        this.prompts = prompts;
        this.rounds = rounds;
        this.ttftMs = ttftMs;
        this.gapMs = gapMs;
        this.chunks = chunks;
    }

    double scriptedRequestMs() {
        return ttftMs + (chunks - 1) * (double) gapMs;
    }

    String plan(int port) {
        StringBuilder yaml = new StringBuilder("""
                name: bench-overhead
                description: Nightbench timing benchmark, section (c); a serial plan against a scripted server.
                endpoints:
                  - name: bench
                    type: openai
                    base_url: http://127.0.0.1:%d/v1
                models:
                """.formatted(port));
        for (int m = 1; m <= models; m++) {
            yaml.append("  - {alias: m").append(m).append(", endpoint: bench, model: ").append(BenchServer.MODEL)
                    .append("}\n");
        }
        yaml.append("prompts:\n");
        for (int p = 1; p <= prompts; p++) {
            yaml.append("  - {id: p").append(p).append(", text: \"Prompt number ").append(p).append(".\"}\n");
        }
        yaml.append("run: {warmup: 1, rounds: ").append(rounds).append(", max_tokens: ").append(chunks)
                .append(", stream: true}\n");
        return yaml.toString();
    }

    /** Runs the job {@code repeats} times on one database (the first run also creates it). */
    List<Result> run(Path workDir, int repeats) throws Exception {
        TimingAccuracy shape = new TimingAccuracy("lean", ttftMs, gapMs, chunks, false);
        Script script = shape.script();
        Files.createDirectories(workDir);
        Path dbDir = workDir.resolve("pgdata");
        int dbPort = freePort();
        List<Result> results = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            try (LeanSseServer server = new LeanSseServer(BenchServer.MODEL, script, true)) {
                Path planFile = workDir.resolve("plan.yaml");
                Files.writeString(planFile, plan(server.port()));
                Path log = workDir.resolve("job-" + (r + 1) + ".log");
                ProcessBuilder pb = new ProcessBuilder(javaCommand(), "-jar", jar.toString(), "run", "--plan",
                        planFile.toString(), "--run-date", "2001-01-%02d".formatted(r + 1))
                        .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().put("NIGHTBENCH_DB_DIR", dbDir.toString());
                pb.environment().put("NIGHTBENCH_DB_PORT", Integer.toString(dbPort));
                pb.environment().remove("NIGHTBENCH_DB_URL");
                HostLoad.Snapshot before = HostLoad.snapshot();
                long start = System.nanoTime();
                Process job = pb.start();
                if (!job.waitFor(10, TimeUnit.MINUTES)) {
                    job.destroyForcibly();
                    throw new IllegalStateException("the job did not finish in 10 minutes; see " + log);
                }
                double wallMs = (System.nanoTime() - start) / 1e6;
                HostLoad.Window load = HostLoad.between(before, HostLoad.snapshot());
                if (job.exitValue() != 0) {
                    throw new IllegalStateException("the job exited with " + job.exitValue() + "; see " + log);
                }
                double serverMs = 0;
                int serverRequests = 0;
                for (LeanSseServer.Exchange e : server.exchanges()) {
                    // request read → [DONE] written: what the server took, its own lateness included
                    serverMs += (e.nanos[server.eventCount() - 1] - e.receivedNanos) / 1e6;
                    serverRequests++;
                }
                results.add(read(dbDir, dbPort, r + 1, wallMs, serverMs / serverRequests, job.exitValue(), load));
            }
        }
        return results;
    }

    private Result read(Path dbDir, int port, int runNumber, double wallMs, double serverMsPerRequest, int exit,
                        HostLoad.Window load) throws SQLException {
        try (EmbeddedDatabase db = EmbeddedDatabase.startOrAttach(dbDir, port);
             Connection c = DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, "")) {
            long runId;
            try (PreparedStatement s = c.prepareStatement("SELECT max(run_id) FROM runs");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                runId = rs.getLong(1);
            }
            int requests;
            double sumTotal;
            try (PreparedStatement s = c.prepareStatement("SELECT count(*), sum(total_ms) FROM requests "
                    + "WHERE run_id = ? AND phase = 'measure' AND status = 'ok'")) {
                s.setLong(1, runId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    requests = rs.getInt(1);
                    sumTotal = rs.getDouble(2);
                }
            }
            if (requests != models * prompts * rounds) {
                throw new IllegalStateException("run " + runNumber + ": " + requests + " ok measured requests, expected "
                        + models * prompts * rounds);
            }
            double measure = stepMs(c, "measure");
            double warmUp = stepMs(c, "warmUp");
            double scripted = requests * scriptedRequestMs();
            return new Result(requests, scripted, requests * serverMsPerRequest, sumTotal, measure, warmUp, wallMs,
                    exit, load);
        }
    }

    /** The newest execution of this step, from Spring Batch's own table. */
    private static double stepMs(Connection c, String step) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT start_time, end_time FROM batch_step_execution "
                + "WHERE step_name = ? ORDER BY step_execution_id DESC LIMIT 1")) {
            s.setString(1, step);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Double.NaN;
                }
                Timestamp start = rs.getTimestamp(1);
                Timestamp end = rs.getTimestamp(2);
                return Duration.between(start.toInstant(), end.toInstant()).toNanos() / 1e6;
            }
        }
    }

    static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
