package dev.nightbench.cli;

import dev.nightbench.db.EmbeddedDatabase;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the history lives: {@code NIGHTBENCH_DB_URL} (with {@code NIGHTBENCH_DB_USER} and
 * {@code NIGHTBENCH_DB_PASSWORD}), or Spring's own {@code SPRING_DATASOURCE_*}, or else the embedded
 * PostgreSQL whose data directory persists under the user's home.
 *
 * @param url      the JDBC URL in use
 * @param embedded the embedded server, or null for an external database
 */
record Database(String url, Map<String, Object> springProperties, EmbeddedDatabase embedded) implements AutoCloseable {

    static final int DEFAULT_PORT = 54329;

    static Database resolve(Function<String, String> env) {
        String url = env.apply("NIGHTBENCH_DB_URL");
        if (url != null && !url.isBlank()) {
            Map<String, Object> props = new HashMap<>();
            props.put("spring.datasource.url", url);
            putIfSet(props, "spring.datasource.username", env.apply("NIGHTBENCH_DB_USER"));
            putIfSet(props, "spring.datasource.password", env.apply("NIGHTBENCH_DB_PASSWORD"));
            return new Database(url, props, null);
        }
        String springUrl = env.apply("SPRING_DATASOURCE_URL");
        if (springUrl != null && !springUrl.isBlank()) {
            return new Database(springUrl, Map.of(), null);
        }
        Path dataDir = embeddedDataDirectory(env);
        String portText = env.apply("NIGHTBENCH_DB_PORT");
        int port;
        try {
            port = portText == null || portText.isBlank() ? DEFAULT_PORT : Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("NIGHTBENCH_DB_PORT must be a port number, not '" + portText + "'", Cli.USAGE);
        }
        EmbeddedDatabase db = EmbeddedDatabase.startOrAttach(dataDir, port, EmbeddedDatabase.unsafeNoFsyncRequested(env));
        return new Database(db.jdbcUrl(), Map.of("spring.datasource.url", db.jdbcUrl(),
                "spring.datasource.username", EmbeddedDatabase.USER), db);
    }

    /** True when an external database is configured (the embedded one is not used). */
    static boolean externalConfigured(Function<String, String> env) {
        return !isBlank(env.apply("NIGHTBENCH_DB_URL")) || !isBlank(env.apply("SPRING_DATASOURCE_URL"));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /** {@code NIGHTBENCH_DB_DIR}, or {@code ~/.nightbench/pgdata}. */
    static Path embeddedDataDirectory(Function<String, String> env) {
        String dir = env.apply("NIGHTBENCH_DB_DIR");
        return dir != null && !dir.isBlank() ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".nightbench", "pgdata");
    }

    private static void putIfSet(Map<String, Object> props, String key, String value) {
        if (value != null && !value.isBlank()) {
            props.put(key, value);
        }
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
