package dev.nightbench.alert;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.store.AlertStore;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 item 2 end to end: the real job on a real PostgreSQL, the simulated models on loopback and the webhooks
 * on a loopback receiver. The plan "alerts-demo" runs twice, sim-medium 2.5 times slower the second time: the first
 * run (no baseline, nothing failed) posts nothing; the second regresses and posts Nightbench's JSON, a Slack and a
 * Teams payload, gets a receiver that answers 503 twice through retries, survives a receiver that is down and a
 * variable that is not set. A run failed by {@code --fail-on-model-failure} posts run_failed to the plan's and the
 * global target. No webhook URL reaches a log line or a row.
 */
class AlertsJobTest extends JobTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final LoopbackReceiver RECEIVER = receiver();
    private static final String DOWN = down();

    @DynamicPropertySource
    static void webhooks(DynamicPropertyRegistry registry) {
        for (String hook : List.of("generic", "slack", "teams", "flaky", "global")) {
            registry.add("ALERT_" + hook.toUpperCase() + "_URL", () -> RECEIVER.url("/hook/" + hook));
        }
        registry.add("ALERT_DOWN_URL", () -> DOWN);
        registry.add("nightbench.alerts.attempts", () -> "3");
        registry.add("nightbench.alerts.backoff", () -> "20ms");
        registry.add("nightbench.alerts.max-backoff", () -> "200ms");
        registry.add("nightbench.alerts.timeout", () -> "2s");
        registry.add("nightbench.alerts.targets[0].kind", () -> "generic");
        registry.add("nightbench.alerts.targets[0].url-env", () -> "ALERT_GLOBAL_URL");
        registry.add("nightbench.alerts.targets[0].on[0]", () -> "run_failed");
    }

    @Autowired
    AlertStore alertStore;

    @TempDir
    static Path dir;

    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static SimulatedServer normal;
    private static SimulatedServer slowed;
    private static long a;
    private static long b;
    private static JobExecution second;
    private static int postedAfterFirst = -1;

    /** Once for the class (the context and its database are the class's): the two runs of alerts-demo. */
    @BeforeEach
    void twoRuns() throws Exception {
        if (a != 0) {
            return;
        }
        LOG.start();
        ((Logger) LoggerFactory.getLogger("dev.nightbench.alert")).addAppender(LOG);
        normal = new SimulatedServer().withBuiltInModels(Map.of(), 42).start();
        slowed = new SimulatedServer().withBuiltInModels(Map.of("sim-medium", 2.5), 42).start();
        JobExecution first = launch(demo("first.yaml", normal));
        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        a = runId(first);
        postedAfterFirst = RECEIVER.all().size();
        RECEIVER.answer("/hook/flaky", 503, 503);
        second = launch(demo("second.yaml", slowed));
        b = runId(second);
    }

    @AfterAll
    static void stop() {
        normal.close();
        slowed.close();
        RECEIVER.close();
    }

    @Test
    void aRunWithNothingToReportPostsNothing() {
        assertThat(postedAfterFirst).isZero();
        assertThat(alertStore.deliveries(a)).isEmpty();
        assertThat(count("SELECT count(*) FROM run_regressions WHERE run_id = ?", a)).isZero();
    }

    @Test
    void theGenericPayloadCarriesTheRunItsRegressionsAndItsReport() {
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        LoopbackReceiver.Received post = single("/hook/generic", b);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.contentType()).startsWith("application/json");
        JsonNode doc = JSON.readTree(post.body());

        assertThat(doc.get("schema").asString()).isEqualTo("nightbench.alert/1");
        assertThat(doc.get("run_id").asLong()).isEqualTo(b);
        assertThat(doc.get("plan").asString()).isEqualTo("alerts-demo");
        assertThat(doc.get("label").asString()).isEqualTo(
                jdbc.sql("SELECT label FROM runs WHERE run_id = ?").param(b).query(String.class).single());
        assertThat(doc.get("run_date").asString()).isEqualTo("2026-11-22");
        assertThat(doc.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(texts(doc.get("events"))).containsExactly("regression");
        assertThat(doc.get("failed_models").size()).isZero();
        assertThat(doc.get("failure").isNull()).isTrue();
        Path report = ReportDirs.of(reports, "2026-11-22_" + b).toAbsolutePath().normalize();
        assertThat(doc.get("report_path").asString()).isEqualTo(report.toString());
        assertThat(report.resolve("report.md")).exists();
        // every regressed row of the run, field by field, in the report's order
        List<Map<String, Object>> rows = jdbc.sql("""
                SELECT model_alias, nullif(prompt_id, '*') AS prompt, load_mode, metric, criterion, baseline_median,
                       current_median, change_pct
                FROM run_regressions WHERE run_id = ?""").param(b).query().listOfRows();
        JsonNode regressions = doc.get("regressions");
        assertThat(rows).isNotEmpty();
        assertThat(regressions.size()).isEqualTo(rows.size());
        for (JsonNode r : regressions) {
            assertThat(rows).anySatisfy(row -> {
                assertThat(row.get("model_alias")).isEqualTo(r.get("model").asString());
                assertThat(row.get("prompt")).isEqualTo(r.get("prompt").isNull() ? null : r.get("prompt").asString());
                assertThat(row.get("load_mode")).isEqualTo(r.get("load_mode").asString());
                assertThat(row.get("metric")).isEqualTo(r.get("metric").asString());
                assertThat(row.get("baseline_median")).isEqualTo(r.get("baseline").asDouble());
                assertThat(row.get("current_median")).isEqualTo(r.get("current").asDouble());
                assertThat(row.get("change_pct")).isEqualTo(r.get("change_pct").asDouble());
            });
        }
        // sim-medium's time to first token over all prompts is there, 2.5 times slower
        assertThat(regressions).anySatisfy(r -> {
            assertThat(r.get("model").asString()).isEqualTo("sim-medium");
            assertThat(r.get("prompt").isNull()).isTrue();
            assertThat(r.get("metric").asString()).isEqualTo("ttft_ms");
            assertThat(r.get("current").asDouble()).isGreaterThan(r.get("baseline").asDouble());
            assertThat(r.get("change_pct").asDouble()).isGreaterThan(50);
        });
        assertThat(doc.get("summary").asString()).isEqualTo("Nightbench: plan alerts-demo run " + b + " ("
                + doc.get("label").asString() + "): " + rows.size() + (rows.size() == 1 ? " regression" : " regressions"));
    }

    @Test
    void theSlackPayloadIsTextAndBlocks() {
        JsonNode doc = JSON.readTree(single("/hook/slack", b).body());

        assertThat(doc.get("text").asString()).startsWith("Nightbench: plan alerts-demo run " + b + " (")
                .contains("regression");
        JsonNode blocks = doc.get("blocks");
        assertThat(blocks.get(0).get("type").asString()).isEqualTo("header");
        assertThat(blocks.get(0).get("text").get("type").asString()).isEqualTo("plain_text");
        assertThat(blocks.get(0).get("text").get("text").asString()).isEqualTo(doc.get("text").asString());
        assertThat(blocks.get(1).get("type").asString()).isEqualTo("section");
        assertThat(blocks.get(1).get("text").get("type").asString()).isEqualTo("mrkdwn");
        assertThat(blocks.get(1).get("text").get("text").asString()).contains("*Plan:* alerts-demo", "*Run:* " + b,
                "*Status:* COMPLETED", "*Date:* 2026-11-22");
        String regressions = blocks.get(2).get("text").get("text").asString();
        assertThat(regressions).startsWith("*Regressions*\n• sim-medium ").contains(" ttft_ms ")
                .contains(" -&gt; ").doesNotContain("->");
        JsonNode context = blocks.get(blocks.size() - 1);
        assertThat(context.get("type").asString()).isEqualTo("context");
        assertThat(context.get("elements").get(0).get("text").asString())
                .isEqualTo("Report: `" + ReportDirs.of(reports, "2026-11-22_" + b).toAbsolutePath().normalize() + "`");
    }

    @Test
    void theTeamsPayloadIsAnAdaptiveCardInAMessageEnvelope() {
        JsonNode doc = JSON.readTree(single("/hook/teams", b).body());

        assertThat(doc.get("type").asString()).isEqualTo("message");
        assertThat(doc.get("attachments").size()).isEqualTo(1);
        JsonNode attachment = doc.get("attachments").get(0);
        assertThat(attachment.get("contentType").asString()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(attachment.get("contentUrl").isNull()).isTrue();
        JsonNode card = attachment.get("content");
        assertThat(card.get("type").asString()).isEqualTo("AdaptiveCard");
        assertThat(card.get("version").asString()).isEqualTo("1.4");
        assertThat(card.get("$schema").asString()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
        JsonNode body = card.get("body");
        assertThat(body.get(0).get("type").asString()).isEqualTo("TextBlock");
        assertThat(body.get(0).get("text").asString()).isEqualTo(doc.get("summary").asString())
                .startsWith("Nightbench: plan alerts-demo run " + b);
        assertThat(body.get(1).get("type").asString()).isEqualTo("FactSet");
        assertThat(StreamSupport.stream(body.get(1).get("facts").spliterator(), false)
                .map(f -> f.get("title").asString() + "=" + f.get("value").asString()).toList())
                .contains("Plan=alerts-demo", "Run=" + b, "Date=2026-11-22", "Status=COMPLETED");
        assertThat(body.get(2).get("text").asString()).isEqualTo("Regressions");
        assertThat(body.get(3).get("text").asString()).startsWith("- sim-medium ").contains(" ttft_ms ", " -> ");
        assertThat(body.get(3).get("wrap").asBoolean()).isTrue();
    }

    @Test
    void aWebhookAnswering503TwiceGetsItOnTheThirdAttempt() {
        List<LoopbackReceiver.Received> posts = RECEIVER.at("/hook/flaky");
        assertThat(posts).hasSize(3);
        assertThat(posts).extracting(LoopbackReceiver.Received::body).containsOnly(posts.get(0).body());
        assertThat(delivery("ALERT_FLAKY_URL")).satisfies(d -> {
            assertThat(d.outcome()).isEqualTo("sent");
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.httpStatus()).isEqualTo(200);
            assertThat(d.error()).isNull();
            assertThat(d.configured()).isEqualTo("plan");
            assertThat(d.events()).containsExactly("regression");
        });
    }

    @Test
    void aWebhookThatIsDownOrNotSetDoesNotFailTheRunAndIsStored() {
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.sql("SELECT status FROM runs WHERE run_id = ?").param(b).query(String.class).single())
                .isEqualTo("COMPLETED");
        assertThat(jdbc.sql("SELECT status FROM batch_step_execution WHERE job_execution_id = ? AND step_name = 'notify'")
                .param(second.getId()).query(String.class).single()).isEqualTo("COMPLETED");
        assertThat(delivery("ALERT_DOWN_URL")).satisfies(d -> {
            assertThat(d.outcome()).isEqualTo("failed");
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.httpStatus()).isNull();
            assertThat(d.error()).contains("after 3 attempts").doesNotContain(DOWN).doesNotContain("127.0.0.1");
        });
        assertThat(delivery("ALERT_UNSET_URL")).satisfies(d -> {
            assertThat(d.outcome()).isEqualTo("no_url");
            assertThat(d.attempts()).isZero();
            assertThat(d.error()).contains("ALERT_UNSET_URL is not set");
        });
        assertThat(count("SELECT count(*) FROM alert_deliveries WHERE run_id = ? AND outcome = 'sent'", b))
                .isEqualTo(4); // generic, slack, teams, flaky
    }

    @Test
    void aFailedRunPostsRunFailedToThePlansAndTheGlobalTargetsOnly() throws Exception {
        Path plan = Files.writeString(dir.resolve("failing.yaml"), """
                name: alerts-failing
                endpoints: [{name: sim, type: simulated}]
                models:
                  - {alias: sim-fast}
                  - {alias: ghost, model: sim-ghost}
                prompts: [{id: capital, text: "What is the capital of France?"}]
                run: {warmup: 1, rounds: 1, max_tokens: 8}
                telemetry: {enabled: false}
                alerts:
                  targets:
                    - {kind: generic, url_env: ALERT_GENERIC_URL, on: [run_failed]}
                    - {kind: teams, url_env: ALERT_TEAMS_URL, on: [regression]}
                """);

        JobExecution failed = launch(plan, true);

        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        long run = runId(failed);
        for (String hook : List.of("/hook/generic", "/hook/global")) {
            JsonNode doc = JSON.readTree(single(hook, run).body());
            assertThat(doc.get("status").asString()).isEqualTo("FAILED");
            assertThat(texts(doc.get("events"))).containsExactly("model_failed", "run_failed");
            assertThat(doc.get("failure").asString()).contains("models failed", "ghost");
            assertThat(doc.get("regressions").size()).isZero();
            assertThat(doc.get("failed_models").size()).isEqualTo(1);
            JsonNode ghost = doc.get("failed_models").get(0);
            assertThat(ghost.get("model").asString()).isEqualTo("ghost");
            assertThat(ghost.get("availability").asString()).isEqualTo("unavailable");
            assertThat(ghost.get("reason").asString()).contains("does not list model 'sim-ghost'");
            assertThat(doc.get("report_path").asString()).isEqualTo(
                    ReportDirs.of(reports, "2026-11-22_" + run).toAbsolutePath().normalize().toString());
        }
        assertThat(RECEIVER.at("/hook/teams")).noneMatch(p -> p.body().contains("alerts-failing"));
        assertThat(alertStore.deliveries(run)).extracting(AlertStore.Delivery::configured, AlertStore.Delivery::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("plan", "sent"),
                        org.assertj.core.groups.Tuple.tuple("global", "sent"));
        // the regression run told the global target (run_failed only) nothing
        assertThat(RECEIVER.at("/hook/global")).hasSize(1);
    }

    @Test
    void noWebhookUrlReachesALogLineOrARow() {
        List<String> urls = List.of(RECEIVER.url("/hook/"), DOWN, "/hook/");
        assertThat(LOG.list).isNotEmpty();
        assertThat(LOG.list).extracting(ILoggingEvent::getFormattedMessage)
                .allSatisfy(line -> assertThat(line).doesNotContain(urls).doesNotContain("http://"))
                .anySatisfy(line -> assertThat(line).contains("sent to the slack webhook in $ALERT_SLACK_URL"))
                .anySatisfy(line -> assertThat(line).contains("NOT sent to the generic webhook in $ALERT_DOWN_URL"));
        assertThat(count("SELECT count(*) FROM alert_deliveries")).isGreaterThan(0);
        assertThat(jdbc.sql("SELECT count(*) FROM alert_deliveries WHERE concat_ws(' ', url_env, error) LIKE '%://%'"
                + " OR concat_ws(' ', url_env, error) LIKE '%/hook/%' OR concat_ws(' ', url_env, error) LIKE '%127.0.0.1%'")
                .query(Long.class).single()).isZero();
    }

    private static LoopbackReceiver.Received single(String path, long runId) {
        List<LoopbackReceiver.Received> posts = RECEIVER.at(path).stream()
                .filter(p -> p.body().contains("run " + runId + " ") || p.body().contains("run " + runId + ":"))
                .toList();
        assertThat(posts).as("posts to %s about run %d", path, runId).hasSize(1);
        return posts.get(0);
    }

    private AlertStore.Delivery delivery(String urlEnv) {
        List<AlertStore.Delivery> found = alertStore.deliveries(b).stream()
                .filter(d -> d.urlEnv().equals(urlEnv)).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asString).toList();
    }

    private static Path demo(String file, SimulatedServer server) {
        try {
            return Files.writeString(dir.resolve(file), """
                    name: alerts-demo
                    endpoints:
                      - name: local
                        base_url: %s
                    models:
                      - alias: sim-medium
                    prompts:
                      - { id: capital, text: "What is the capital of France?" }
                      - { id: sum, text: "What is 17 + 25?" }
                    run: {warmup: 1, rounds: 5, max_tokens: 8}
                    telemetry: {enabled: false}
                    alerts:
                      targets:
                        - {kind: generic, url_env: ALERT_GENERIC_URL}
                        - {kind: slack, url_env: ALERT_SLACK_URL, on: [regression, model_failed]}
                        - {kind: teams, url_env: ALERT_TEAMS_URL, on: [regression]}
                        - {kind: generic, url_env: ALERT_FLAKY_URL, on: [regression]}
                        - {kind: generic, url_env: ALERT_DOWN_URL, on: [regression]}
                        - {kind: slack, url_env: ALERT_UNSET_URL, on: [regression]}
                    """.formatted(server.baseUrl()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LoopbackReceiver receiver() {
        try {
            return new LoopbackReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String down() {
        try {
            return LoopbackReceiver.downUrl();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
