package dev.nightbench.client.openai;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import com.openai.models.models.ModelListParams;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.Timeouts;
import okhttp3.ConnectionPool;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ModelClient} for any OpenAI-compatible endpoint (Foundry Local, Ollama, vLLM, llama.cpp server, OpenAI),
 * on the official openai-java SDK over OkHttp; {@code client.openai} is the only package that knows the SDK. This
 * class only coordinates one call; each concern has its own class:
 * <ul>
 *   <li>{@link SdkClients}: the SDK client and the OkHttp client lent to it (no retries, no OkHttp timeouts but
 *       connect, the pooling policy);</li>
 *   <li>{@link RequestBuilder}: a {@link ChatRequest} as the SDK's parameters;</li>
 *   <li>{@link CallInterceptor}: inside OkHttp, t0 and the re-send of a request lost on a stale pooled
 *       connection ({@link ConnectionEvents} tells it what OkHttp did with connections);</li>
 *   <li>{@link Watchdog} and {@link CallGuard}: the first-token, idle and total timeouts, and cancellation of an
 *       interrupted caller;</li>
 *   <li>{@link StreamingChat} (with {@link ChunkStreamReader}) and {@link NonStreamingChat}: the two ways an answer
 *       comes back;</li>
 *   <li>{@link FailureClassifier} (with {@link RetryAfter}): what went wrong, as a {@link FailureClass};</li>
 *   <li>{@link ClassWarmup}: the classes a first request needs, loaded before anything is timed.</li>
 * </ul>
 *
 * <p><b>Timing.</b> {@code t0} is read inside OkHttp once the SDK has built the request and its body
 * ({@link CallInterceptor}); {@code prep} is everything before it. Each streamed chunk is time-stamped the moment it
 * is read, before anything is extracted from it; a non-streamed answer is one chunk, time-stamped when the parsed
 * response is returned.
 *
 * <p><b>Failures</b> are thrown as {@link ModelClientException}, after {@code observer.onClosed}. <b>No retries</b>:
 * the job owns them; a request re-sent after a stale pooled connection is not a retry but a reconnect
 * ({@link ResponseObserver#onReconnect}).
 *
 * <p>The API key is sent as a bearer token and is never logged nor put in an exception message (server error
 * texts are scrubbed of it); {@link #redact} removes it from answer text the same way ({@link KeyRedactor}).
 * Thread-safe; share one instance per endpoint and {@link #close()} it.
 */
public final class OpenAiModelClient implements ModelClient {

    /** Set to {@code false} to skip {@link #warmUpClasses()} in the constructor. */
    public static final String WARMUP_PROPERTY = "nightbench.client.warmup";

    private final URI baseUrl;
    private final Timeouts timeouts;
    private final NanoClock clock;
    private final KeyRedactor redactor;
    private final Watchdog watchdog;
    private final SdkClients sdk;
    private final FailureClassifier failures;
    private final StreamingChat streaming;
    private final NonStreamingChat nonStreaming;

    /**
     * @param baseUrl      endpoint base URL including {@code /v1}
     * @param apiKeyOrNull API key, or null/blank when the endpoint needs none
     * @param timeouts     request timeouts
     * @param clock        nano-time source of every timestamp reported
     */
    public OpenAiModelClient(URI baseUrl, String apiKeyOrNull, Timeouts timeouts, NanoClock clock) {
        this(baseUrl, apiKeyOrNull, timeouts, clock, Clock.systemUTC());
    }

    /** As above, with the wall clock used to turn an HTTP-date {@code Retry-After} into a duration. */
    public OpenAiModelClient(URI baseUrl, String apiKeyOrNull, Timeouts timeouts, NanoClock clock, Clock wallClock) {
        this(baseUrl, apiKeyOrNull, timeouts, ConnectionPolicy.KEEP_ALIVE, clock, wallClock);
    }

    /**
     * As above, with the pooling policy of the endpoint's requests ({@link SdkClients}).
     *
     * @param connection keep connections alive and reuse them, or send {@code Connection: close} and never reuse
     */
    public OpenAiModelClient(URI baseUrl, String apiKeyOrNull, Timeouts timeouts, ConnectionPolicy connection,
                             NanoClock clock, Clock wallClock) {
        this(baseUrl, apiKeyOrNull, timeouts, connection, clock, wallClock, null);
    }

    /**
     * As above; with {@code sockets} (in-memory ones: {@link ClassWarmup}'s own client) connections come from them
     * instead of the network, and the constructor does not warm classes up.
     */
    OpenAiModelClient(URI baseUrl, String apiKeyOrNull, Timeouts timeouts, ConnectionPolicy connection,
                      NanoClock clock, Clock wallClock, SocketFactory sockets) {
        if (sockets == null && warmUpEnabled()) {
            ClassWarmup.run();
        }
        this.baseUrl = baseUrl;
        this.timeouts = timeouts;
        this.clock = clock;
        String apiKey = apiKeyOrNull == null || apiKeyOrNull.isBlank() ? null : apiKeyOrNull;
        this.redactor = new KeyRedactor(apiKey);
        this.watchdog = new Watchdog();
        ConnectionPool pool = SdkClients.pool(connection);
        CallInterceptor interceptor = new CallInterceptor(watchdog, connection, clock, pool);
        this.sdk = new SdkClients(baseUrl, apiKey, timeouts.connect(), pool, interceptor,
                new ConnectionEvents(interceptor::connectionUse), sockets);
        this.failures = new FailureClassifier(timeouts, redactor, new RetryAfter(wallClock));
        this.streaming = new StreamingChat(sdk.sdk(), clock, failures);
        this.nonStreaming = new NonStreamingChat(sdk.sdk(), clock, failures);
    }

    @Override
    public URI baseUrl() {
        return baseUrl;
    }

    /** The text without the API key this client sends (a model may echo it in its answer). */
    @Override
    public String redact(String text) {
        return redactor.redact(text);
    }

    /**
     * Loads and links the classes a first request needs, once per JVM and without any network ({@link ClassWarmup}).
     * The constructor calls it unless the system property {@value #WARMUP_PROPERTY} is {@code false} (there only to
     * measure what it saves). Never throws; a second caller waits until the classes are warm.
     */
    public static void warmUpClasses() {
        ClassWarmup.run();
    }

    /**
     * Starts {@link #warmUpClasses()} on a daemon thread (unless {@value #WARMUP_PROPERTY} is {@code false}), so that
     * it overlaps what the caller does next (the CLI: starting Spring before a run); a client constructed meanwhile
     * waits for it to finish, so no request is sent while classes are still being warmed up.
     */
    public static void warmUpClassesInBackground() {
        if (warmUpEnabled()) {
            Thread.ofPlatform().daemon().name("nightbench-client-warm-up").start(ClassWarmup::run);
        }
    }

    private static boolean warmUpEnabled() {
        return !"false".equalsIgnoreCase(System.getProperty(WARMUP_PROPERTY));
    }

    /**
     * The endpoint probe, {@code GET /models}: the model ids the server lists. It honours the timeouts from its t0:
     * connect, then the first-token timeout until the response headers (a listing has no token: this is its first
     * byte), then total; a timeout's message names the plan setting that fired.
     */
    @Override
    public List<String> listModels() {
        String callId = watchdog.nextCallId();
        CallGuard guard = watchdog.watch(callId, false, true, null, clock.nanoTime(), timeouts.firstToken(),
                timeouts.total(), timeouts.idle());
        try {
            List<String> ids = new ArrayList<>();
            for (Model model : sdk.sdk().models().list(ModelListParams.builder()
                    .putAdditionalHeader(Watchdog.CALL_HEADER, callId).build()).data()) {
                model._id().asKnown().ifPresent(ids::add);
            }
            if (!guard.complete()) {
                throw failures.classify(new IOException("watchdog fired"), guard, "listing models");
            }
            return ids;
        } catch (ModelClientException e) {
            throw e;
        } catch (Exception e) { // the SDK is Kotlin: it may throw checked exceptions it does not declare
            throw failures.classify(e, guard, "listing models");
        } finally {
            watchdog.release(callId, guard);
        }
    }

    @Override
    public void chat(ChatRequest request, ResponseObserver observer) {
        long prepStart = clock.nanoTime();
        String callId = watchdog.nextCallId();
        ChatCompletionCreateParams params = RequestBuilder.params(request, callId);

        // the timers start with t0, which the guard reports (from OkHttp, or at a failure before it)
        CallGuard guard = watchdog.watch(callId, request.stream(), false, observer, prepStart,
                request.stream() ? timeouts.firstToken() : Duration.ZERO, timeouts.total(), timeouts.idle());
        try {
            if (Thread.currentThread().isInterrupted()) {
                guard.reportSent(clock.nanoTime());
                throw new ModelClientException(FailureClass.CANCELLED, "interrupted before sending");
            }
            if (request.stream()) {
                streaming.send(params, guard, observer);
            } else {
                nonStreaming.send(params, guard, observer);
            }
        } catch (ModelClientException e) {
            long closed = clock.nanoTime();
            guard.reportSent(closed);
            observer.onClosed(closed);
            throw e;
        } catch (Exception e) { // the SDK is Kotlin: it may throw checked exceptions it does not declare
            long closed = clock.nanoTime();
            guard.reportSent(closed);
            ModelClientException failure = failures.classify(e, guard, "chat completion");
            observer.onClosed(closed);
            throw failure;
        } finally {
            watchdog.release(callId, guard);
        }
    }

    @Override
    public void close() {
        watchdog.close();
        sdk.close();
    }
}
