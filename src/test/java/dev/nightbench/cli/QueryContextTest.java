package dev.nightbench.cli;

import dev.nightbench.db.Migrations;
import dev.nightbench.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code runs} and {@code report} answer from the small context when the schema is current, else migrate first. */
class QueryContextTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Cli cli(String url) {
        return new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres")::get);
    }

    @Test
    void runsOnAFreshDatabaseMigratesItFirst() throws Exception {
        String url = TestDatabase.newDatabase();

        assertThat(cli(url).execute(new String[]{"runs"})).isEqualTo(Cli.OK);

        // the full context answered (on System.out, as Commands prints) after Flyway migrated the schema
        assertThat(Migrations.check(dataSource(url)).current()).isTrue();
    }

    @Test
    void runsOnACurrentSchemaListsTheRunsFromTheSmallContext() {
        String url = migrated();
        JdbcClient.create(dataSource(url)).sql("""
                        INSERT INTO runs (job_instance_id, plan_name, plan_path, plan_hash, plan_snapshot, run_date, label,
                            simulated, host, nightbench_version, status, started_at)
                        VALUES (1, 'quick-plan', 'jobs/q.yaml', 'h', 's', ?, 'nightly', true, 'host', 'dev', 'COMPLETED', ?)""")
                .params(LocalDate.of(2026, 11, 22), Timestamp.from(Instant.parse("2026-11-22T02:00:00Z"))).update();

        assertThat(cli(url).execute(new String[]{"runs", "--limit", "5"})).isEqualTo(Cli.OK);

        assertThat(out.toString()).contains("quick-plan").contains("2026-11-22").contains("COMPLETED")
                .contains("nightly [simulated]");
    }

    @Test
    void theSmallContextHasNoSpringBatch() {
        String url = migrated();

        Optional<Integer> jobOperators = QueryContext.run(QueryContext.Runs.class, database(url),
                context -> context.getBeanNamesForType(JobOperator.class).length);

        assertThat(jobOperators).contains(0);
    }

    @Test
    void theSmallContextDeclinesASchemaThatNeedsMigrating() {
        String url = TestDatabase.newDatabase();

        Optional<Integer> answer = QueryContext.run(QueryContext.Runs.class, database(url), context -> Cli.OK);

        assertThat(answer).isEmpty();
    }

    @Test
    void reportOfAnUnknownRunExits2FromTheSmallContext() {
        String url = migrated();

        assertThat(cli(url).execute(new String[]{"report", "999"})).isEqualTo(Cli.BAD_INPUT);

        assertThat(err.toString()).contains("no run with id 999");
    }

    private static String migrated() {
        String url = TestDatabase.newDatabase();
        Flyway.configure().dataSource(url, "postgres", null).locations("filesystem:db/migration")
                .placeholderReplacement(false).load().migrate();
        return url;
    }

    private static Database database(String url) {
        return new Database(url, Map.of("spring.datasource.url", url, "spring.datasource.username", "postgres"), null);
    }

    private static DataSource dataSource(String url) {
        return new SimpleDriverDataSource(new org.postgresql.Driver(), url, "postgres", "");
    }
}
