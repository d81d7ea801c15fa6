package dev.nightbench.client.openai;

import com.fasterxml.jackson.core.JacksonException;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.LogLevel;
import com.openai.core.ObjectMappers;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import com.openai.models.models.ModelListParams;
import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.Timeouts;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link ModelClient} for any OpenAI-compatible endpoint (Foundry Local, Ollama, vLLM, llama.cpp server, OpenAI),
 * on the official openai-java SDK over OkHttp. The only class that knows the SDK.
 *
 * <p><b>Timing.</b> {@code t0} is read inside OkHttp, in this client's interceptor, once the SDK has built the HTTP
 * request and serialised its body: what remains after it is OkHttp taking a pooled connection (or connecting) and
 * writing the bytes. {@code prep} is everything before: the SDK's parameters, its request and the JSON body
 * (METRICS.md: t0 is "after the request body is built"). Reading t0 before handing the parameters to the SDK
 * instead charged the SDK's own request building to TTFT; the timing benchmark ({@code bench/README.md}) measured
 * that as most of the TTFT error at concurrency 1. Each streamed chunk is time-stamped the moment the SDK hands it
 * over, before anything is extracted from it. A non-streamed answer is reported as one chunk, time-stamped when
 * the parsed response is returned.
 *
 * <p><b>Timeouts</b> ({@link Timeouts}). Connect is OkHttp's connect timeout. The others are enforced by
 * a watchdog that cancels the OkHttp call, so each failure is classified by what was actually late:
 * <ul>
 *   <li>first token: from t0 until the first chunk carrying content or reasoning (streaming only);</li>
 *   <li>idle: the longest silence between chunks once the first token has arrived (streaming only; before it the
 *       first-token limit governs, so a slow prefill is not mistaken for a stall);</li>
 *   <li>total: from t0 until the response is fully read. A non-streamed request has only this one, since its
 *       answer arrives all at once.</li>
 * </ul>
 * OkHttp's read, write and call timeouts are off (connect stays OkHttp's): each is an okio {@code AsyncTimeout},
 * entered and left around every socket read or every call under okio's one global lock, which the client
 * benchmark measured as the largest single CPU cost of a streamed request (see {@code bench/README.md}).
 *
 * <p><b>Failures</b> are thrown as {@link ModelClientException}, after {@code observer.onClosed}: refused or
 * unresolvable connection, or a connection lost before any response, is {@code CONNECT_ERROR}; a connection lost
 * after the response began, or a stream that ends without a {@code finish_reason}, is {@code TRUNCATED_STREAM};
 * 429 is {@code HTTP_429} and 5xx {@code HTTP_5XX} (both with {@code retry-after-ms} or {@code Retry-After}, in
 * seconds or as an HTTP date), as is an error event inside a stream; other 4xx are {@code HTTP_4XX} with the
 * server's error text (truncated, scrubbed of the key); unparsable JSON or SSE, or a streaming request answered
 * without an event stream, is {@code INVALID_RESPONSE}; an interrupted caller is {@code CANCELLED} (a 50 ms scan
 * cancels the call, since a platform thread blocked in a socket read does not notice an interrupt).
 *
 * <p><b>No retries</b> (the job owns them): the SDK's retries are off, and OkHttp does not retry on connection
 * failures. Idle pooled connections are dropped after {@value #KEEP_ALIVE_SECONDS} s, shorter than the 5 s
 * keep-alive of uvicorn (vLLM) and cpp-httplib (llama.cpp), so a request is not sent on a connection the server
 * is closing.
 *
 * <p><b>Stale connections: a re-send, not a retry.</b> Some servers close a connection right after a streamed answer
 * while advertising keep-alive (llama.cpp's {@code llama-server}); OkHttp checks a pooled connection's health only
 * after 10 s idle, so the next request goes out on the dead connection and fails with "unexpected end of stream" or
 * a reset. Such a request never reached the model. When an exchange fails on a <em>reused</em> pooled connection
 * (OkHttp opened no connection for it: {@link ConnectionEvents}) before the response headers arrived, and no
 * timeout or cancellation caused it, this client's interceptor drops the pool's idle connections (probably closed
 * too) and sends the request again at once on a fresh connection, at most {@value #MAX_RECONNECTS} times; it tells
 * the observer ({@link ResponseObserver#onReconnect}), and the job stores it as a reconnect, not as a failed
 * attempt (METRICS.md). <b>t0 of a re-sent request</b> is the instant the interceptor hands the re-send to OkHttp
 * (what follows is the connect and the write, as for any request on a new connection): t0 is the send of the request
 * the model answered, and the lost send's few hundred microseconds belong to no figure. The timeouts restart there
 * too. A failure on a fresh connection, after the headers, or past the bound stays a {@code CONNECT_ERROR} (or
 * {@code TRUNCATED_STREAM}) for the job's retry policy. "Before any byte of the response" is read as "before the
 * status line and headers were complete": OkHttp reports no finer event, and a server that dies half-way through a
 * status line has not answered either.
 *
 * <p><b>Pooling policy</b> ({@link ConnectionPolicy}, {@code run.connection}): {@code keep_alive} pools up to
 * {@value #MAX_IDLE_CONNECTIONS} idle connections; {@code close} sends {@code Connection: close} on every request
 * and keeps no idle connection, so each request opens its own (its TTFT then includes the connect).
 *
 * <p><b>The endpoint probe</b> ({@link #listModels()}) honours the plan's timeouts from its t0: connect, then the
 * first-token timeout until the response headers (a listing has no token: this is its first byte), then total;
 * its message names the plan setting that fired.
 *
 * <p>The API key is sent as a bearer token and is never logged nor put in an exception message (server error
 * texts are scrubbed of it); {@link #redact} removes it from answer text the same way ({@link KeyRedactor}).
 * Thread-safe; share one instance per endpoint and {@link #close()} it.
 */
public final class OpenAiModelClient implements ModelClient {

    private static final Logger log = LoggerFactory.getLogger(OpenAiModelClient.class);

    /** Internal header tying an OkHttp call to its watchdog; removed before the request leaves. */
    static final String CALL_HEADER = "X-Nightbench-Call";
    static final String NO_API_KEY = "unused";
    static final int MAX_IDLE_CONNECTIONS = 256;
    static final int KEEP_ALIVE_SECONDS = 4;
    static final int MAX_ERROR_TEXT = 500;
    /** Re-sends of one request after stale pooled connections; beyond them the failure is a real connect_error. */
    static final int MAX_RECONNECTS = 2;
    private static final Duration INTERRUPT_CHECK = Duration.ofMillis(50);
    private static final Set<String> OWNED_BODY_FIELDS = Set.of("model", "messages", "stream", "stream_options");
    /** Set to {@code false} to skip {@link #warmUpClasses()} in the constructor. */
    public static final String WARMUP_PROPERTY = "nightbench.client.warmup";
    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();
    private static final String SAMPLE_CHUNK = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"a\","
            + "\"reasoning_content\":\"r\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
    private static final String SAMPLE_STREAM = ": warm-up\n\ndata: " + SAMPLE_CHUNK + "\r\n\r\ndata: [DONE]\n\n";
    private static final String SAMPLE_COMPLETION = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":0,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"a\"},"
            + "\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

    private final OpenAIClient client;
    private final okhttp3.OkHttpClient okHttp;
    private final ConnectionPolicy connection;
    private final KeyRedactor redactor;
    private final Timeouts timeouts;
    private final NanoClock clock;
    private final Clock wallClock;
    private final String apiKey;
    private final ScheduledThreadPoolExecutor watchdog;
    private final Map<String, Guard> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong callIds = new AtomicLong();

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
    public OpenAiModelClient(URI baseUrl, String apiKeyOrNull, Timeouts timeouts, NanoClock clock,
                             Clock wallClock) {
        this(baseUrl, apiKeyOrNull, timeouts, ConnectionPolicy.KEEP_ALIVE, clock, wallClock);
    }

    /**
     * As above, with the pooling policy of the endpoint's requests (see the class comment).
     *
     * @param connection keep connections alive and reuse them, or send {@code Connection: close} and never reuse
     */
    public OpenAiModelClient(URI baseUrl, String apiKeyOrNull, Timeouts timeouts,
                             ConnectionPolicy connection, NanoClock clock, Clock wallClock) {
        if (!"false".equalsIgnoreCase(System.getProperty(WARMUP_PROPERTY))) {
            warmUpClasses();
        }
        this.timeouts = timeouts;
        this.connection = connection;
        this.clock = clock;
        this.wallClock = wallClock;
        this.apiKey = apiKeyOrNull == null || apiKeyOrNull.isBlank() ? null : apiKeyOrNull;
        this.redactor = new KeyRedactor(apiKey);
        this.watchdog = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "nightbench-client-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        this.watchdog.setRemoveOnCancelPolicy(true);
        this.watchdog.scheduleWithFixedDelay(() -> inFlight.values().forEach(Guard::checkInterrupted),
                INTERRUPT_CHECK.toMillis(), INTERRUPT_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        // our own OkHttp client, lent to the SDK (which then turns OkHttp's own retries off): its event listener
        // tells a stale pooled connection from a server that failed (see the class comment)
        this.okHttp = new okhttp3.OkHttpClient.Builder()
                .connectTimeout(timeouts.connect())
                .readTimeout(Duration.ZERO)     // off: the watchdog enforces every wait (see the class comment)
                .writeTimeout(Duration.ZERO)
                .callTimeout(Duration.ZERO)
                .connectionPool(new ConnectionPool(connection == ConnectionPolicy.CLOSE ? 0 : MAX_IDLE_CONNECTIONS,
                        KEEP_ALIVE_SECONDS, TimeUnit.SECONDS))
                .eventListenerFactory(new ConnectionEvents(this::connectionUse))
                .build();
        this.client = OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl.toString())
                .apiKey(apiKey == null ? NO_API_KEY : apiKey)
                .maxRetries(0)
                .disableTelemetry(true)
                .logLevel(LogLevel.OFF)
                .responseValidation(false)
                .okHttpClient(okHttp)
                .addInterceptor(this::intercept)
                .build();
    }

    /** The connection state of one of this client's calls, or null for a call that is not ours. */
    private ConnectionEvents.Use connectionUse(Call call) {
        String callId = call.request().header(CALL_HEADER);
        Guard guard = callId == null ? null : inFlight.get(callId);
        return guard == null ? null : guard.use;
    }

    /** The text without the API key this client sends (a model may echo it in its answer). */
    @Override
    public String redact(String text) {
        return redactor.redact(text);
    }

    /**
     * Loads and links the classes a first request needs, once per JVM and without any network: builds the SDK's
     * parameters for a sample request, serialises them with the SDK's own JSON mapper, runs the SDK's request
     * preparation (which reflects over the parameters with kotlin-reflect), parses a sample non-streamed answer,
     * and runs one streamed exchange through OkHttp over an {@link InMemorySocket} into the event-stream reader. Without it the first request of a fresh JVM pays for this class loading
     * between t0 and its first token, and the job stores that as the model's {@code cold_start_ms}; the timing
     * benchmark measures the difference ({@code bench/README.md}). The constructor calls it unless the system
     * property {@value #WARMUP_PROPERTY} is {@code false} (there only to measure what it saves). Never throws.
     */
    public static synchronized void warmUpClasses() { // synchronized: a second caller waits until the classes are warm
        if (!WARMED_UP.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        try {
            ChatRequest sample = new ChatRequest("warm-up", List.of(new ChatMessage("system", "s"),
                    new ChatMessage("user", "u"), new ChatMessage("assistant", "a"), new ChatMessage("user", "u")),
                    16, 0.0, 1L, true, Map.of("top_p", 1.0));
            ChatCompletionCreateParams params = params(sample, "0");
            ObjectMappers.jsonMapper().writeValueAsBytes(params._body());
            // the SDK's request preparation reflects over the parameters with kotlin-reflect to find the model name;
            // the method is Kotlin-internal (synthetic), hence reflection
            com.openai.core.PrepareRequest.class.getMethod("modelNameOrNull", com.openai.core.Params.class)
                    .invoke(null, params);
            new ChunkStreamReader(new ByteArrayInputStream(SAMPLE_STREAM.getBytes(StandardCharsets.UTF_8)),
                    System::nanoTime).read((arrival, chunk) -> {
                    });
            ObjectMappers.jsonMapper().readValue(SAMPLE_COMPLETION, ChatCompletion.class)._choices().asKnown();
            warmUpOkHttp();
            log.debug("Client classes warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (Exception | LinkageError e) {
            log.debug("Client class warm-up failed (harmless): {}", e.toString());
        }
    }

    /**
     * Starts {@link #warmUpClasses()} on a daemon thread (unless {@value #WARMUP_PROPERTY} is {@code false}), so that
     * it overlaps what the caller does next (the CLI: starting Spring before a run); a client constructed meanwhile
     * waits for it to finish, so no request is sent while classes are still being warmed up.
     */
    public static void warmUpClassesInBackground() {
        if (!"false".equalsIgnoreCase(System.getProperty(WARMUP_PROPERTY))) {
            Thread.ofPlatform().daemon().name("nightbench-client-warm-up").start(OpenAiModelClient::warmUpClasses);
        }
    }

    /** One streamed exchange through OkHttp over an {@link InMemorySocket}: OkHttp's whole call path, no network. */
    private static void warmUpOkHttp() throws IOException {
        byte[] event = ("data: " + SAMPLE_CHUNK + "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
        byte[] response = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(event.length) + "\r\n" + new String(event, StandardCharsets.UTF_8) + "\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        okhttp3.OkHttpClient okHttp = new okhttp3.OkHttpClient.Builder()
                .socketFactory(InMemorySocket.factory(response))
                .addInterceptor(chain -> chain.proceed(chain.request().newBuilder().removeHeader(CALL_HEADER).build()))
                .build();
        try {
            Request request = new Request.Builder().url("http://127.0.0.1:9/v1/chat/completions")
                    .header(CALL_HEADER, "0").header("Accept-Encoding", "identity")
                    .post(okhttp3.RequestBody.create(new byte[] {'{', '}'}, okhttp3.MediaType.get("application/json")))
                    .build();
            try (Response r = okHttp.newCall(request).execute()) {
                new ChunkStreamReader(r.body().byteStream(), System::nanoTime).read((arrival, chunk) -> {
                });
            }
        } finally {
            okHttp.connectionPool().evictAll();
            okHttp.dispatcher().executorService().shutdown();
        }
    }

    @Override
    public List<String> listModels() {
        String callId = nextCallId();
        // the plan's timeouts, from t0 as for a chat: connect; the first-token timeout until the response headers
        // (a listing has no token: its first byte); total until the list is read
        Guard guard = new Guard(false, true, null, clock.nanoTime(), () -> new Guard.Timers(watchdog,
                timeouts.firstToken(), timeouts.total()));
        inFlight.put(callId, guard);
        try {
            List<String> ids = new ArrayList<>();
            for (Model model : client.models().list(ModelListParams.builder().putAdditionalHeader(CALL_HEADER, callId)
                    .build()).data()) {
                model._id().asKnown().ifPresent(ids::add);
            }
            if (!guard.complete()) {
                throw classify(new IOException("watchdog fired"), guard, "listing models");
            }
            return ids;
        } catch (ModelClientException e) {
            throw e;
        } catch (Exception e) { // the SDK is Kotlin: it may throw checked exceptions it does not declare
            throw classify(e, guard, "listing models");
        } finally {
            guard.disarm();
            inFlight.remove(callId);
        }
    }

    @Override
    public void chat(ChatRequest request, ResponseObserver observer) {
        long prepStart = clock.nanoTime();
        String callId = nextCallId();
        ChatCompletionCreateParams params = params(request, callId);

        // the timers start with t0, which the guard reports (from OkHttp, or at a failure before it)
        Guard guard = new Guard(request.stream(), false, observer, prepStart, () -> new Guard.Timers(watchdog,
                request.stream() ? timeouts.firstToken() : Duration.ZERO, timeouts.total()));
        inFlight.put(callId, guard);
        try {
            if (Thread.currentThread().isInterrupted()) {
                guard.reportSent(clock.nanoTime());
                throw new ModelClientException(FailureClass.CANCELLED, "interrupted before sending");
            }
            if (request.stream()) {
                stream(params, guard, observer);
            } else {
                complete(params, guard, observer);
            }
        } catch (ModelClientException e) {
            long closed = clock.nanoTime();
            guard.reportSent(closed);
            observer.onClosed(closed);
            throw e;
        } catch (Exception e) { // the SDK is Kotlin: it may throw checked exceptions it does not declare
            long closed = clock.nanoTime();
            guard.reportSent(closed);
            ModelClientException failure = classify(e, guard, "chat completion");
            observer.onClosed(closed);
            throw failure;
        } finally {
            guard.disarm();
            inFlight.remove(callId);
        }
    }

    private void stream(ChatCompletionCreateParams params, Guard guard, ResponseObserver observer) throws IOException {
        // the SDK sends the request and turns an HTTP error status into an exception; the event stream itself is
        // read by ChunkStreamReader (see there why)
        HttpResponseFor<StreamResponse<ChatCompletionChunk>> response =
                client.chat().completions().withRawResponse().createStreaming(params);
        StreamState state = new StreamState();
        boolean clean = false;
        try {
            state.done = new ChunkStreamReader(response.body(), clock).read((arrival, chunk) -> {
                guard.lastChunkNanos = System.nanoTime();
                state.chunks++;
                if (chunk.error != null) {
                    throw new ModelClientException(FailureClass.HTTP_5XX,
                            "server reported an error mid-stream: " + scrub(chunk.error), guard.status, null, null);
                }
                if (chunk.hasChoice) {
                    if (!guard.firstToken && (notEmpty(chunk.content) || notEmpty(chunk.reasoning))) {
                        guard.firstTokenArrived(watchdog, timeouts.idle());
                    }
                    observer.onChunk(arrival, chunk.content, chunk.reasoning);
                    if (chunk.finishReason != null) {
                        state.finished = true;
                        observer.onFinish(chunk.finishReason);
                    }
                }
                if (chunk.hasUsage) {
                    observer.onUsage(chunk.promptTokens, chunk.completionTokens);
                }
                if (Thread.currentThread().isInterrupted()) {
                    guard.cancelCall();
                    throw new ModelClientException(FailureClass.CANCELLED, "interrupted while streaming");
                }
            });
            clean = true;
        } finally {
            if (!clean || !state.finished || guard.tripped() != null) {
                guard.cancelCall();
            }
            response.close();
        }
        long closed = clock.nanoTime();
        if (!guard.complete()) {
            throw classify(new IOException("watchdog fired"), guard, "chat completion");
        }
        if (!state.finished && state.chunks == 0 && !isEventStream(guard.contentType)) {
            throw new ModelClientException(FailureClass.INVALID_RESPONSE,
                    "expected a text/event-stream, got " + scrub(String.valueOf(guard.contentType)) + " without events",
                    guard.status, null, null);
        }
        if (!state.finished) {
            throw new ModelClientException(FailureClass.TRUNCATED_STREAM,
                    "stream ended without a finish_reason", guard.status, null, null);
        }
        observer.onClosed(closed);
    }

    /** What one stream showed so far. */
    private static final class StreamState {
        boolean done;
        boolean finished;
        int chunks;
    }

    private void complete(ChatCompletionCreateParams params, Guard guard, ResponseObserver observer) {
        ChatCompletion completion = client.chat().completions().create(params);
        long now = clock.nanoTime();
        if (!guard.complete()) {
            throw classify(new IOException("watchdog fired"), guard, "chat completion");
        }
        List<ChatCompletion.Choice> choices = completion._choices().asKnown()
                .orElseThrow(() -> new ModelClientException(FailureClass.INVALID_RESPONSE,
                        "response has no choices", 200, null, null));
        if (choices.isEmpty()) {
            throw new ModelClientException(FailureClass.INVALID_RESPONSE, "response has no choices", 200, null,
                    null);
        }
        ChatCompletion.Choice choice = choices.get(0);
        var message = choice._message().asKnown();
        String content = message.flatMap(m -> m._content().asKnown()).orElse(null);
        String reasoning = message.map(m -> reasoning(m._additionalProperties())).orElse(null);
        observer.onChunk(now, content, reasoning);
        choice._finishReason().asKnown().map(ChatCompletion.Choice.FinishReason::asString)
                .ifPresent(observer::onFinish);
        completion._usage().asKnown().ifPresent(usage -> reportUsage(usage, observer));
        observer.onClosed(now);
    }

    private static ChatCompletionCreateParams params(ChatRequest request, String callId) {
        ChatCompletionCreateParams.Builder builder = ChatCompletionCreateParams.builder()
                .model(request.model())
                .putAdditionalHeader(CALL_HEADER, callId);
        for (ChatMessage message : request.messages()) {
            switch (message.role()) {
                case "system" -> builder.addSystemMessage(message.content());
                case "developer" -> builder.addDeveloperMessage(message.content());
                case "user" -> builder.addUserMessage(message.content());
                case "assistant" -> builder.addMessage(
                        ChatCompletionAssistantMessageParam.builder().content(message.content()).build());
                default -> throw new IllegalArgumentException("unsupported message role: " + message.role());
            }
        }
        Map<String, Object> extra = request.extra();
        if (request.maxTokens() != null && !extra.containsKey("max_tokens")
                && !extra.containsKey("max_completion_tokens")) {
            builder.maxTokens(request.maxTokens().longValue());
        }
        if (request.temperature() != null && !extra.containsKey("temperature")) {
            builder.temperature(request.temperature());
        }
        if (request.seed() != null && !extra.containsKey("seed")) {
            builder.seed(request.seed());
        }
        if (request.stream()) {
            builder.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
            // OkHttp otherwise asks for gzip, and a compressing server or proxy may then hold events back to fill
            // its compression blocks: the chunks would arrive late and together
            builder.putAdditionalHeader("Accept-Encoding", "identity");
        }
        extra.forEach((name, value) -> {
            if (OWNED_BODY_FIELDS.contains(name)) {
                log.debug("Ignoring per-model parameter '{}': Nightbench sets it", name);
            } else {
                builder.putAdditionalBodyProperty(name, JsonValue.from(value));
            }
        });
        return builder.build();
    }

    /**
     * Runs inside OkHttp for every call: ties the call to its watchdog, strips the internal header, asks for
     * {@code Connection: close} under that policy, and re-sends a request that a stale pooled connection lost
     * (see the class comment).
     */
    private Response intercept(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        String callId = request.header(CALL_HEADER);
        Guard guard = callId == null ? null : inFlight.get(callId);
        if (callId != null || connection == ConnectionPolicy.CLOSE) {
            Request.Builder builder = request.newBuilder().removeHeader(CALL_HEADER);
            if (connection == ConnectionPolicy.CLOSE) {
                builder.header("Connection", "close");
            }
            request = builder.build();
        }
        if (guard == null) {
            return chain.proceed(request);
        }
        guard.attach(chain.call());
        // t0: the SDK has built the request and serialised its body (its length is already known); what
        // follows is OkHttp taking a connection and writing the bytes
        guard.reportSent(clock.nanoTime());
        while (true) {
            guard.use.reset();
            Response response;
            try {
                response = chain.proceed(request);
            } catch (IOException e) {
                if (!lostOnStaleConnection(guard, request)) {
                    throw e;
                }
                // the server closes idle connections (llama-server after every answer): the other pooled ones are
                // probably closed too, so the re-send opens a fresh connection
                okHttp.connectionPool().evictAll();
                log.debug("Request lost on a reused connection before any response ({}); re-sending on a fresh one",
                        describe(e));
                guard.reconnected(clock.nanoTime());
                continue;
            }
            guard.status = response.code();
            guard.contentType = response.header("Content-Type");
            guard.responseStarted = true;
            return response;
        }
    }

    /**
     * True when the exchange that just failed went over a pooled connection and no response arrived: the server had
     * closed that connection, never saw the request, and it may be sent again at once (at most
     * {@value #MAX_RECONNECTS} times; a timeout, a cancellation or a body that cannot be sent twice never are).
     */
    private static boolean lostOnStaleConnection(Guard guard, Request request) {
        return guard.reconnects < MAX_RECONNECTS
                && guard.use.reused() && !guard.use.headersReceived
                && guard.tripped() == null && !Thread.currentThread().isInterrupted()
                && (guard.call == null || !guard.call.isCanceled())
                && (request.body() == null || !request.body().isOneShot());
    }

    private ModelClientException classify(Throwable error, Guard guard, String what) {
        FailureClass tripped = guard.tripped();
        if (tripped == FailureClass.CANCELLED) {
            return new ModelClientException(FailureClass.CANCELLED, what + " interrupted", null, null, error);
        }
        if (tripped != null) {
            return new ModelClientException(tripped, timeoutMessage(tripped, guard.probe), null, null, error);
        }
        if (Thread.currentThread().isInterrupted() || has(error, InterruptedException.class)
                || has(error, ClosedByInterruptException.class)) {
            return new ModelClientException(FailureClass.CANCELLED, what + " interrupted", null, null, error);
        }
        if (error instanceof SseException sse) {
            return new ModelClientException(FailureClass.HTTP_5XX,
                    "server reported an error mid-stream: " + serverText(sse), null, null, error);
        }
        if (error instanceof OpenAIServiceException http) {
            return httpFailure(http);
        }
        Integer status = guard.responseStarted ? guard.status : null;
        JacksonException unparsable = find(error, JacksonException.class);
        if (unparsable != null) {
            return new ModelClientException(FailureClass.INVALID_RESPONSE,
                    "unparsable response: " + scrub(unparsable.getOriginalMessage()), status, null, error);
        }
        IOException io = findIo(error);
        if (io == null) {
            return new ModelClientException(FailureClass.INVALID_RESPONSE,
                    what + " failed: " + scrub(describe(error)), status, null, error);
        }
        SocketTimeoutException timeout = find(error, SocketTimeoutException.class);
        if (timeout != null) {
            if (!guard.responseStarted && String.valueOf(timeout.getMessage()).toLowerCase().contains("connect")) {
                return new ModelClientException(FailureClass.TIMEOUT_CONNECT,
                        timeoutMessage(FailureClass.TIMEOUT_CONNECT, guard.probe), null, null, error);
            }
            FailureClass late = !guard.streaming ? FailureClass.TIMEOUT_TOTAL
                    : guard.firstToken ? FailureClass.TIMEOUT_IDLE : FailureClass.TIMEOUT_FIRST_TOKEN;
            return new ModelClientException(late, timeoutMessage(late, guard.probe), status, null, error);
        }
        if (has(error, InterruptedIOException.class)) { // an I/O wait cut short (OkHttp sets no timeout of its own)
            return new ModelClientException(FailureClass.TIMEOUT_TOTAL,
                    timeoutMessage(FailureClass.TIMEOUT_TOTAL, guard.probe), status, null, error);
        }
        if (has(error, ConnectException.class) || has(error, NoRouteToHostException.class)
                || has(error, UnknownHostException.class)) {
            return new ModelClientException(FailureClass.CONNECT_ERROR, "cannot connect: " + scrub(describe(io)),
                    null, null, error);
        }
        if (guard.responseStarted) {
            return new ModelClientException(FailureClass.TRUNCATED_STREAM,
                    "connection lost while reading the response: " + scrub(describe(io)), status, null, error);
        }
        return new ModelClientException(FailureClass.CONNECT_ERROR,
                "connection failed before a response: " + scrub(describe(io)) + (guard.reconnects == 0 ? ""
                        : " (also after " + guard.reconnects + " re-send(s) on a fresh connection)"), null, null, error);
    }

    private ModelClientException httpFailure(OpenAIServiceException http) {
        int status = http.statusCode();
        String message = "HTTP " + status + ": " + serverText(http);
        if (status == 429) {
            return new ModelClientException(FailureClass.HTTP_429, message, status, retryAfter(http.headers()), http);
        }
        if (status >= 500) {
            return new ModelClientException(FailureClass.HTTP_5XX, message, status, retryAfter(http.headers()), http);
        }
        if (status >= 400) {
            return new ModelClientException(FailureClass.HTTP_4XX, message, status, null, http);
        }
        return new ModelClientException(FailureClass.INVALID_RESPONSE, "unexpected " + message, status, null, http);
    }

    private String timeoutMessage(FailureClass failure, boolean probe) {
        if (probe) { // the endpoint probe: name the plan setting that fired
            return switch (failure) {
                case TIMEOUT_FIRST_TOKEN -> "no response to GET /models within the first-token timeout of "
                        + timeouts.firstToken() + " (run.timeouts.first_token)";
                case TIMEOUT_TOTAL -> "model list not complete within the total timeout of " + timeouts.total()
                        + " (run.timeouts.total)";
                case TIMEOUT_CONNECT -> "connect timed out after " + timeouts.connect() + " (run.timeouts.connect)";
                default -> failure.code();
            };
        }
        return switch (failure) {
            case TIMEOUT_FIRST_TOKEN -> "no token within the first-token timeout of " + timeouts.firstToken();
            case TIMEOUT_IDLE -> "no chunk for the idle timeout of " + timeouts.idle();
            case TIMEOUT_TOTAL -> "response not complete within the total timeout of " + timeouts.total();
            case TIMEOUT_CONNECT -> "connect timed out after " + timeouts.connect();
            default -> failure.code();
        };
    }

    /** The server's own error text: {@code error.message} of an OpenAI-shaped body, else the body itself. */
    private String serverText(OpenAIServiceException http) {
        String text = null;
        try {
            JsonValue body = http.body();
            Map<String, JsonValue> root = object(body);
            if (root != null) {
                JsonValue error = root.get("error");
                if (error != null) {
                    text = text(error);
                    Map<String, JsonValue> errorObject = object(error);
                    if (text == null && errorObject != null && errorObject.get("message") != null) {
                        text = text(errorObject.get("message"));
                    }
                }
                if (text == null && root.get("message") != null) {
                    text = text(root.get("message"));
                }
            }
            if (text == null) {
                text = text(body);
            }
            if (text == null && !body.isMissing()) {
                text = body.toString();
            }
        } catch (RuntimeException e) {
            log.debug("Cannot read the error body: {}", e.toString());
        }
        if (text == null || text.isBlank()) {
            text = String.valueOf(http.getMessage());
        }
        return scrub(text);
    }

    /** Truncates and removes the API key (the same redaction as answers), so no message can carry it. */
    private String scrub(String text) {
        String s = redactor.redact(text == null ? "" : text);
        return s.length() > MAX_ERROR_TEXT ? redactor.redact(s.substring(0, MAX_ERROR_TEXT)) + "…" : s;
    }

    /** {@code retry-after-ms}, else {@code Retry-After} in seconds or as an HTTP date; null when absent. */
    Duration retryAfter(Headers headers) {
        String ms = first(headers, "retry-after-ms");
        if (ms != null) {
            try {
                return nonNegative(Duration.ofNanos(Math.round(Double.parseDouble(ms.trim()) * 1_000_000)));
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        return parseRetryAfter(first(headers, "retry-after"), wallClock.instant());
    }

    static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                return null;
            }
            return nonNegative(Duration.ofMillis(Math.round(seconds * 1000)));
        } catch (NumberFormatException e) {
            // not seconds: an HTTP date
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return nonNegative(Duration.between(now, at));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String first(Headers headers, String name) {
        for (String header : headers.names()) {
            if (header.equalsIgnoreCase(name)) {
                List<String> values = headers.values(header);
                if (!values.isEmpty()) {
                    return values.get(0);
                }
            }
        }
        return null;
    }

    private static void reportUsage(CompletionUsage usage, ResponseObserver observer) {
        observer.onUsage(usage._promptTokens().asKnown().map(Long::intValue).orElse(null),
                usage._completionTokens().asKnown().map(Long::intValue).orElse(null));
    }

    /** {@code reasoning_content} (vLLM, llama.cpp, DeepSeek), else {@code reasoning} (Ollama, OpenRouter). */
    private static String reasoning(Map<String, JsonValue> additional) {
        JsonValue value = additional.get("reasoning_content");
        if (value == null) {
            value = additional.get("reasoning");
        }
        return value == null ? null : text(value);
    }

    /** The string a JSON value holds, or null. ({@link JsonValue} is a raw {@code JsonField} in Java.) */
    private static String text(JsonValue value) {
        Optional<?> s = value.asString();
        return s.isPresent() && s.get() instanceof String str ? str : null;
    }

    /** The members of a JSON object value, or null. */
    @SuppressWarnings("unchecked")
    private static Map<String, JsonValue> object(JsonValue value) {
        Optional<?> o = value.asObject();
        return o.isPresent() ? (Map<String, JsonValue>) o.get() : null;
    }

    private String nextCallId() {
        return Long.toString(callIds.incrementAndGet());
    }

    private static boolean isEventStream(String contentType) {
        return contentType != null && contentType.toLowerCase().startsWith("text/event-stream");
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        return find(error, type) != null;
    }

    /** The first I/O error in the chain that is not a JSON parse error. */
    private static IOException findIo(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException io && !(t instanceof JacksonException)) {
                return io;
            }
        }
        return null;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank()
                ? error.getClass().getSimpleName()
                : error.getClass().getSimpleName() + ": " + message;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        client.close();
        okHttp.dispatcher().executorService().shutdown(); // lent to the SDK, so closed here
        okHttp.connectionPool().evictAll();
    }

    /**
     * The watchdog of one call: trips at most once, and tripping cancels the OkHttp call so the reading thread
     * wakes with an I/O error that {@link #classify} then reports as the timeout that tripped.
     */
    private static final class Guard {

        private static final Object COMPLETED = new Object();

        final boolean streaming;
        /** The endpoint probe: its first-token timer waits for the response headers. */
        final boolean probe;
        final ConnectionEvents.Use use = new ConnectionEvents.Use();
        /** Re-sends after a stale pooled connection (calling thread only). */
        int reconnects;
        private final ResponseObserver observer;
        private final long prepStart;
        private final java.util.function.Supplier<Timers> timersAtT0;
        private boolean sent;   // only the calling thread reports t0 (OkHttp runs interceptors on it)
        private final AtomicReference<Object> state = new AtomicReference<>();
        private final List<ScheduledFuture<?>> timers = new ArrayList<>(3);
        private final Thread owner = Thread.currentThread();
        private volatile Call call;
        volatile int status;
        volatile String contentType;
        volatile boolean responseStarted;
        volatile boolean firstToken;
        volatile long lastChunkNanos;

        /** What to arm at t0: the first-token (zero for none) and total timeouts. */
        record Timers(ScheduledThreadPoolExecutor watchdog, Duration firstToken, Duration total) {
        }

        Guard(boolean streaming, boolean probe, ResponseObserver observer, long prepStart,
              java.util.function.Supplier<Timers> timersAtT0) {
            this.streaming = streaming;
            this.probe = probe;
            this.observer = observer;
            this.prepStart = prepStart;
            this.timersAtT0 = timersAtT0;
        }

        /**
         * t0: arms the timeouts and reports it to the observer, once; called when OkHttp starts the call, or at a
         * failure if it never did.
         */
        void reportSent(long t0) {
            if (!sent) {
                sent = true;
                if (timersAtT0 != null) {
                    Timers t = timersAtT0.get();
                    arm(t.watchdog(), t.firstToken(), t.total());
                }
                if (observer != null) {
                    observer.onSent(t0, t0 - prepStart);
                }
            }
        }

        /** The request is re-sent on a fresh connection at {@code t0}: the timeouts and the figures restart there. */
        void reconnected(long t0) {
            reconnects++;
            synchronized (timers) {
                for (ScheduledFuture<?> timer : timers) {
                    timer.cancel(false);
                }
                timers.clear();
            }
            if (timersAtT0 != null) {
                Timers t = timersAtT0.get();
                arm(t.watchdog(), t.firstToken(), t.total());
            }
            if (observer != null) {
                observer.onReconnect(t0);
            }
        }

        void arm(ScheduledThreadPoolExecutor watchdog, Duration firstTokenTimeout, Duration totalTimeout) {
            synchronized (timers) {
                timers.add(watchdog.schedule(() -> trip(FailureClass.TIMEOUT_TOTAL), totalTimeout.toNanos(),
                        TimeUnit.NANOSECONDS));
                if (!firstTokenTimeout.isZero()) {
                    timers.add(watchdog.schedule(() -> {
                        if (probe ? !responseStarted : !firstToken) {
                            trip(FailureClass.TIMEOUT_FIRST_TOKEN);
                        }
                    }, firstTokenTimeout.toNanos(), TimeUnit.NANOSECONDS));
                }
            }
        }

        /** Called once, on the reading thread, when the first token arrived: from now on silence is idle time. */
        void firstTokenArrived(ScheduledThreadPoolExecutor watchdog, Duration idle) {
            firstToken = true;
            lastChunkNanos = System.nanoTime();
            scheduleIdleCheck(watchdog, idle.toNanos(), idle.toNanos());
        }

        private void scheduleIdleCheck(ScheduledThreadPoolExecutor watchdog, long delayNanos, long idleNanos) {
            synchronized (timers) {
                if (state.get() != null || watchdog.isShutdown()) {
                    return;
                }
                timers.add(watchdog.schedule(() -> {
                    long silent = System.nanoTime() - lastChunkNanos;
                    if (silent >= idleNanos) {
                        trip(FailureClass.TIMEOUT_IDLE);
                    } else {
                        scheduleIdleCheck(watchdog, idleNanos - silent, idleNanos);
                    }
                }, delayNanos, TimeUnit.NANOSECONDS));
            }
        }

        void attach(Call c) {
            call = c;
            if (state.get() instanceof FailureClass) {
                c.cancel();
            }
        }

        void trip(FailureClass failure) {
            if (state.compareAndSet(null, failure)) {
                cancelCall();
            }
        }

        void cancelCall() {
            Call c = call;
            if (c != null) {
                c.cancel();
            }
        }

        /** Cancels the call when the calling thread was interrupted (a blocked socket read may not notice). */
        void checkInterrupted() {
            if (owner.isInterrupted()) {
                trip(FailureClass.CANCELLED);
            }
        }

        /** The timeout (or cancellation) that tripped, or null. */
        FailureClass tripped() {
            return state.get() instanceof FailureClass f ? f : null;
        }

        /** Marks the call complete; false when a timeout tripped first. */
        boolean complete() {
            return state.compareAndSet(null, COMPLETED) || state.get() == COMPLETED;
        }

        void disarm() {
            complete();
            synchronized (timers) {
                for (ScheduledFuture<?> timer : timers) {
                    timer.cancel(false);
                }
                timers.clear();
            }
        }
    }
}
