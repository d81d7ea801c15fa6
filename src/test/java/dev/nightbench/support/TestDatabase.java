package dev.nightbench.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: one embedded server per test JVM (started from Maven artifacts, no Docker),
 * and a fresh database per caller so tests never see each other's rows.
 */
public final class TestDatabase {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestDatabase() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
            }
        }
        return server;
    }

    /** Creates an empty database and returns its JDBC URL (user postgres, no password). */
    public static String newDatabase() {
        String name = "nb_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return server().getJdbcUrl("postgres", name);
    }

    public static int port() {
        return server().getPort();
    }

    /**
     * Stops the server and deletes its data directory (every test database in it). Called once all tests have
     * run ({@link StopTestDatabaseAfterAllTests}), not left to zonky's JVM shutdown hook: with a few dozen test
     * databases that hook outlasted Surefire's 30 s exit timeout ("The exit has elapsed 30 seconds after
     * System.exit(0)") and the fork was killed.
     *
     * @return whether it was running
     */
    static synchronized boolean stop() throws IOException {
        if (server == null) {
            return false;
        }
        server.close();
        server = null;
        return true;
    }
}
