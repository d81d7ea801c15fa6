package dev.nightbench.provider;

import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.nightbench.provider.OllamaServer.GAP_MS;
import static dev.nightbench.provider.OllamaServer.PREFILL_MS;
import static dev.nightbench.provider.OllamaServer.PROMPT_TOKENS;
import static dev.nightbench.provider.OllamaServer.TOKENS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole job, in a child JVM on a real PostgreSQL, against one loopback Ollama ({@link OllamaServer}) through an
 * endpoint type: the same plan, the same schedule and the same assertions for every type, a built-in one or a model
 * provider's loaded from its own jar. What a provider must get right is what METRICS.md defines (TTFT is the prefill,
 * TPOT the gap between tokens, the usage the server's own counts), the failure classes the job acts on (a transient
 * 503 retried, a model that keeps failing skipped by its breaker), the endpoint type stored, the report written, and a
 * run killed mid-measure finished by {@code restart} with every request once.
 */
abstract class ProviderJobContract {

    private static final long WAIT_MINUTES = 4;

    /** The endpoint's type as stored in {@code run_models.endpoint_type}. */
    abstract String type();

    /** The plan's endpoint, one YAML flow mapping named {@code ollama}, pointed at {@code server}. */
    abstract String endpointYaml(OllamaServer server);

    /** Jars the child JVM needs beside Nightbench's class path. */
    abstract List<Path> jars();

    /** What each chat request the server received must say (model parameters in the provider's protocol). */
    abstract void checkRequest(JsonNode body);

    /** The models' load times ({@code run_models.load_ms}) and the load requests the server saw. */
    abstract void checkLoads(List<Double> loadMs, int loadRequests);

    private String plan(OllamaServer server, String name, List<String> models, int prompts, int warmup) {
        StringBuilder yaml = new StringBuilder("name: " + name + "\nendpoints:\n  - " + endpointYaml(server)
                + "\nmodels:\n");
        models.forEach(m -> yaml.append("  - {alias: ").append(m).append("}\n"));
        yaml.append("prompts:\n");
        for (int i = 0; i < prompts; i++) {
            yaml.append("  - {id: p").append(i).append(", text: \"Question ").append(i).append("?\"}\n");
        }
        return yaml.append("""
                run: {warmup: %d, rounds: 2, max_tokens: 64, temperature: 0, seed: 42, fail_after: 2,
                      timeouts: {connect: 2s, first_token: 10m, idle: 10m, total: 10m}}
                retry: {default: {attempts: 2, backoff: 0s}}
                """.formatted(warmup)).toString();
    }

    @Test
    void aRunStoresTheServersScheduleRetriesATransientFailureSkipsABrokenModelAndWritesItsReport(@TempDir Path dir)
            throws Exception {
        try (OllamaServer server = new OllamaServer()) {
            String url = TestDatabase.newDatabase();
            Files.writeString(dir.resolve("plan.yaml"), plan(server, "provider-" + type(), OllamaServer.MODELS, 2, 1));
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path log = dir.resolve("run.log");

            Process run = ChildJvm.start(jars(), dir, log, env(url), "run", "--plan", "plan.yaml");
            assertThat(run.waitFor(WAIT_MINUTES, TimeUnit.MINUTES)).as("run ended; log:%n%s", ChildJvm.readLog(log)).isTrue();
            String out = ChildJvm.readLog(log);
            // completed, with the broken model named: exit 4 (README: the run completed but a model failed)
            assertThat(run.exitValue()).as(out).isEqualTo(4);
            assertThat(out).contains("MODEL broken FAILED");
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
            assertThat(jdbc.sql("SELECT DISTINCT endpoint_type FROM run_models").query(String.class).list())
                    .containsExactly(type());

            // every answered request carries the server's schedule, as METRICS.md defines the figures
            List<Map<String, Object>> ok = jdbc.sql("SELECT * FROM requests WHERE status = 'ok'").query().listOfRows();
            assertThat(ok).hasSize(2 + 4 + 4); // warm-up of steady and flaky, 4 measured each
            for (Map<String, Object> row : ok) {
                assertThat(num(row, "ttft_ms")).as("ttft %s", row).isBetween(PREFILL_MS - 1, PREFILL_MS + 120);
                // the server keeps its schedule from the request's arrival, so a first token it sent late (a busy
                // machine) shortens the gaps after it: per row TPOT is METRICS.md's formula, its median the gap (below)
                assertThat(num(row, "tpot_ms")).as("tpot %s", row).isCloseTo(
                        (num(row, "e2e_ms") - num(row, "ttft_ms")) / (TOKENS.length - 1), within(1e-6))
                        .isBetween(GAP_MS - 24, GAP_MS + 24);
                assertThat(num(row, "e2e_ms")).as("e2e %s", row).isBetween(PREFILL_MS + 5 * GAP_MS - 1,
                        PREFILL_MS + 5 * GAP_MS + 120);
                assertThat(row.get("output_tokens")).isEqualTo(TOKENS.length);
                assertThat(row.get("tokens_source")).isEqualTo("usage");
                assertThat(row.get("prompt_tokens")).isEqualTo(PROMPT_TOKENS);
                assertThat(row.get("chunk_count")).isEqualTo(TOKENS.length);
                assertThat(row.get("finish_reason")).isEqualTo("stop");
                assertThat(row.get("streamed")).isEqualTo(true);
                assertThat((String) row.get("response_prefix")).startsWith("The answer is forty-two.");
            }
            // the aggregates of the two answering models
            for (String model : List.of("steady", "flaky")) {
                Map<String, Object> s = jdbc.sql("SELECT * FROM summaries WHERE model_alias = ? AND prompt_id = '*'")
                        .param(model).query().singleRow();
                System.out.printf("%s %s: ttft p50 %.1f ms, tpot p50 %.2f ms, e2e p50 %.1f ms (schedule %.0f / %.0f / %.0f)%n",
                        type(), model, num(s, "ttft_ms_p50"), num(s, "tpot_ms_p50"), num(s, "e2e_ms_p50"), PREFILL_MS,
                        GAP_MS, PREFILL_MS + 5 * GAP_MS);
                assertThat(s.get("requests")).as(model).isEqualTo(4);
                assertThat(s.get("ok_requests")).as(model).isEqualTo(4);
                assertThat(num(s, "ttft_ms_p50")).as(model).isBetween(PREFILL_MS - 1, PREFILL_MS + 90);
                assertThat(num(s, "tpot_ms_p50")).as(model).isCloseTo(GAP_MS, within(10.0));
                assertThat(((Number) s.get("output_tokens")).longValue()).as(model).isEqualTo(4L * TOKENS.length);
                assertThat(((Number) s.get("prompt_tokens")).longValue()).as(model).isEqualTo(4L * PROMPT_TOKENS);
            }
            // the transient 503: attempt 1 stored with its class, attempt 2 answered and final
            assertThat(jdbc.sql("SELECT attempt || ' ' || status || ' ' || coalesce(error_type, '-') || ' '"
                    + " || coalesce(http_status::text, '-') || ' ' || is_final FROM requests WHERE model_alias = 'flaky'"
                    + " AND phase = 'measure' AND request_index = 0 AND cell_index = (SELECT min(cell_index) FROM requests"
                    + " WHERE model_alias = 'flaky' AND phase = 'measure') ORDER BY attempt").query(String.class).list())
                    .containsExactly("1 http_error http_5xx 503 false", "2 ok - - true");
            assertThat(jdbc.sql("SELECT error_message FROM requests WHERE model_alias = 'flaky' AND status <> 'ok'")
                    .query(String.class).single()).contains("HTTP 503").contains("server busy");
            // the broken model: every attempt a 503, then its breaker skips the rest and the model is failed
            assertThat(jdbc.sql("SELECT DISTINCT status || ' ' || coalesce(error_type, '-') FROM requests"
                    + " WHERE model_alias = 'broken'").query(String.class).set())
                    .containsExactlyInAnyOrder("http_error http_5xx", "skipped skipped");
            assertThat(jdbc.sql("SELECT availability || ': ' || failure_reason FROM run_models WHERE model_alias = 'broken'")
                    .query(String.class).single()).startsWith("failed: ").contains("consecutive failed requests");
            assertThat((long) server.requestCount("broken")).isEqualTo(jdbc.sql("SELECT count(*) FROM requests WHERE "
                    + "model_alias = 'broken' AND status <> 'skipped'").query(Long.class).single());
            assertThat(server.requestCount("steady")).isEqualTo(5);
            assertThat(server.requestCount("flaky")).isEqualTo(6);
            server.chatBodies().forEach(this::checkRequest);
            List<Double> loadMs = jdbc.sql("SELECT load_ms FROM run_models ORDER BY ordinal").query(Double.class).list();
            System.out.printf("%s load_ms %s (server: %d ms per load)%n", type(), loadMs, OllamaServer.LOAD_MS);
            checkLoads(loadMs, server.loadCount());

            // the report
            Path reports = dir.resolve("reports");
            assertThat(reports.resolve("latest.md")).exists();
            try (Stream<Path> runDirs = Files.list(reports)) {
                Path runDir = runDirs.filter(Files::isDirectory).findFirst().orElseThrow();
                assertThat(runDir.resolve("report.md")).content().contains("steady").contains("broken");
                assertThat(runDir.resolve("summary.csv")).exists();
                assertThat(runDir.resolve("requests.csv")).exists();
            }
        }
    }

    @Test
    void aRunKilledMidMeasureIsFinishedByRestartWithEveryRequestOnce(@TempDir Path dir) throws Exception {
        try (OllamaServer server = new OllamaServer().holdFrom(2)) {
            String url = TestDatabase.newDatabase();
            Files.writeString(dir.resolve("crash.yaml"), plan(server, "crash-" + type(), List.of("steady"), 3, 0));
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
            Path log = dir.resolve("crash.log");

            Process first = ChildJvm.start(jars(), dir, log, env(url), "run", "--plan", "crash.yaml");
            // cell 0 (two rounds) committed, cell 1's first request held by the server: kill -9
            ChildJvm.killWhen(first, log, () -> ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests") >= 2
                    && server.requestCount("steady") >= 3);
            server.release();
            assertThat(ChildJvm.countOrZero(jdbc, "SELECT count(*) FROM requests")).isEqualTo(2);

            Process restart = ChildJvm.start(jars(), dir, log, env(url), "restart");
            assertThat(restart.waitFor(WAIT_MINUTES, TimeUnit.MINUTES)).isTrue();
            assertThat(restart.exitValue()).as("restart; log:%n%s", ChildJvm.readLog(log)).isZero();
            assertThat(jdbc.sql("SELECT status FROM runs").query(String.class).single()).isEqualTo("COMPLETED");
            assertThat(jdbc.sql("SELECT count(*) FROM requests").query(Long.class).single()).isEqualTo(6);
            assertThat(jdbc.sql("SELECT count(DISTINCT (prompt_id, round)) FROM measured_requests WHERE status = 'ok'"
                    + " AND output_tokens = 6 AND tokens_source = 'usage'").query(Long.class).single()).isEqualTo(6);
            assertThat(jdbc.sql("SELECT count(*) FROM answers").query(Long.class).single()).isEqualTo(6);
            assertThat(server.requestCount("steady")).isEqualTo(7); // 6 + the one in flight when killed, never stored
            assertThat(jdbc.sql("SELECT requests FROM summaries WHERE prompt_id = '*'").query(Integer.class).single())
                    .isEqualTo(6);
            assertThat(jdbc.sql("SELECT endpoint_type FROM run_models").query(String.class).single()).isEqualTo(type());
        }
    }

    static Map<String, String> env(String url) {
        return Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres");
    }

    private static double num(Map<String, Object> row, String column) {
        assertThat(row.get(column)).as("%s of %s", column, row).isNotNull();
        return ((Number) row.get(column)).doubleValue();
    }
}
