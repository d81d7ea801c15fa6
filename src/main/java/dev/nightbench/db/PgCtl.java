package dev.nightbench.db;

import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops the embedded server with the {@code pg_ctl} of the very PostgreSQL distribution that runs it: zonky unpacks
 * its binaries under {@code java.io.tmpdir/embedded-pg/PG-<digest>/} and keeps that path private, so the path is
 * read from the running postmaster ({@code /proc/<pid>/exe} is {@code .../bin/postgres}; {@code pg_ctl} sits beside
 * it). That also works in a process that did not start the server (the last user, {@code nightbench db stop}) and
 * never picks a system PostgreSQL of another version. As zonky does, {@code pg_ctl} runs under {@code unshare -U}
 * when the user is root (PostgreSQL refuses to run as root).
 */
final class PgCtl {

    private static final Logger log = LoggerFactory.getLogger(PgCtl.class);
    static final Duration STOP_WAIT = Duration.ofSeconds(120);

    private PgCtl() {
    }

    /**
     * {@code pg_ctl stop -m fast}: open sessions are rolled back and closed, committed work is on disk (a shutdown
     * checkpoint), and the call returns once the server has exited, or after {@link #STOP_WAIT}.
     *
     * @return true when the server is gone
     */
    static boolean stopFast(Path dataDirectory, PostmasterPid server, Path serverLog) {
        Path pgCtl;
        try {
            pgCtl = Files.readSymbolicLink(Path.of("/proc", Long.toString(server.pid()), "exe")).resolveSibling("pg_ctl");
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("Cannot find the pg_ctl of the embedded PostgreSQL (pid {}): {}; it is left running",
                    server.pid(), e.getMessage());
            return false;
        }
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(pgCtl.toString(), "-D", dataDirectory.toString(), "stop", "-m", "fast", "-w",
                "-t", Long.toString(STOP_WAIT.toSeconds())));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLog.toFile())).start();
            if (!p.waitFor(STOP_WAIT.toSeconds() + 10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            log.warn("Running {} failed: {}", pgCtl, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean stopped = !PostmasterPid.running(dataDirectory); // a clean stop removes postmaster.pid
        if (!stopped) {
            log.warn("The embedded PostgreSQL (pid {}) did not stop; see {}", server.pid(), serverLog);
        }
        return stopped;
    }
}
