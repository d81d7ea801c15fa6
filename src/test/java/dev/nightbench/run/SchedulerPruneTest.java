package dev.nightbench.run;

import com.zaxxer.hikari.HikariDataSource;
import dev.nightbench.store.Retention;
import dev.nightbench.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * {@code serve}'s prune schedule ({@code nightbench.serve.prune.*}) on a real PostgreSQL: due every second, it prunes
 * the requests of a run older than the age (keeping its summaries: the default) and leaves a recent run alone.
 */
class SchedulerPruneTest {

    @Test
    void aPruneScheduleDeletesTheRequestsOfOldRunsOnly() throws Exception {
        // given
        String url = TestDatabase.newDatabase();
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(url);
            ds.setUsername("postgres");
            Flyway.configure().dataSource(ds).locations("filesystem:db/migration").placeholderReplacement(false)
                    .load().migrate();
            JdbcClient jdbc = JdbcClient.create(ds);
            long old = run(jdbc, 1, "400 days");
            long recent = run(jdbc, 2, "1 day");
            Retention retention = new Retention(jdbc, new DataSourceTransactionManager(ds), Clock.systemUTC());
            GracefulStop stop = new GracefulStop(mock(JobOperator.class));
            Scheduler scheduler = new Scheduler(new ServeProperties(List.of(),
                    new ServeProperties.Prune("* * * * * *", "180d", null, "UTC")), null, stop, retention);
            Thread serve = Thread.ofPlatform().start(() -> scheduler.serveUntilStopped((plan, launch) -> { }));

            // when: the schedule falls due
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (requests(jdbc, old) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            scheduler.close();
            serve.join(30_000);

            // then
            assertThat(requests(jdbc, old)).isZero();
            assertThat(requests(jdbc, recent)).isEqualTo(3);
            assertThat(jdbc.sql("SELECT count(*) FROM runs WHERE requests_pruned_at IS NOT NULL").query(Long.class)
                    .single()).isOne();
            assertThat(jdbc.sql("SELECT count(*) FROM summaries WHERE run_id = ?").param(old).query(Long.class).single())
                    .isOne();
        }
    }

    private static long run(JdbcClient jdbc, int n, String age) {
        long id = jdbc.sql("""
                        INSERT INTO runs (job_instance_id, plan_name, plan_path, plan_hash, plan_snapshot, run_date,
                                          simulated, host, nightbench_version, status, started_at)
                        VALUES (?, 'p', 'p.yaml', 'h', 'name: p', current_date, true, 'h', 'v', 'COMPLETED',
                                now() - ?::interval) RETURNING run_id""")
                .params(n, age).query(Long.class).single();
        jdbc.sql("""
                INSERT INTO requests (run_id, phase, cell_index, request_index, attempt, is_final, model_alias, prompt_id,
                                      status, started_at, streamed, simulated)
                SELECT ?, 'measure', 0, i, 1, true, 'm', 'p', 'ok', now(), true, true FROM generate_series(0, 2) i""")
                .param(id).update();
        jdbc.sql("""
                INSERT INTO summaries (run_id, model_alias, prompt_id, load_mode, load_level, requests, ok_requests,
                                       success_rate) VALUES (?, 'm', '*', 'serial', 1, 3, 3, 1)""").param(id).update();
        return id;
    }

    private static long requests(JdbcClient jdbc, long run) {
        return jdbc.sql("SELECT count(*) FROM requests WHERE run_id = ?").param(run).query(Long.class).single();
    }
}
