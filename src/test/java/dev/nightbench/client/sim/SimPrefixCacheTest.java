package dev.nightbench.client.sim;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.measure.Measurement;
import dev.nightbench.measure.RequestMeter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulated models' prefix cache: which prompt tokens count as cached, and what that does to the first token. */
class SimPrefixCacheTest {

    private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(20));

    @Test
    void wholeBlocksOfALeadingTextSeenBeforeAreCachedButNeverTheLastToken() {
        PrefixCache cache = new PrefixCache();
        List<ChatMessage> first = List.of(new ChatMessage("system", words(40, "s")), new ChatMessage("user", "one two"));
        List<ChatMessage> second = List.of(new ChatMessage("system", words(40, "s")), new ChatMessage("user", "three"));

        assertThat(cache.lookUpAndStore(first)).isZero();
        assertThat(cache.lookUpAndStore(second)).as("40 shared words = 2 whole blocks of 16").isEqualTo(32);
        assertThat(cache.lookUpAndStore(first)).as("42 words seen in full: the block of the last word is computed")
                .isEqualTo(32);
        assertThat(cache.lookUpAndStore(List.of(new ChatMessage("system", words(48, "s")))))
                .as("48 words = 3 blocks, the third holds the last token").isEqualTo(32);
    }

    @Test
    void anotherRoleOrAnEarlierDifferenceIsAMiss() {
        PrefixCache cache = new PrefixCache();
        cache.lookUpAndStore(List.of(new ChatMessage("system", words(64, "s")), new ChatMessage("user", "q")));

        assertThat(cache.lookUpAndStore(List.of(new ChatMessage("user", words(64, "s")), new ChatMessage("user", "q"))))
                .isZero();
        assertThat(cache.lookUpAndStore(List.of(new ChatMessage("system", "x " + words(63, "s")),
                new ChatMessage("user", "q")))).isZero();
        assertThat(cache.lookUpAndStore(List.of(new ChatMessage("system", words(17, "s"))))).isEqualTo(16);
    }

    @Test
    void aLongSharedPrefixCostsPrefillOnceThenIsReportedAsCachedAndAnswersFaster() {
        int prefixWords = 10_000;
        try (SimulatedServer server = new SimulatedServer().withBuiltInModels(Map.of(), 7).start();
             OpenAiModelClient client = new OpenAiModelClient(server.baseUrl(), null, TIMEOUTS, NanoClock.SYSTEM)) {
            String prefix = words(prefixWords, "w");

            Measurement cold = call(client, prefix, "What is the first question about the plan?");
            Measurement warm = call(client, prefix, "And the second one?");
            Measurement other = call(client, words(prefixWords, "v"), "What is the first question about the plan?");

            double prefillMs = SimulatedModels.PREFILL_FAST * cold.promptTokens();
            assertThat(cold.cachedTokens()).isZero();
            assertThat(cold.ttftMs()).isGreaterThan(prefillMs);
            assertThat(warm.cachedTokens()).isEqualTo(prefixWords);
            assertThat(warm.promptTokens()).isEqualTo(prefixWords + 4);
            assertThat(warm.ttftMs()).isLessThan(cold.ttftMs() - prefillMs / 2);
            assertThat(other.cachedTokens()).as("another prefix").isZero();
            assertThat(other.ttftMs()).isGreaterThan(prefillMs);
        }
    }

    @Test
    void eachModelHasItsOwnCache() {
        try (SimulatedServer server = new SimulatedServer().withBuiltInModels(Map.of(), 7).start();
             OpenAiModelClient client = new OpenAiModelClient(server.baseUrl(), null, TIMEOUTS, NanoClock.SYSTEM)) {
            String prefix = words(64, "w");

            call(client, SimulatedModels.FAST, prefix, "q1");

            assertThat(call(client, SimulatedModels.MEDIUM, prefix, "q2").cachedTokens()).isZero();
            assertThat(call(client, SimulatedModels.FAST, prefix, "q2").cachedTokens()).isEqualTo(64);
        }
    }

    private static Measurement call(OpenAiModelClient client, String system, String question) {
        return call(client, SimulatedModels.FAST, system, question);
    }

    private static Measurement call(OpenAiModelClient client, String model, String system, String question) {
        RequestMeter meter = new RequestMeter(true);
        client.chat(new ChatRequest(model, List.of(new ChatMessage("system", system),
                new ChatMessage("user", question)), 4, 0.0, null, true, null), meter);
        Measurement m = meter.toMeasurement(Instant.EPOCH, null);
        assertThat(m.ok()).as(m.errorMessage()).isTrue();
        return m;
    }

    private static String words(int n, String stem) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(stem).append(i);
        }
        return sb.toString();
    }
}
