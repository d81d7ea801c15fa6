package dev.nightbench.run;

import dev.nightbench.support.JobTestSupport;
import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults from a misbehaving server, through the whole job on a real PostgreSQL: every attempt is a row with
 * its class; transient faults are retried by the job (the SDK's own retries are off); a model that keeps
 * failing is skipped while the others finish; a storage fault never makes Spring Batch re-send a request.
 */
class FaultsJobTest extends JobTestSupport {

    SimulatedServer server;

    static Script ok() {
        return Script.stream().role().content("Paris").delay(5).content(" is the capital.").finish("stop")
                .usage(7, 2).done();
    }

    @BeforeEach
    void startServer() {
        server = new SimulatedServer()
                .script("burst", i -> i % 3 == 0 ? Script.status(503).body("{\"error\":{\"message\":\"overloaded\"}}") : ok())
                .script("limited", i -> i % 2 == 0 ? Script.status(429).retryAfter(1) : ok())
                .script("garbage", Script.raw("<html>definitely not json</html>"))
                .script("cut", Script.stream().role().content("Par").end())
                .script("silent", Script.hang())
                .script("steady", ok())
                .start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    Path plan(Path dir, String name, List<String> models, int rounds) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                name: %s
                endpoints: [{name: faulty, base_url: "%s"}]
                models:
                """.formatted(name, server.baseUrl()));
        models.forEach(m -> yaml.append("  - {alias: ").append(m).append("}\n"));
        yaml.append("""
                prompts: [{id: capital, text: "What is the capital of France?"}]
                run: {warmup: 0, rounds: %d, fail_after: 2, timeouts: {connect: 2s, first_token: 700ms, idle: 700ms, total: 5s}}
                """.formatted(rounds));
        return Files.writeString(dir.resolve(name + ".yaml"), yaml);
    }

    @Test
    void everyFaultIsClassifiedRetriedOrSkippedAndTheRunCompletes(@TempDir Path dir) throws Exception {
        JobExecution execution = launch(plan(dir, "faults",
                List.of("burst", "limited", "garbage", "cut", "silent", "steady"), 3));

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        // 5xx bursts: retried, every request ends ok, the failed attempts stay visible
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND model_alias = 'burst' AND status = 'ok'", runId))
                .isEqualTo(3);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND model_alias = 'burst' AND NOT is_final "
                + "AND error_type = 'http_5xx' AND http_status = 503 AND error_message LIKE '%overloaded%'", runId)).isEqualTo(2);
        // 429: Retry-After honoured before the next attempt
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND model_alias = 'limited' AND error_type = 'http_429' "
                + "AND retry_after_ms = 1000", runId)).isEqualTo(3); // every first attempt is refused once
        List<Timestamp> limited = jdbc.sql("SELECT started_at FROM requests WHERE run_id = ? AND model_alias = 'limited' "
                + "ORDER BY request_index, attempt").param(runId).query(Timestamp.class).list();
        assertThat(Duration.between(limited.get(0).toInstant(), limited.get(1).toInstant())).isGreaterThanOrEqualTo(Duration.ofMillis(990));
        // garbage bodies, truncated streams and hangs: classified, and after 2 failed requests the model is skipped
        for (String[] m : new String[][]{{"garbage", "invalid_response"}, {"cut", "truncated_stream"}, {"silent", "timeout_first_token"}}) {
            assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND model_alias = ? AND error_type = ?",
                    runId, m[0], m[1])).as(m[0]).isEqualTo(2);
            assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND model_alias = ? AND status = 'skipped'",
                    runId, m[0])).as(m[0]).isEqualTo(1);
            assertThat(jdbc.sql("SELECT failure_reason FROM run_models WHERE run_id = ? AND model_alias = ? AND availability = 'failed'")
                    .params(runId, m[0]).query(String.class).single()).as(m[0]).contains("2 consecutive failed requests");
        }
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND model_alias = 'steady' AND status = 'ok'", runId))
                .isEqualTo(3);
        assertThat(count("SELECT failed_models FROM runs WHERE run_id = ?", runId)).isEqualTo(3);
        // a skipped request is never sent: the server saw exactly the attempts stored
        assertThat((long) server.requestCount("garbage")).isEqualTo(
                count("SELECT count(*) FROM requests WHERE run_id = ? AND model_alias = 'garbage' AND status <> 'skipped'", runId));
        // the success rate counts failures in its denominator
        assertThat(jdbc.sql("SELECT success_rate FROM summaries WHERE run_id = ? AND model_alias = 'cut' AND prompt_id = '*'")
                .param(runId).query(Double.class).single()).isZero();
    }

    @Test
    void withFailOnModelFailureAFailedModelFailsTheRunAndSaysWhich(@TempDir Path dir) throws Exception {
        JobExecution execution = launch(plan(dir, "strict", List.of("steady", "garbage"), 2), true);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        long runId = runId(execution);
        assertThat(jdbc.sql("SELECT status || ': ' || exit_message FROM runs WHERE run_id = ?").param(runId)
                .query(String.class).single()).startsWith("FAILED").contains("garbage (failed: 2 consecutive failed requests");
        // the measurements are all there: only the verdict changed
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND model_alias = 'steady' AND status = 'ok'", runId))
                .isEqualTo(2);
    }

    @Test
    void aStorageFaultFailsTheRunWithoutResendingAndRestartFinishesEachPairOnce(@TempDir Path dir) throws Exception {
        // a real database fault: the insert of cell 2 fails the first time (a sequence survives the rollback)
        jdbc.sql("""
                CREATE SEQUENCE fault_once;
                CREATE FUNCTION fail_cell_two() RETURNS trigger AS $$
                BEGIN
                  IF NEW.cell_index = 2 THEN
                    IF nextval('fault_once') = 1 THEN
                      RAISE EXCEPTION 'injected storage fault';
                    END IF;
                  END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql;
                CREATE TRIGGER fail_cell_two BEFORE INSERT ON requests FOR EACH ROW EXECUTE FUNCTION fail_cell_two();
                """).update();
        try {
            Path plan = Files.writeString(dir.resolve("storage.yaml"), """
                    name: storage
                    endpoints: [{name: e, base_url: "%s"}]
                    models: [{alias: steady}]
                    prompts: [{id: a, text: "A"}, {id: b, text: "B"}, {id: c, text: "C"}, {id: d, text: "D"}]
                    run: {warmup: 0, rounds: 2}
                    """.formatted(server.baseUrl()));

            JobExecution first = launch(plan);

            assertThat(first.getStatus()).isEqualTo(BatchStatus.FAILED);
            long runId = runId(first);
            // the fault rolled cell 2 back, nothing after it ran, and nothing was sent twice
            assertThat(count("SELECT count(*) FROM requests WHERE run_id = ?", runId)).isEqualTo(4);
            assertThat(server.requestCount("steady")).isEqualTo(6);
            assertThat(jdbc.sql("SELECT exit_message FROM runs WHERE run_id = ?").param(runId).query(String.class).single())
                    .contains("injected storage fault");

            JobExecution second = jobOperator.restart(first);

            assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND status = 'ok'", runId)).isEqualTo(8);
            assertThat(count("SELECT count(DISTINCT (cell_index, request_index)) FROM requests WHERE run_id = ?", runId)).isEqualTo(8);
            // cells 0 and 1 were not sent again; cell 2 (rolled back) once more; cell 3 once
            assertThat(server.requestCount("steady")).isEqualTo(10);
        } finally {
            jdbc.sql("DROP TRIGGER fail_cell_two ON requests; DROP FUNCTION fail_cell_two(); DROP SEQUENCE fault_once").update();
        }
    }
}
