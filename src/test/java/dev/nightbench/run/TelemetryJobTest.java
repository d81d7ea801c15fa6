package dev.nightbench.run;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.store.TelemetryStore;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.TelemetryPages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server telemetry through the real job on a real PostgreSQL: one endpoint is a loopback server that answers chat
 * completions and serves llama-server's captured {@code /metrics}, {@code /props} and {@code /slots}; one exposes
 * nothing; one is the built-in simulated endpoint with its own simulated {@code /metrics}.
 */
class TelemetryJobTest extends JobTestSupport {

    SimulatedServer llama;
    SimulatedServer plain;

    @Autowired
    TelemetryStore telemetry;

    @TempDir
    Path dir;

    @BeforeEach
    void startServers() {
        Script story = Script.stream().role().content("Once upon a time").delay(20).content(" there was a cat.")
                .finish("stop").usage(5, 8).done();
        llama = TelemetryPages.llamaServer(new SimulatedServer().script("stories260K", story)).start();
        plain = new SimulatedServer().script("gpt", story)
                .serve("/metrics", 404, "application/json", () -> TelemetryPages.fixture("llama-server/not-found.json"))
                .start();
    }

    @AfterEach
    void stopServers() {
        llama.close();
        plain.close();
    }

    Path plan(String telemetry) throws IOException {
        return Files.writeString(dir.resolve("telemetry.yaml"), """
                name: telemetry
                endpoints:
                  - {name: llama, base_url: "%s"}
                  - {name: plain, base_url: "%s"}
                  - {name: sim, type: simulated}
                models:
                  - {alias: stories, endpoint: llama, model: stories260K}
                  - {alias: gpt, endpoint: plain, model: gpt}
                  - {alias: fast, endpoint: sim, model: sim-fast}
                prompts: [{id: story, text: "Once upon a time"}]
                run: {warmup: 1, rounds: 3, timeouts: {connect: 2s, first_token: 5s, idle: 5s, total: 20s}}
                %s
                """.formatted(llama.baseUrl(), plain.baseUrl(), telemetry));
    }

    @Test
    void storesEachModelsTelemetryAndSaysWhereThereIsNone() throws Exception {
        JobExecution e = launch(plan("telemetry: {interval: 1s}"));

        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long run = runId(e);
        Map<String, TelemetryStore.Summary> byModel = telemetry.summaries(run).stream()
                .collect(Collectors.toMap(TelemetryStore.Summary::modelAlias, Function.identity()));
        assertThat(byModel).containsOnlyKeys("stories", "gpt", "fast");

        TelemetryStore.Summary stories = byModel.get("stories");
        assertThat(stories.source()).isEqualTo("llama.cpp");
        assertThat(stories.status()).isEqualTo("ok");
        assertThat(stories.samples()).isGreaterThanOrEqualTo(2); // warm-up and measure, each at least at a cell start
        assertThat(stories.requestsRunningPeak()).isEqualTo(1.0);
        assertThat(stories.requestsRunningMean()).isEqualTo(1.0);
        assertThat(stories.serverVersion()).isEqualTo("llama.cpp b1-de3ff81");
        assertThat(stories.contextSize()).isEqualTo(256);
        assertThat(stories.quantization()).isEqualTo("(guessed) all F32");
        assertThat(stories.memoryMbPeak()).isNull();

        TelemetryStore.Summary gpt = byModel.get("gpt");
        assertThat(gpt.source()).isEqualTo("endpoint");
        assertThat(gpt.status()).isEqualTo("no_telemetry");
        assertThat(gpt.detail()).contains("GET /metrics: HTTP 404", "GET /props: HTTP 404", "GET /api/ps: HTTP 404");

        TelemetryStore.Summary fast = byModel.get("fast");
        assertThat(fast.source()).isEqualTo("simulated");
        assertThat(fast.status()).isEqualTo("ok");
        assertThat(fast.serverVersion()).isEqualTo("nightbench simulated");

        List<String> sources = jdbc.sql("SELECT DISTINCT model_alias || '/' || source FROM telemetry_samples"
                + " WHERE run_id = ? ORDER BY 1").param(run).query(String.class).list();
        assertThat(sources).containsExactly("fast/simulated", "stories/llama.cpp");
        assertThat(count("SELECT count(*) FROM telemetry_samples WHERE run_id = ? AND model_alias = 'stories'"
                + " AND metric = 'llamacpp:tokens_predicted_total' AND value = 192", run)).isGreaterThanOrEqualTo(2);
        assertThat(count("SELECT count(*) FROM telemetry_samples WHERE run_id = ? AND metric = 'slots_busy'", run))
                .isGreaterThanOrEqualTo(2);
        // the telemetry polls are not chat requests: the benchmark sent exactly what the plan says
        assertThat(llama.requestCount("stories260K")).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND status <> 'ok'", run)).isZero();
    }

    @Test
    void telemetryOffStoresNothing() throws Exception {
        JobExecution e = launch(plan("telemetry: {enabled: false}"));

        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long run = runId(e);
        assertThat(count("SELECT count(*) FROM telemetry_samples WHERE run_id = ?", run)).isZero();
        assertThat(count("SELECT count(*) FROM run_model_telemetry WHERE run_id = ?", run)).isZero();
    }
}
