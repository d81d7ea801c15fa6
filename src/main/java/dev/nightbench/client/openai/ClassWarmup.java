package dev.nightbench.client.openai;

import com.openai.client.OpenAIClient;
import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.Timeouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loads and links the classes a first request needs, once per JVM and without any network: an
 * {@link OpenAiModelClient} over {@link InMemorySocket}s sends one non-streamed and one streamed chat through the
 * client's whole path: our parameters, the SDK's request preparation (which reflects over the parameters with
 * kotlin-reflect to find the model name), its JSON body, our interceptor and watchdog, OkHttp's call and HTTP/1.1
 * codec, the SDK's parsing of a non-streamed answer, and the event-stream reader. Without it the first request of a
 * fresh JVM pays for this class loading between t0 and its first token, and the job stores that as the model's
 * {@code cold_start_ms}; the timing benchmark measures the difference ({@code bench/README.md}).
 *
 * <p>Only the SDK's public API is used: an earlier version invoked a Kotlin-internal SDK method by reflection. If
 * an SDK upgrade breaks a step, {@link #exercise()} says which step and which SDK version, and
 * {@code ClassWarmupTest} fails with that message; in production the warm-up is only skipped (logged at debug),
 * since it is an optimisation.
 */
final class ClassWarmup {

    private static final Logger log = LoggerFactory.getLogger(ClassWarmup.class);

    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();
    /** Nothing listens there: every connection is an in-memory socket. */
    private static final URI BASE_URL = URI.create("http://127.0.0.1:9/v1");
    private static final String SAMPLE_CHUNK = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"a\","
            + "\"reasoning_content\":\"r\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
    private static final String SAMPLE_STREAM = ": warm-up\n\ndata: " + SAMPLE_CHUNK + "\r\n\r\ndata: [DONE]\n\n";
    private static final String SAMPLE_COMPLETION = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":0,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"a\"},"
            + "\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

    private ClassWarmup() {
    }

    /** Warms up once per JVM; a second caller waits until the classes are warm. Never throws. */
    static synchronized void run() {
        if (!WARMED_UP.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        try {
            exercise();
            log.debug("Client classes warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (Exception | LinkageError e) { // the SDK is Kotlin: it may throw checked exceptions it does not declare
            log.debug("Client class warm-up failed (harmless): {}", e.toString());
        }
    }

    /**
     * The warm-up itself, every time it is called.
     *
     * @throws IllegalStateException a step failed: the message names it and the SDK version
     */
    static void exercise() {
        ChatRequest sample = new ChatRequest("warm-up", List.of(new ChatMessage("system", "s"),
                new ChatMessage("user", "u"), new ChatMessage("assistant", "a"), new ChatMessage("user", "u")),
                16, 0.0, 1L, true, Map.of("top_p", 1.0));
        ChatRequest whole = new ChatRequest(sample.model(), sample.messages(), sample.maxTokens(),
                sample.temperature(), sample.seed(), false, sample.extra());
        String step = "building a client over in-memory sockets";
        try (OpenAiModelClient client = new OpenAiModelClient(BASE_URL, null, Timeouts.defaults(),
                ConnectionPolicy.KEEP_ALIVE, NanoClock.SYSTEM, Clock.systemUTC(),
                InMemorySocket.factory(completionResponse(), streamResponse()))) {
            step = "a non-streamed chat (SDK request preparation, JSON body, OkHttp, SDK answer parsing)";
            client.chat(whole, IGNORE);
            step = "a streamed chat (as above, then the event-stream reader)";
            client.chat(sample, IGNORE);
        } catch (Exception | LinkageError e) { // the SDK is Kotlin: it may throw checked exceptions it does not declare
            throw new IllegalStateException("The client's class warm-up failed at " + step + " on openai-java "
                    + sdkVersion() + ": " + e + ". An SDK upgrade changed what the warm-up relies on; fix "
                    + ClassWarmup.class.getSimpleName() + " so a fresh JVM's first request does not pay for class "
                    + "loading in its TTFT.", e);
        }
    }

    /** The openai-java version on the class path, as its jar's manifest gives it. */
    static String sdkVersion() {
        String version = OpenAIClient.class.getPackage().getImplementationVersion();
        return version == null ? "(unknown version)" : version;
    }

    private static byte[] completionResponse() {
        byte[] body = SAMPLE_COMPLETION.getBytes(StandardCharsets.UTF_8);
        return ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n" + SAMPLE_COMPLETION).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] streamResponse() {
        byte[] event = SAMPLE_STREAM.getBytes(StandardCharsets.UTF_8);
        return ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n" + Integer.toHexString(event.length) + "\r\n" + SAMPLE_STREAM
                + "\r\n0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static final ResponseObserver IGNORE = new ResponseObserver.Ignoring() {
    };
}
