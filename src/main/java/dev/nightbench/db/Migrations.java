package dev.nightbench.db;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a database's schema is current: Flyway's schema history against the versioned migrations shipped in
 * the jar ({@code db/migration/V<version>__<name>.sql}), read with plain JDBC. Starting Flyway costs seconds at
 * every launch (its classes, a classpath scan, validating every checksum), so the commands that only read the
 * history ({@code runs}, {@code report}, {@code doctor}) ask this first and leave Flyway to the commands that run
 * jobs, or to a launch that finds something to apply. Checksums are not compared: that stays Flyway's job.
 */
public final class Migrations {

    /** Where Flyway finds the migrations ({@code spring.flyway.locations} in application.yaml). */
    static final String PATTERN = "classpath*:db/migration/V*__*.sql";
    static final String HISTORY_TABLE = "flyway_schema_history";
    private static final Pattern FILE = Pattern.compile("V([0-9._]+)__.*\\.sql");

    private Migrations() {
    }

    /**
     * @param shipped versions in the jar, ascending
     * @param applied versions Flyway applied successfully, ascending
     * @param pending shipped versions not applied yet, ascending
     * @param failed  versions whose last attempt failed (Flyway refuses to go on until repaired)
     */
    public record Status(List<String> shipped, List<String> applied, List<String> pending, List<String> failed) {

        /** True when Flyway would have nothing to apply and nothing to complain about. */
        public boolean current() {
            return pending.isEmpty() && failed.isEmpty();
        }
    }

    /** The versions of the migrations on the classpath, normalised ("5", "5.1"), ascending. */
    public static List<String> shipped() {
        Set<String> versions = new TreeSet<>(BY_VERSION);
        try {
            for (Resource r : new PathMatchingResourcePatternResolver(Migrations.class.getClassLoader())
                    .getResources(PATTERN)) {
                Matcher m = r.getFilename() == null ? null : FILE.matcher(r.getFilename());
                if (m != null && m.matches()) {
                    versions.add(normalise(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the migrations in db/migration", e);
        }
        return List.copyOf(versions);
    }

    /** Compares the database's schema history with {@link #shipped()}. */
    public static Status check(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return check(c, shipped());
        }
    }

    /** As {@link #check(DataSource)}, on an open connection, against the given shipped versions. */
    public static Status check(Connection c, List<String> shipped) throws SQLException {
        Set<String> applied = new TreeSet<>(BY_VERSION);
        Set<String> failed = new TreeSet<>(BY_VERSION);
        try (Statement s = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + HISTORY_TABLE + "') IS NOT NULL")) {
                exists = rs.next() && rs.getBoolean(1);
            }
            if (exists) {
                try (ResultSet rs = s.executeQuery("SELECT version, success FROM " + HISTORY_TABLE
                        + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
                    while (rs.next()) {
                        String v = normalise(rs.getString(1));
                        if (rs.getBoolean(2)) {
                            applied.add(v);
                            failed.remove(v);
                        } else {
                            failed.add(v);
                        }
                    }
                }
            }
        }
        List<String> pending = new ArrayList<>();
        for (String v : shipped) {
            if (!applied.contains(v)) {
                pending.add(v);
            }
        }
        return new Status(shipped, List.copyOf(applied), List.copyOf(pending), List.copyOf(failed));
    }

    /** "005" → "5", "5_1" → "5.1", "5.0" → "5": Flyway treats these as equal. */
    static String normalise(String version) {
        List<String> parts = new ArrayList<>();
        for (String p : version.trim().split("[._]")) {
            parts.add(p.isEmpty() ? "0" : new BigInteger(p).toString());
        }
        while (parts.size() > 1 && parts.getLast().equals("0")) {
            parts.removeLast();
        }
        return String.join(".", parts);
    }

    private static final Comparator<String> BY_VERSION = (a, b) -> {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            BigInteger p = i < x.length ? new BigInteger(x[i]) : BigInteger.ZERO;
            BigInteger q = i < y.length ? new BigInteger(y[i]) : BigInteger.ZERO;
            int c = p.compareTo(q);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };
}
