package dev.nightbench.client.openai;

import com.sun.net.httpserver.HttpServer;
import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import dev.nightbench.measure.Measurement;
import dev.nightbench.measure.RequestMeter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prompt-cache figure of a response, read from payloads captured from a real llama-server (b1-de3ff81,
 * stories260K; {@code src/test/resources/llamacpp/}) and from vLLM-shaped ones, served byte for byte on a loopback
 * HTTP server and read by the real client into a {@link RequestMeter}.
 */
class CachedTokensTest {

    private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(10));
    private static final Pattern CACHED_TOKENS = Pattern.compile("\"cached_tokens\":(\\d+)");
    private static final Pattern CACHE_N = Pattern.compile("\"cache_n\":(\\d+)");

    private HttpServer http;
    private final AtomicReference<String> contentType = new AtomicReference<>();
    private final AtomicReference<byte[]> body = new AtomicReference<>();
    private OpenAiModelClient client;

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.get();
            exchange.getResponseHeaders().set("Content-Type", contentType.get());
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        http.start();
        client = new OpenAiModelClient(URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/v1"), null,
                TIMEOUTS, NanoClock.SYSTEM);
    }

    @AfterEach
    void stop() {
        client.close();
        http.stop(0);
    }

    @Test
    void llamaCppsStreamedUsageChunkGivesPromptTokensDetailsCachedTokens() {
        String captured = resource("stream-usage-cached.sse");

        Measurement m = chat(captured, "text/event-stream", true);

        assertThat(m.ok()).as(m.errorMessage()).isTrue();
        assertThat(m.cachedTokens()).isEqualTo(last(CACHED_TOKENS, captured)).isPositive();
        assertThat(m.promptTokens()).isGreaterThan(m.cachedTokens());
    }

    @Test
    void llamaCppsStreamWithoutUsageStillGivesTimingsCacheN() {
        String captured = resource("stream-timings-only.sse");
        assertThat(captured).doesNotContain("\"usage\"");

        Measurement m = chat(captured, "text/event-stream", true);

        assertThat(m.ok()).as(m.errorMessage()).isTrue();
        assertThat(m.cachedTokens()).isEqualTo(last(CACHE_N, captured)).isPositive();
        assertThat(m.tokensSource()).isEqualTo("chunks");
    }

    @Test
    void llamaCppsNonStreamedResponseGivesItsCachedTokens() {
        String captured = resource("nonstream-cached.json");

        Measurement m = chat(captured, "application/json", false);

        assertThat(m.ok()).as(m.errorMessage()).isTrue();
        assertThat(m.cachedTokens()).isEqualTo(last(CACHED_TOKENS, captured)).isPositive();
    }

    @Test
    void aRequestWithCachePromptFalseIsAnsweredWithNothingCached() {
        String captured = resource("nonstream-cache-prompt-false.json");
        assertThat(last(CACHE_N, captured)).isZero();

        Measurement m = chat(captured, "application/json", false);

        assertThat(m.cachedTokens()).isZero();
    }

    @Test
    void cacheNIsTheFallbackWhenUsageHasNoDetailsAndUsageDetailsWinOverIt() {
        String onlyTimings = "{\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hi\"}}],\"usage\":{\"completion_tokens\":1,\"prompt_tokens\":40,\"total_tokens\":41},"
                + "\"timings\":{\"cache_n\":32,\"prompt_n\":8}}";
        String both = onlyTimings.replace("\"total_tokens\":41}", "\"total_tokens\":41,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":16}}");

        assertThat(chat(onlyTimings, "application/json", false).cachedTokens()).isEqualTo(32);
        assertThat(chat(both, "application/json", false).cachedTokens()).isEqualTo(16);
    }

    @Test
    void vllmsUsageChunkWithDetailsGivesCachedTokensAndWithNullDetailsGivesNone() {
        String chunk = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":null,\"finish_reason\":\"stop\"}]}"
                + "\n\n";
        String usage = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":48,\"total_tokens\":49,\"completion_tokens\":1,"
                + "\"prompt_tokens_details\":DETAILS}}\n\ndata: [DONE]\n\n";

        Measurement withDetails = chat(chunk + usage.replace("DETAILS", "{\"cached_tokens\":32}"), "text/event-stream",
                true);
        Measurement withNull = chat(chunk + usage.replace("DETAILS", "null"), "text/event-stream", true);

        assertThat(withDetails.cachedTokens()).isEqualTo(32);
        assertThat(withNull.cachedTokens()).isNull();
        assertThat(withNull.promptTokens()).isEqualTo(48);
    }

    @Test
    void theReaderKeepsBothFiguresOfLlamaCppsLastChunk() throws IOException {
        byte[] captured = resource("stream-usage-cached.sse").getBytes(StandardCharsets.UTF_8);
        AtomicReference<Integer[]> lastUsage = new AtomicReference<>();

        new ChunkStreamReader(new java.io.ByteArrayInputStream(captured), NanoClock.SYSTEM).read((at, c) -> {
            if (c.hasUsage) {
                lastUsage.set(new Integer[] {c.cachedTokens, c.timingsCacheN});
            }
        });

        String text = new String(captured, StandardCharsets.UTF_8);
        assertThat(lastUsage.get()).containsExactly(last(CACHED_TOKENS, text), last(CACHE_N, text));
    }

    @Test
    void negativeOrMissingFiguresAreNoFigure() {
        CachedTokens cache = new CachedTokens();

        assertThat(cache.offer(null, null)).isNull();
        assertThat(cache.offer(-1, -1)).isNull();
        assertThat(cache.offer(null, 7)).isEqualTo(7);
        assertThat(cache.offer(5, 7)).isEqualTo(5);
        assertThat(cache.offer(null, 9)).as("cache_n after usage details").isNull();
    }

    private Measurement chat(String payload, String type, boolean stream) {
        contentType.set(type);
        body.set(payload.getBytes(StandardCharsets.UTF_8));
        RequestMeter meter = new RequestMeter(stream, RequestMeter.DEFAULT_TEXT_LIMIT, client::redact);
        Instant startedAt = Instant.now();
        client.chat(new ChatRequest("stories260K", List.of(new ChatMessage("user", "Tell me a story.")), 8, 0.0, null,
                stream, Map.of()), meter);
        return meter.toMeasurement(startedAt, null);
    }

    private static int last(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        Integer found = null;
        while (m.find()) {
            found = Integer.parseInt(m.group(1));
        }
        assertThat(found).as("%s in the payload", pattern).isNotNull();
        return found;
    }

    private static String resource(String name) {
        try (InputStream in = CachedTokensTest.class.getResourceAsStream("/llamacpp/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
