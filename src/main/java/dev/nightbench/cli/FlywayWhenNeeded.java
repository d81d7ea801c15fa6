package dev.nightbench.cli;

import dev.nightbench.db.Migrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts Flyway only when it has something to do. Every launch of the full context used to run Flyway, whose
 * classes, classpath scan and checksum validation cost about a second of CPU before a run could start, only to find
 * the schema current. When the database's URL is known here (the embedded server, or {@code NIGHTBENCH_DB_URL}) and
 * its schema history already holds every migration in the jar ({@link Migrations}), the context starts with
 * {@code spring.flyway.enabled=false}; otherwise (a new migration, a fresh database, {@code SPRING_DATASOURCE_*}
 * configured through Spring, or any doubt) Flyway runs as before.
 */
final class FlywayWhenNeeded {

    private static final Logger log = LoggerFactory.getLogger(FlywayWhenNeeded.class);

    private FlywayWhenNeeded() {
    }

    /** The Spring properties for {@code db}, with Flyway switched off when the schema is known to be current. */
    static Map<String, Object> properties(Database db) {
        Map<String, Object> props = new HashMap<>(db.springProperties());
        Object url = props.get("spring.datasource.url");
        if (url == null) {
            return props;
        }
        Object user = props.get("spring.datasource.username");
        Object password = props.get("spring.datasource.password");
        try (Connection c = DriverManager.getConnection(url.toString(), user == null ? null : user.toString(),
                password == null ? null : password.toString())) {
            if (Migrations.check(c, Migrations.shipped()).current()) {
                props.put("spring.flyway.enabled", "false");
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("Schema check skipped, Flyway decides: {}", e.toString());
        }
        return props;
    }
}
