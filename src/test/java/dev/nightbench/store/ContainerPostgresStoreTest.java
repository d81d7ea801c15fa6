package dev.nightbench.store;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The same store contract on a PostgreSQL container, as users of docker-compose.yml run it. Skipped cleanly
 * where no Docker engine is available; {@link EmbeddedPostgresStoreTest} covers the same behaviour then.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPostgresStoreTest extends StoreContract {

    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:17");

    @Override
    String jdbcUrl() {
        return POSTGRES.getJdbcUrl();
    }

    @Override
    String user() {
        return POSTGRES.getUsername();
    }

    @Override
    String password() {
        return POSTGRES.getPassword();
    }
}
