package dev.nightbench.run;

import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells a live run from a dead one. A process running a job holds a PostgreSQL session-level advisory lock
 * on the job instance for the whole execution; the server drops it the moment that process's connection
 * dies (kill -9, power loss). So an execution left STARTED whose lock can be taken is stale and may be
 * recovered; one whose lock is held is running somewhere and must be left alone. A worker process running a
 * partition of the job ({@link PartitionWorker}) holds a second, shared lock of the instance
 * ({@link #holdPartition}): a run whose manager died while a worker still runs one of its partitions is running too,
 * so a {@code restart} waits for that worker instead of sending the partition to another one at the same time.
 */
@Component
public class RunLocks {

    private final DataSource dataSource;
    private final Map<Long, Connection> held = new ConcurrentHashMap<>();

    RunLocks(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Takes the lock of a job instance for this process; false when another session holds it. */
    public boolean acquire(long jobInstanceId) {
        try {
            Connection c = dataSource.getConnection();
            boolean ok = tryLock(c, jobInstanceId);
            if (ok) {
                held.put(jobInstanceId, c);
            } else {
                c.close();
            }
            return ok;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the run lock: " + e.getMessage(), e);
        }
    }

    public void release(long jobInstanceId) {
        Optional.ofNullable(held.remove(jobInstanceId)).ifPresent(c -> {
            try (c) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    ps.setLong(1, key(jobInstanceId));
                    ps.execute();
                }
            } catch (SQLException ignored) {
                // closing the session releases it anyway
            }
        });
    }

    /** True when some live process holds the job instance's lock (this process included). */
    public boolean heldElsewhere(long jobInstanceId) {
        if (held.containsKey(jobInstanceId)) {
            return true;
        }
        return !free(key(jobInstanceId));
    }

    /** True when a live worker process runs a partition of the job instance ({@link #holdPartition}). */
    public boolean partitionsAtWork(long jobInstanceId) {
        return !free(partitionKey(jobInstanceId));
    }

    private boolean free(long key) {
        try (Connection c = dataSource.getConnection()) {
            return free(c, key);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check the run lock: " + e.getMessage(), e);
        }
    }

    /**
     * Holds the job instance's shared partition lock on a connection of its own until closed (or until this
     * process dies): a worker process holds it while it runs a partition. Shared: any number of workers may.
     */
    public Held holdPartition(long jobInstanceId) {
        long key = partitionKey(jobInstanceId);
        try {
            Connection c = dataSource.getConnection();
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock_shared(?)")) {
                ps.setLong(1, key);
                ps.execute();
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return () -> {
                try (c; PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock_shared(?)")) {
                    ps.setLong(1, key);
                    ps.execute();
                } catch (SQLException ignored) {
                    // closing the session releases it anyway
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the partition lock: " + e.getMessage(), e);
        }
    }

    /** A lock held until closed. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Whether no other session holds the lock {@code key} (in any mode): takes it exclusively and gives it back. */
    private static boolean free(Connection c, long key) throws SQLException {
        boolean free = tryLockKey(c, key);
        if (free) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                ps.setLong(1, key);
                ps.execute();
            }
        }
        return free;
    }

    private static boolean tryLock(Connection c, long jobInstanceId) throws SQLException {
        return tryLockKey(c, key(jobInstanceId));
    }

    private static boolean tryLockKey(Connection c, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Keeps Nightbench's locks apart from other users of advisory locks on the same database. */
    private static long key(long jobInstanceId) {
        return 0x4E42_0000_0000_0000L | jobInstanceId;
    }

    private static long partitionKey(long jobInstanceId) {
        return 0x4E50_0000_0000_0000L | jobInstanceId;
    }
}
