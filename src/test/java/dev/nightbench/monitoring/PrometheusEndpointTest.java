package dev.nightbench.monitoring;

import dev.nightbench.NightbenchApplication;
import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.SimTimeScale;
import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code /actuator/prometheus} and {@code /actuator/health} of a web context like {@code serve}'s, while the demo
 * plan runs in another JVM ({@code nightbench run}) on the same database: the figures come from the database, and
 * each equals what the tables hold.
 */
@SpringBootTest(classes = NightbenchApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.main.web-application-type=servlet", "nightbench.monitoring.refresh=200ms"})
@DirtiesContext
class PrometheusEndpointTest {

    private static final String URL = TestDatabase.newDatabase();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> URL);
        registry.add("spring.datasource.username", () -> "postgres");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double sample(String text, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(text);
        assertThat(m.find()).as("%s{%s} in%n%s", name, labels, text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aDemoRunInAnotherProcessShowsInThePrometheusMetrics(@TempDir Path dir) throws Exception {
        // given: before any run, every run status reads 0 and no plan has a success yet
        String before = awaitScrape(text -> text.contains("nightbench_runs{"));
        assertThat(sample(before, "nightbench_runs", "status=\"COMPLETED\"")).isZero();
        assertThat(before).doesNotContain("nightbench_last_success_timestamp_seconds{");

        // when: the demo plan runs in a separate JVM, as cron's `nightbench run` would beside serve
        Path log = dir.resolve("child.log");
        Process child = ChildJvm.start(dir, log, Map.of("NIGHTBENCH_DB_URL", URL, "NIGHTBENCH_DB_USER", "postgres",
                        "NIGHTBENCH_REPORTS_DIR", dir.resolve("reports").toString()), List.of(SimTimeScale.jvmOption()),
                "run", "--plan", Path.of("jobs/demo.yaml").toAbsolutePath().toString());
        assertThat(child.waitFor(4, TimeUnit.MINUTES)).as("the demo run ends; log:%n%s", ChildJvm.readLog(log)).isTrue();
        assertThat(child.exitValue()).as("exit code; log:%n%s", ChildJvm.readLog(log)).isZero();

        // then: once a refresh has read the ended run (the child wrote it last as the job ended), each figure equals
        // what the database holds
        double finished = jdbc.sql("SELECT extract(epoch FROM finished_at) FROM runs WHERE status = 'COMPLETED'")
                .query(Double.class).single();
        String text = awaitScrape(t -> t.contains("nightbench_last_success_timestamp_seconds{")
                && Math.abs(sample(t, "nightbench_last_success_timestamp_seconds", "plan=\"demo\"") - finished) < 0.001);
        assertThat(sample(text, "nightbench_runs", "status=\"COMPLETED\"")).isEqualTo(1.0);
        assertThat(sample(text, "nightbench_runs", "status=\"FAILED\"")).isZero();
        List<Map<String, Object>> requests = jdbc.sql("SELECT model_alias, status, count(*) AS n FROM measured_requests"
                + " GROUP BY model_alias, status").query().listOfRows();
        assertThat(requests).extracting(r -> r.get("model_alias")).contains("sim-fast", "sim-medium", "sim-large",
                "sim-flaky");
        for (Map<String, Object> r : requests) {
            assertThat(sample(text, "nightbench_requests_total",
                    "model=\"" + r.get("model_alias") + "\",status=\"" + r.get("status") + "\""))
                    .isEqualTo(((Number) r.get("n")).doubleValue());
        }
        List<Map<String, Object>> steps = jdbc.sql("SELECT step_name, count(*) AS n,"
                + " sum(extract(epoch FROM end_time - start_time)) AS s FROM batch_step_execution GROUP BY step_name")
                .query().listOfRows();
        assertThat(steps).extracting(r -> r.get("step_name")).contains("registerRun", "measure", "report");
        for (Map<String, Object> s : steps) {
            String label = "step=\"" + s.get("step_name") + "\"";
            assertThat(sample(text, "nightbench_step_duration_seconds_count", label))
                    .isEqualTo(((Number) s.get("n")).doubleValue());
            assertThat(sample(text, "nightbench_step_duration_seconds_sum", label))
                    .isCloseTo(((Number) s.get("s")).doubleValue(), within(1e-6));
        }
        assertThat(sample(text, "nightbench_last_success_timestamp_seconds", "plan=\"demo\""))
                .isCloseTo(finished, within(0.001));
        assertThat(text).contains("# TYPE nightbench_requests_total counter", "# TYPE nightbench_runs gauge",
                "# TYPE nightbench_step_duration_seconds summary");
    }

    @Test
    void healthIsUpWithTheDatabaseAndNoBrokerCheckWhereNoneIsConfigured() throws Exception {
        HttpResponse<String> health = get("/actuator/health");

        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(health.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("components").path("db").path("status").asText()).isEqualTo("UP");
        assertThat(body.path("components").has("rabbit")).as(health.body()).isFalse();
        assertThat(body.path("components").path("db").has("details")).as("no details shown").isFalse();
    }

    @Test
    void onlyHealthAndPrometheusAreExposed() throws Exception {
        HttpResponse<String> index = get("/actuator");

        assertThat(index.body()).contains("/actuator/health", "/actuator/prometheus")
                .doesNotContain("/actuator/env", "/actuator/beans", "/actuator/metrics", "/actuator/info");
        for (String hidden : List.of("/actuator/env", "/actuator/beans", "/actuator/metrics", "/actuator/configprops",
                "/actuator/heapdump", "/actuator/shutdown")) {
            assertThat(get(hidden).statusCode()).as(hidden).isEqualTo(404);
        }
    }

    private String awaitScrape(java.util.function.Predicate<String> ready) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get("/actuator/prometheus");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            text = r.body();
            if (ready.test(text)) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the metrics did not appear within 30 s:\n" + text);
    }
}
