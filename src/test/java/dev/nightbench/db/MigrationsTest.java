package dev.nightbench.db;

import dev.nightbench.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The schema check that lets read-only commands skip Flyway, against a real PostgreSQL and the real migrations. */
class MigrationsTest {

    @Test
    void everyMigrationInDbMigrationIsFoundOnTheClasspath() throws Exception {
        List<String> files;
        try (Stream<Path> s = Files.list(Path.of("db/migration"))) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.matches("V[0-9._]+__.*\\.sql"))
                    .map(n -> Migrations.normalise(n.substring(1, n.indexOf("__")))).sorted().toList();
        }
        assertThat(Migrations.shipped()).isNotEmpty().containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void versionsAreComparedAsFlywayComparesThem() {
        assertThat(Migrations.normalise("005")).isEqualTo("5");
        assertThat(Migrations.normalise("5_1")).isEqualTo("5.1");
        assertThat(Migrations.normalise("5.0")).isEqualTo("5");
    }

    @Test
    void aFreshDatabaseHasEveryMigrationPending() throws Exception {
        Migrations.Status status = Migrations.check(dataSource(TestDatabase.newDatabase()));

        assertThat(status.current()).isFalse();
        assertThat(status.pending()).isEqualTo(Migrations.shipped());
        assertThat(status.applied()).isEmpty();
    }

    @Test
    void aMigratedDatabaseIsCurrent() throws Exception {
        String url = TestDatabase.newDatabase();
        migrate(url);

        Migrations.Status status = Migrations.check(dataSource(url));

        assertThat(status.current()).isTrue();
        assertThat(status.applied()).containsAll(status.shipped());
    }

    @Test
    void aFailedOrMissingMigrationIsNotCurrent() throws Exception {
        String url = TestDatabase.newDatabase();
        migrate(url);
        DataSource ds = dataSource(url);
        String last = Migrations.shipped().getLast();
        try (var c = ds.getConnection(); var s = c.createStatement()) {
            s.execute("UPDATE flyway_schema_history SET success = false WHERE version = '" + last + "'");
        }

        Migrations.Status status = Migrations.check(ds);

        assertThat(status.current()).isFalse();
        assertThat(status.failed()).containsExactly(last);
        assertThat(status.pending()).containsExactly(last);
    }

    static void migrate(String url) {
        Flyway.configure().dataSource(url, "postgres", null).locations("filesystem:db/migration")
                .placeholderReplacement(false).load().migrate();
    }

    private static DataSource dataSource(String url) {
        return new SimpleDriverDataSource(new org.postgresql.Driver(), url, "postgres", "");
    }
}
