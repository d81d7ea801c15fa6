package dev.nightbench.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The embedded PostgreSQL Nightbench uses when no database is configured. Its data directory persists
 * between runs (history accumulates night after night), and a second Nightbench process started while
 * one is running ({@code runs} during a {@code run}, say) attaches to the server that is already up
 * instead of failing or starting another: the server is found by its {@code postmaster.pid} in the data
 * directory and its fixed port.
 *
 * <p>Only the process that started the server stops it, when it exits.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private final EmbeddedPostgres owned;
    private final int port;
    private final Path dataDirectory;
    private boolean closed;

    private EmbeddedDatabase(EmbeddedPostgres owned, int port, Path dataDirectory) {
        this.owned = owned;
        this.port = port;
        this.dataDirectory = dataDirectory;
    }

    /** Attaches to the server already running on {@code dataDirectory}, or starts one on {@code port}. */
    public static EmbeddedDatabase startOrAttach(Path dataDirectory, int port) {
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded database directory " + dataDirectory, e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (runningOn(dataDirectory, port)) {
                log.info("Attached to the embedded PostgreSQL already running on port {} ({})", port, dataDirectory);
                return new EmbeddedDatabase(null, port, dataDirectory);
            }
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDirectory)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setRegisterShutdownHook(false) // closed by Nightbench after its jobs stopped
                        .start();
                log.info("Started the embedded PostgreSQL on port {} ({})", port, dataDirectory);
                return new EmbeddedDatabase(pg, port, dataDirectory);
            } catch (IOException | IllegalStateException e) {
                // Another process may be starting it right now: wait for it to come up, then attach.
                last = e instanceof IOException io ? io : new IOException(e);
                sleep(500);
            }
        }
        throw new UncheckedIOException("cannot start or attach to the embedded PostgreSQL in " + dataDirectory
                + " on port " + port + " (is the port taken by another server? set NIGHTBENCH_DB_PORT)", last);
    }

    private static boolean runningOn(Path dataDirectory, int port) {
        if (!Files.exists(dataDirectory.resolve("postmaster.pid"))) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
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

    /** True when this process started the server (and will stop it on close). */
    public boolean owner() {
        return owned != null;
    }

    @Override
    public synchronized void close() {
        if (owned != null && !closed) {
            closed = true;
            try {
                owned.close();
            } catch (IOException e) {
                log.warn("Stopping the embedded PostgreSQL failed: {}", e.getMessage());
            }
        }
    }
}
