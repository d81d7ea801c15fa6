package dev.nightbench.cli;

import dev.nightbench.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The full context starts Flyway only when the database's schema lacks a migration of the jar. */
class FlywayWhenNeededTest {

    @Test
    void aMigratedDatabaseStartsWithoutFlyway() {
        String url = TestDatabase.newDatabase();
        Flyway.configure().dataSource(url, "postgres", null).locations("filesystem:db/migration")
                .placeholderReplacement(false).load().migrate();

        assertThat(FlywayWhenNeeded.properties(database(url))).containsEntry("spring.flyway.enabled", "false")
                .containsEntry("spring.datasource.url", url);
    }

    @Test
    void aFreshDatabaseKeepsFlyway() {
        assertThat(FlywayWhenNeeded.properties(database(TestDatabase.newDatabase())))
                .doesNotContainKey("spring.flyway.enabled");
    }

    @Test
    void anUnreachableDatabaseLeavesTheDecisionToFlyway() {
        assertThat(FlywayWhenNeeded.properties(database("jdbc:postgresql://127.0.0.1:1/none")))
                .doesNotContainKey("spring.flyway.enabled");
    }

    @Test
    void aDatabaseConfiguredThroughSpringKeepsFlyway() {
        assertThat(FlywayWhenNeeded.properties(new Database("jdbc:postgresql://elsewhere/db", Map.of(), null)))
                .doesNotContainKey("spring.flyway.enabled");
    }

    private static Database database(String url) {
        return new Database(url, Map.of("spring.datasource.url", url, "spring.datasource.username", "postgres"), null);
    }
}
