package dev.nightbench.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * One Nightbench process's claim on the shared embedded server, held through PostgreSQL itself: a session whose
 * {@code application_name} is {@code nightbench-client:<pid>}, open for the life of the process. The server drops
 * it when the process dies, however it dies (kill -9 included), so {@code pg_stat_activity} always lists exactly the
 * Nightbench processes still using the server.
 *
 * <p>Attaching and stopping are serialised by one advisory lock: a process that may stop the server takes it
 * exclusively, counts the other leases and, if there are none, stops the server while still holding it; a process
 * attaching opens its session first (it is counted from then on) and then waits on the same lock shared. So either
 * the stopper sees the newcomer and leaves the server up, or the newcomer's wait ends with its session cut by the
 * shutdown and it starts the server again.
 */
final class Lease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Lease.class);
    static final String CLIENT_PREFIX = "nightbench-client";
    static final String ADMIN_NAME = "nightbench-admin";
    /** The advisory lock key serialising attach against stop ("NBDB"). */
    static final long LIFECYCLE_LOCK = 0x4e424442L;

    private final Connection connection;

    private Lease(Connection connection) {
        this.connection = connection;
    }

    /**
     * Opens a lease on the server listening on {@code port}, or null when none answers there (starting, stopping,
     * or gone). Throws when the server that answers serves another data directory.
     */
    static Lease tryOpen(Path dataDirectory, int port) {
        Connection c = tryConnect(port, CLIENT_PREFIX + ":" + ProcessHandle.current().pid());
        if (c == null) {
            return null;
        }
        try (Statement s = c.createStatement()) {
            checkDataDirectory(s, dataDirectory, port);
            s.execute("SELECT pg_advisory_lock_shared(" + LIFECYCLE_LOCK + ")"); // waits out a stop in progress
            s.execute("SELECT pg_advisory_unlock_shared(" + LIFECYCLE_LOCK + ")");
            return new Lease(c);
        } catch (SQLException e) {
            log.debug("The embedded PostgreSQL went away while attaching: {}", e.getMessage());
            closeQuietly(c);
            return null;
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** A session that does not count as a user, for {@code nightbench db stop}; null when nothing answers. */
    static Connection admin(int port) {
        return tryConnect(port, ADMIN_NAME);
    }

    private static Connection tryConnect(int port, String applicationName) {
        Properties p = new Properties();
        p.setProperty("user", EmbeddedDatabase.USER);
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "0");
        try {
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + EmbeddedDatabase.DATABASE, p);
        } catch (SQLException e) {
            return null;
        }
    }

    private static void checkDataDirectory(Statement s, Path dataDirectory, int port) throws SQLException {
        String served;
        try (ResultSet rs = s.executeQuery("SHOW data_directory")) {
            rs.next();
            served = rs.getString(1);
        }
        boolean same;
        try {
            same = Files.isSameFile(Path.of(served), dataDirectory);
        } catch (IOException e) {
            same = false;
        }
        if (!same) {
            throw new IllegalStateException("port " + port + " is taken by another PostgreSQL (data directory " + served
                    + "), not the embedded one in " + dataDirectory + ": set NIGHTBENCH_DB_PORT to a free port");
        }
    }

    /**
     * Ends this lease; when no other Nightbench process holds one, stops the server with {@code stop}, under the
     * exclusive lifecycle lock so that no process can attach meanwhile.
     *
     * @return true when this was the last user and {@code stop} ran
     */
    boolean releaseOrStopIfLast(Runnable stop) {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + LIFECYCLE_LOCK + ")");
            List<String> others = otherClients(s);
            if (others.isEmpty()) {
                stop.run();
                return true;
            }
            log.info("The embedded PostgreSQL stays up for {} other Nightbench process(es)", others.size());
            return false;
        } catch (SQLException e) {
            log.debug("The embedded PostgreSQL is already gone: {}", e.getMessage());
            return false;
        } finally {
            closeQuietly(connection);
        }
    }

    /** The {@code application_name}s of the Nightbench processes using the server, other than the caller's. */
    static List<String> otherClients(Statement s) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT application_name FROM pg_stat_activity WHERE application_name LIKE '"
                + CLIENT_PREFIX + "%' AND pid <> pg_backend_pid() ORDER BY backend_start")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the server is gone: nothing left to release
        }
    }
}
