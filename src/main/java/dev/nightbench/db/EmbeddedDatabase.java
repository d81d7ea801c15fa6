package dev.nightbench.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The embedded PostgreSQL Nightbench uses when no database is configured: one server per data directory, shared by
 * every Nightbench process that uses that directory (two plans at once, {@code serve} plus a manual run, {@code runs}
 * during a run), and durable, since it holds the whole history.
 *
 * <p><b>Shared.</b> The server is started detached from the JVM that starts it ({@code pg_ctl start}, its output in
 * {@code <data dir>.log} beside the data directory), so it outlives that process. Each process holds a {@link Lease}:
 * a session named {@code nightbench-client:<pid>}. On exit a process checks {@code pg_stat_activity}: if no other
 * Nightbench session is left, it stops the server ({@code pg_ctl stop -m fast}, see {@link PgCtl}); otherwise it
 * leaves it to the last user. {@code nightbench db} holds a lease until Ctrl-C; {@code nightbench db stop} ends the
 * server ({@link #stop}). Sessions of other tools (psql) do not keep the server up.
 *
 * <p><b>Starting and attaching.</b> A launch takes a file lock ({@code <data dir>.lock}) for the moment it looks at
 * the server, so two processes never start it at once; the second waits and attaches. A running server is found by
 * its {@code postmaster.pid} (process alive) and answers on the port written there; a server that is starting or
 * stopping is waited for. An orphan left by kill -9 of the process that started it (server up, no leases) is simply
 * attached to, and stopped later by its last user as usual. A stale {@code postmaster.pid} with no process behind it
 * (the server itself was killed, or the machine rebooted) is left to PostgreSQL: {@code pg_ctl start} replaces it
 * and the server recovers from its write-ahead log.
 *
 * <p><b>Durable.</b> Zonky's defaults are for throw-away test databases ({@code -F}, that is fsync off, and
 * {@code synchronous_commit=off}); here {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} are
 * on, so a committed cell survives a crash of the server or the machine. The switch
 * {@code NIGHTBENCH_DB_UNSAFE_NO_FSYNC=true} (or {@code -Dnightbench.db.unsafe-no-fsync=true}) turns all three off,
 * for tests only: it applies when this process starts the server.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";
    public static final String UNSAFE_NO_FSYNC_ENV = "NIGHTBENCH_DB_UNSAFE_NO_FSYNC";
    public static final String UNSAFE_NO_FSYNC_PROPERTY = "nightbench.db.unsafe-no-fsync";
    /** How long a launch waits for another process starting or stopping the server, and for its own start. */
    static final Duration ATTACH_WAIT = Duration.ofSeconds(120);
    private static final Duration PG_STARTUP_WAIT = Duration.ofSeconds(90);

    private final EmbeddedPostgres owned;
    private final int port;
    private final Path dataDirectory;
    private final Lease lease;
    private boolean closed;

    private EmbeddedDatabase(EmbeddedPostgres owned, int port, Path dataDirectory, Lease lease) {
        this.owned = owned;
        this.port = port;
        this.dataDirectory = dataDirectory;
        this.lease = lease;
    }

    /** True when the unsafe, fast mode is asked for, by environment variable or system property. */
    public static boolean unsafeNoFsyncRequested(Function<String, String> env) {
        String value = env.apply(UNSAFE_NO_FSYNC_ENV);
        if (value == null || value.isBlank()) {
            value = System.getProperty(UNSAFE_NO_FSYNC_PROPERTY);
        }
        return value != null && value.trim().equalsIgnoreCase("true");
    }

    /** Attaches to the durable server on {@code dataDirectory}, or starts one on {@code port}. */
    public static EmbeddedDatabase startOrAttach(Path dataDirectory, int port) {
        return startOrAttach(dataDirectory, port, unsafeNoFsyncRequested(System::getenv));
    }

    /**
     * Attaches to the server running on {@code dataDirectory}, or starts one on {@code port}; either way this
     * process holds a lease on it until {@link #close()}.
     *
     * @param unsafeNoFsync start the server (if this process starts it) with fsync, synchronous commit and full page
     *                      writes off: fast, and a crash of the machine may corrupt the history. Tests only.
     */
    public static EmbeddedDatabase startOrAttach(Path dataDirectory, int port, boolean unsafeNoFsync) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded database directory " + dir, e);
        }
        long deadline = System.nanoTime() + ATTACH_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            EmbeddedDatabase db = attemptStartOrAttach(dir, port, unsafeNoFsync);
            if (db != null) {
                return db;
            }
            sleep(250);
        }
        throw new IllegalStateException("cannot start or attach to the embedded PostgreSQL in " + dir + " on port "
                + port + " within " + ATTACH_WAIT.toSeconds() + " s (is the port taken by another server? set "
                + "NIGHTBENCH_DB_PORT; server log: " + serverLog(dir) + ")");
    }

    /** One look under the start lock: attach, start, or null to wait (another process is starting or stopping it). */
    private static EmbeddedDatabase attemptStartOrAttach(Path dir, int port, boolean unsafeNoFsync) {
        synchronized (EmbeddedDatabase.class) { // one file lock per JVM
            try (FileChannel channel = FileChannel.open(startLock(dir), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = channel.tryLock()) {
                if (lock == null) {
                    return null;
                }
                Optional<PostmasterPid> pid = PostmasterPid.read(dir);
                if (pid.isPresent() && pid.get().alive()) {
                    Lease lease = Lease.tryOpen(dir, pid.get().port());
                    if (lease == null) {
                        return null; // starting or stopping
                    }
                    log.info("Attached to the embedded PostgreSQL already running on port {} ({})", pid.get().port(), dir);
                    return new EmbeddedDatabase(null, pid.get().port(), dir, lease);
                }
                if (pid.isEmpty() && PostmasterPid.exists(dir) && youngerThan(dir.resolve(PostmasterPid.FILE), Duration.ofMinutes(2))) {
                    return null; // being written by a server starting right now
                }
                return start(dir, port, unsafeNoFsync);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + startLock(dir), e);
            }
        }
    }

    private static EmbeddedDatabase start(Path dir, int port, boolean unsafeNoFsync) {
        if (portAnswers(port)) {
            throw new IllegalStateException("port " + port + " is taken by another server, so the embedded PostgreSQL in "
                    + dir + " cannot start there: set NIGHTBENCH_DB_PORT to a free port");
        }
        String durable = unsafeNoFsync ? "off" : "on";
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("fsync", durable) // after zonky's -F on the command line, so it wins
                    .setServerConfig("synchronous_commit", durable)
                    .setServerConfig("full_page_writes", durable)
                    .setPGStartupWait(PG_STARTUP_WAIT)
                    .setRegisterShutdownHook(false) // stopped by the last user, not by this JVM
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog(dir).toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog(dir).toFile()))
                    .start();
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("this process started the embedded PostgreSQL in " + dir
                    + " before and cannot start it again", e);
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).startsWith("could not lock")) {
                return null; // the JVM that started the last server is still exiting
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded PostgreSQL in " + dir + " did not start on port " + port
                    + "; server log: " + serverLog(dir), e);
        }
        Lease lease = Lease.tryOpen(dir, port);
        if (lease == null) {
            throw new IllegalStateException("the embedded PostgreSQL in " + dir + " started but does not answer on port "
                    + port + "; server log: " + serverLog(dir));
        }
        log.info("Started the embedded PostgreSQL on port {} ({}{})", port, dir, unsafeNoFsync ? ", UNSAFE: fsync off" : "");
        return new EmbeddedDatabase(pg, port, dir, lease);
    }

    /**
     * {@code nightbench db stop}: stops the server running on {@code dataDirectory}, unless other Nightbench
     * processes use it and {@code force} is false.
     *
     * @return the Nightbench processes that were using it (cut off if {@code force}), or empty if none
     */
    public static StopResult stop(Path dataDirectory, boolean force) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        Optional<PostmasterPid> pid = PostmasterPid.read(dir);
        if (pid.isEmpty() || !pid.get().alive()) {
            return new StopResult(false, false, List.of());
        }
        List<String> clients = List.of();
        Connection admin = Lease.admin(pid.get().port());
        try {
            if (admin != null) {
                try (Statement s = admin.createStatement()) {
                    s.execute("SELECT pg_advisory_lock(" + Lease.LIFECYCLE_LOCK + ")");
                    clients = Lease.otherClients(s);
                } catch (SQLException e) {
                    log.debug("Listing the users of the embedded PostgreSQL failed: {}", e.getMessage());
                }
            }
            if (!clients.isEmpty() && !force) {
                return new StopResult(true, false, clients);
            }
            return new StopResult(true, PgCtl.stopFast(dir, pid.get(), serverLog(dir)), clients);
        } finally {
            if (admin != null) {
                Lease.closeQuietly(admin);
            }
        }
    }

    /**
     * @param wasRunning a server was running on the directory
     * @param stopped    it was stopped
     * @param clients    the Nightbench sessions that used it ({@code nightbench-client:<pid>})
     */
    public record StopResult(boolean wasRunning, boolean stopped, List<String> clients) {
    }

    private static boolean portAnswers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean youngerThan(Path file, Duration age) {
        try {
            return Files.getLastModifiedTime(file).toMillis() > System.currentTimeMillis() - age.toMillis();
        } catch (IOException e) {
            return false;
        }
    }

    private static Path startLock(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".lock");
    }

    /** The server's own output (start, crash recovery, shutdown), beside the data directory. */
    public static Path serverLog(Path dataDirectory) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        return dir.resolveSibling(dir.getFileName() + ".log");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded PostgreSQL", e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** True when this process started the server (it is stopped by whichever process is the last to use it). */
    public boolean owner() {
        return owned != null;
    }

    /** Ends this process's lease; the last Nightbench process to leave stops the server. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean stopped = lease.releaseOrStopIfLast(this::stopServer);
        if (stopped) {
            log.info("Stopped the embedded PostgreSQL ({}): no other Nightbench process uses it", dataDirectory);
        }
    }

    private void stopServer() {
        if (owned != null) {
            try {
                owned.close(); // zonky's own stop (waits 5 s), which also releases its lock on the data directory
            } catch (IOException e) {
                log.debug("zonky's stop failed: {}", e.getMessage());
            }
        }
        Optional<PostmasterPid> pid = PostmasterPid.read(dataDirectory);
        if (pid.isPresent() && pid.get().alive()) {
            PgCtl.stopFast(dataDirectory, pid.get(), serverLog(dataDirectory));
        }
    }
}
