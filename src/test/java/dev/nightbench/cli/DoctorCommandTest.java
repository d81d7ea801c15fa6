package dev.nightbench.cli;

import com.sun.net.httpserver.HttpServer;
import dev.nightbench.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code nightbench doctor}: one line per check, exit 0 only when all pass, and never a run written. */
class DoctorCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @BeforeEach
    void reportsDirectory() {
        System.setProperty("nightbench.reports-dir", dir.resolve("reports").toString());
    }

    @AfterEach
    void clearReportsDirectory() {
        System.clearProperty("nightbench.reports-dir");
    }

    @Test
    void aPlanOnTheSimulatedEndpointPassesEveryCheckAndWritesNothing() throws Exception {
        String url = migrated();
        Path plan = plan("""
                name: doctor-sim
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}, {alias: sim-medium}]
                prompts: [{id: capital, text: "What is the capital of France?"}]
                run: {rounds: 1, max_tokens: 8}
                """);

        int exit = cli(url).execute(new String[]{"doctor", "--plan", plan.toString()});

        assertThat(exit).as(out.toString()).isEqualTo(Cli.OK);
        assertThat(out.toString())
                .contains("ok    java: JDK ")
                .contains("ok    plan: ")
                .contains("ok    endpoint sim: the simulated endpoint answered GET /models")
                .contains("ok    model sim-fast: 'sim-fast' is listed by 'sim'")
                .containsPattern("ok    chat sim-fast: TTFT \\d+ ms, \\d+ token\\(s\\) in \\d+ ms: \".+\"")
                .containsPattern("ok    chat sim-medium: TTFT \\d+ ms")
                .contains("ok    database: PostgreSQL")
                .contains("ok    schema: migrated")
                .contains("ok    reports: " + dir.resolve("reports").toAbsolutePath())
                .contains("All 10 checks passed.")
                .doesNotContain("FAIL");
        assertNothingWritten(url);
    }

    @Test
    void eachAlertTargetsVariableIsCheckedWithoutPostingOrPrintingTheUrl() throws Exception {
        String url = migrated();
        Path plan = plan("""
                name: doctor-alerts
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: capital, text: "What is the capital of France?"}]
                run: {rounds: 1, max_tokens: 8}
                alerts:
                  targets:
                    - {kind: slack, url_env: DOCTOR_SLACK_URL}
                    - {kind: teams, url_env: DOCTOR_TEAMS_URL}
                    - {kind: generic, url_env: DOCTOR_GENERIC_URL}
                """);
        String secret = "https://hooks.example.com/services/T0/B0/secret-token";
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("NIGHTBENCH_DB_URL", url,
                "NIGHTBENCH_DB_USER", "postgres", "DOCTOR_SLACK_URL", secret, "DOCTOR_GENERIC_URL", "not a url")::get);

        int exit = cli.execute(new String[]{"doctor", "--plan", plan.toString()});

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .contains("ok    alert slack: $DOCTOR_SLACK_URL holds an http(s) URL (not contacted)")
                .contains("FAIL  alert teams: $DOCTOR_TEAMS_URL is not set: this target's alerts would not be sent")
                .contains("FAIL  alert generic: $DOCTOR_GENERIC_URL holds no http(s) URL")
                .doesNotContain("hooks.example.com").doesNotContain("secret-token").doesNotContain("not a url");
    }

    @Test
    void aServerThatIsDownFailsItsEndpointLineAndExits1() throws Exception {
        String url = migrated();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }

        int exit = cli(url).execute(new String[]{"doctor", "--plan", loopbackPlan(port).toString()});

        assertThat(exit).as(out.toString()).isEqualTo(Cli.JOB_FAILED);
        assertThat(out.toString())
                .containsPattern("FAIL  endpoint local: http://127.0.0.1:" + port + "/v1 did not answer GET /models: connect_error")
                .contains("ok    database: PostgreSQL")
                .contains("1 of 6 checks failed.");
        assertNothingWritten(url);
    }

    @Test
    void aModelTheServerDoesNotListFailsItsLineAndExits1() throws Exception {
        String url = migrated();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/models", exchange -> {
            byte[] body = """
                    {"object":"list","data":[{"id":"other-model","object":"model","created":0,"owned_by":"test"}]}"""
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            int exit = cli(url).execute(new String[]{"doctor", "--plan", loopbackPlan(server.getAddress().getPort()).toString()});

            assertThat(exit).as(out.toString()).isEqualTo(Cli.JOB_FAILED);
            assertThat(out.toString())
                    .contains("ok    endpoint local: ")
                    .contains("FAIL  model m: endpoint 'local' does not list 'wanted-model'; it lists: other-model")
                    .doesNotContain("chat m:")
                    .contains("1 of 7 checks failed.");
        } finally {
            server.stop(0);
        }
        assertNothingWritten(url);
    }

    @Test
    void aDatabaseWithoutTheMigrationsFailsTheSchemaLineAndIsNotMigrated() throws Exception {
        String url = TestDatabase.newDatabase();
        Path plan = plan("""
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: hi, text: "Hello"}]
                """);

        int exit = cli(url).execute(new String[]{"doctor", "--plan", plan.toString()});

        assertThat(exit).as(out.toString()).isEqualTo(Cli.JOB_FAILED);
        assertThat(out.toString()).containsPattern("FAIL  schema: 0 of \\d+ migrations applied, pending V1, ");
        assertThat(JdbcClient.create(dataSource(url)).sql("SELECT to_regclass('flyway_schema_history') IS NULL")
                .query(Boolean.class).single()).isTrue();
    }

    @Test
    void aPlanThatDoesNotLoadIsOneFailedCheckAndTheOthersStillRun() throws Exception {
        String url = migrated();

        int exit = cli(url).execute(new String[]{"doctor", "--plan", dir.resolve("missing.yaml").toString()});

        assertThat(exit).isEqualTo(Cli.JOB_FAILED);
        assertThat(out.toString()).contains("FAIL  plan: ").contains("missing.yaml")
                .contains("ok    database: ").contains("ok    reports: ");
    }

    private Path loopbackPlan(int port) throws Exception {
        return plan("""
                name: doctor-loopback
                endpoints: [{name: local, base_url: "http://127.0.0.1:%d/v1"}]
                models: [{alias: m, endpoint: local, model: wanted-model}]
                prompts: [{id: hi, text: "Hello"}]
                run: {rounds: 1, timeouts: {connect: 1s, first_token: 2s, idle: 2s, total: 3s}}
                """.formatted(port));
    }

    private Path plan(String yaml) throws Exception {
        Path plan = dir.resolve("plan-" + System.nanoTime() + ".yaml");
        Files.writeString(plan, yaml);
        return plan;
    }

    private Cli cli(String url) {
        return new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres")::get);
    }

    private static void assertNothingWritten(String url) {
        JdbcClient jdbc = JdbcClient.create(dataSource(url));
        for (String table : new String[]{"runs", "requests", "run_models", "batch_job_instance"}) {
            assertThat(jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single()).as(table).isZero();
        }
    }

    private static String migrated() {
        String url = TestDatabase.newDatabase();
        Flyway.configure().dataSource(url, "postgres", null).locations("filesystem:db/migration")
                .placeholderReplacement(false).load().migrate();
        return url;
    }

    private static SimpleDriverDataSource dataSource(String url) {
        return new SimpleDriverDataSource(new org.postgresql.Driver(), url, "postgres", "");
    }
}
