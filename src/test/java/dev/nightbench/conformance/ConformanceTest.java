package dev.nightbench.conformance;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.conformance.ConformanceServer.AfterAnswer;
import dev.nightbench.measure.Measurement;
import dev.nightbench.measure.RequestMeter;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every METRICS.md figure, through the real client and {@link RequestMeter}, against each real server's behaviour
 * ({@link Flavours}), checked against the server's own schedule ({@link Expected}). Three requests per server, so
 * the second and third go over whatever the first left of the connection.
 */
class ConformanceTest {

    static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(10));
    static final ChatRequest REQUEST = new ChatRequest(ConformanceServer.MODEL,
            List.of(new ChatMessage("user", "What is six times seven?")), 64, 0.0, 1L, true, Map.of());

    static Stream<Named<Supplier<ConformanceServer>>> servers() {
        return Stream.of(
                Named.of("llama.cpp, closes after each answer while advertising keep-alive",
                        () -> Flavours.llamaCpp(AfterAnswer.CLOSE_AT_ONCE, 0, true, 80, 30)),
                Named.of("llama.cpp, no Connection header, closes 3 ms after each answer",
                        () -> Flavours.llamaCpp(AfterAnswer.CLOSE_SOON, 3, false, 80, 30)),
                Named.of("vLLM", () -> Flavours.vllm(80, 30)),
                Named.of("Ollama", () -> Flavours.ollama(80, 30)),
                Named.of("several tokens per chunk", () -> Flavours.severalTokensPerChunk(80, 40)),
                Named.of("reasoning_content before content", () -> Flavours.reasoning(80, 30)),
                Named.of("stall, then a burst", () -> Flavours.stallThenBurst(80, 400)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void everyFigureIsTheOneTheServerScripted(Supplier<ConformanceServer> start) {
        try (ConformanceServer server = start.get(); OpenAiModelClient client = client(server)) {
            for (int i = 0; i < 3; i++) {
                Measurement m = measure(client);

                Expected.of(server.answerTo(server.chats().get(i))).assertMatches(m, "request " + (i + 1));
            }
        }
    }

    @Test
    void vllmIsAskedForUsageAndSendsItInALastChunkWithNoChoices() {
        try (ConformanceServer server = Flavours.vllm(20, 5); OpenAiModelClient client = client(server)) {
            Measurement m = measure(client);

            assertThat(server.chats().getFirst().includeUsage()).isTrue();
            assertThat(m.tokensSource()).isEqualTo("usage");
            assertThat(m.outputTokens()).isEqualTo(Flavours.TOKENS.length);
        }
    }

    @Test
    void theServersPromptCacheIsRecordedFromVllmsUsageDetailsAndFromLlamaCppsTimingsCacheN() {
        try (ConformanceServer vllm = Flavours.vllm(20, 5); OpenAiModelClient vllmClient = client(vllm);
             ConformanceServer llama = Flavours.llamaCpp(AfterAnswer.CLOSE_AT_ONCE, 0, true, 20, 5);
             OpenAiModelClient llamaClient = client(llama)) {
            List<Integer> fromVllm = new ArrayList<>();
            List<Integer> fromLlama = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fromVllm.add(measure(vllmClient).cachedTokens());
                fromLlama.add(measure(llamaClient).cachedTokens());
            }

            assertThat(fromVllm).containsExactly(0, 8, 8);
            assertThat(fromLlama).containsExactly(0, Flavours.PROMPT_TOKENS - 1, Flavours.PROMPT_TOKENS - 1);
            assertThat(llama.answerTo(llama.chats().get(1)).stream().map(ConformanceServer.Event::json)
                    .filter(json -> json.contains("\"timings\"")).findFirst().orElseThrow())
                    .contains("\"cache_n\":11").doesNotContain("prompt_tokens_details");
        }
    }

    @Test
    void ollamasThinkingInReasoningIsTheFirstTokenAndItsContentTheFirstOutput() {
        try (ConformanceServer server = Flavours.ollama(20, 40); OpenAiModelClient client = client(server)) {
            Measurement m = measure(client);

            assertThat(m.ttfoMs() - m.ttftMs()).isBetween(40 - Expected.TOLERANCE_MS, 40 + Expected.TOLERANCE_MS);
            assertThat(m.outputTokens()).isEqualTo(7);
            assertThat(m.responseText()).isEqualTo(String.join("", Flavours.TOKENS));
        }
    }

    @Test
    void llamaCppsClosedConnectionsCostOneReconnectPerLaterRequestAndNoFailure() {
        try (ConformanceServer server = Flavours.llamaCpp(AfterAnswer.CLOSE_AT_ONCE, 0, true, 10, 2);
             OpenAiModelClient client = client(server)) {
            List<Measurement> ms = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ms.add(measure(client));
            }

            assertThat(ms).allSatisfy(m -> assertThat(m.status().value()).isEqualTo("ok"));
            assertThat(ms).extracting(Measurement::reconnects).containsExactly(0, 1, 1);
            assertThat(server.connections()).isEqualTo(3);
        }
    }

    static OpenAiModelClient client(ConformanceServer server) {
        return client(server, null, ConnectionPolicy.KEEP_ALIVE);
    }

    static OpenAiModelClient client(ConformanceServer server, String key, ConnectionPolicy connection) {
        return new OpenAiModelClient(server.baseUrl(), key, TIMEOUTS, connection, NanoClock.SYSTEM, Clock.systemUTC());
    }

    static Measurement measure(OpenAiModelClient client) {
        RequestMeter meter = new RequestMeter(true, RequestMeter.DEFAULT_TEXT_LIMIT, client::redact);
        Instant startedAt = Instant.now();
        try {
            client.chat(REQUEST, meter);
            return meter.toMeasurement(startedAt, null);
        } catch (ModelClientException e) {
            return meter.toMeasurement(startedAt, e);
        }
    }
}
