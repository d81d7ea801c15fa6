package dev.nightbench.run;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.measure.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One judge call against a real loopback server: the reply as streamed, transient failures retried by the run's
 * policy (waits recorded, not slept), and a call that still fails is an outcome with its reason, never an exception.
 */
class JudgeCallTest {

    private static final String VERDICT = "{\"coherence\": 4, \"reason\": \"fine\"}";

    private final List<Duration> waits = new ArrayList<>();
    private final JudgeStep step = new JudgeStep(null, waits::add);
    private SimulatedServer server;
    private OpenAiModelClient client;

    @BeforeEach
    void start() {
        Script ok = Script.stream().role().content("{\"coherence\": 4, ").content("\"reason\": \"fine\"}")
                .finish("stop").done();
        server = new SimulatedServer()
                .script("judge", ok)
                .script("flaky", i -> i < 2 ? Script.status(503) : ok)
                .script("down", Script.status(500))
                .start();
        client = new OpenAiModelClient(server.baseUrl(), null, new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(10)), ConnectionPolicy.KEEP_ALIVE, NanoClock.SYSTEM,
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private static ChatRequest ask(String model) {
        return new ChatRequest(model, List.of(new ChatMessage("system", "rubric"), new ChatMessage("user", "q")), 64,
                0.0, null, true, null);
    }

    @Test
    void theReplyIsTheStreamedTextWithItsLatencyAfterOneAttempt() {
        JudgeCaller.Call call = step.call(client, ask("judge"), RetryPolicy.defaults());
        assertThat(call.reply()).isEqualTo(VERDICT);
        assertThat(call.failure()).isNull();
        assertThat(call.attempts()).isEqualTo(1);
        assertThat(call.latencyMs()).isPositive();
        assertThat(waits).isEmpty();
    }

    @Test
    void transientFailuresAreRetriedPerTheRunsPolicy() {
        JudgeCaller.Call call = step.call(client, ask("flaky"), RetryPolicy.defaults());
        assertThat(call.reply()).isEqualTo(VERDICT);
        assertThat(call.attempts()).isEqualTo(3);
        assertThat(waits).hasSize(2);
        assertThat(server.requestCount("flaky")).isEqualTo(3);
    }

    @Test
    void aCallThatStillFailsIsAFailedOutcomeNamingTheLastFailure() {
        JudgeCaller.Call down = step.call(client, ask("down"), RetryPolicy.defaults());
        assertThat(down.reply()).isNull();
        assertThat(down.latencyMs()).isNull();
        assertThat(down.attempts()).isEqualTo(3);       // http_5xx: 3 attempts by default
        assertThat(down.failure()).startsWith("judge call failed after 3 attempts: http_5xx: ");

        // an unknown model is a 4xx: never retried
        JudgeCaller.Call missing = step.call(client, ask("no-such-judge"), RetryPolicy.defaults());
        assertThat(missing.attempts()).isEqualTo(1);
        assertThat(missing.failure()).startsWith("judge call failed after 1 attempt: http_4xx: ");
        assertThat(server.requestCount("no-such-judge")).isEqualTo(1);

        waits.clear();
        JudgeCaller.Call once = step.call(client, ask("down"), RetryPolicy.none());
        assertThat(once.attempts()).isEqualTo(1);
        assertThat(waits).isEmpty();
    }
}
