package dev.nightbench.client.openai;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimRequest;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.measure.Measurement;
import dev.nightbench.measure.RequestMeter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The client against the real simulated server over loopback HTTP: real sockets, real streaming. Tolerances are
 * generous because the machine is shared; the lower bounds are exact (nothing can arrive before it is sent).
 */
class OpenAiModelClientTest {

    private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10));

    private SimulatedServer server;
    private final List<OpenAiModelClient> clients = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = new SimulatedServer()
                .script("two-tokens", Script.stream().role().delay(200).content("Hel").delay(10).content("lo")
                        .finish("stop").usage(5, 2).done())
                .start();
    }

    @AfterEach
    void stop() {
        clients.forEach(OpenAiModelClient::close);
        server.close();
    }

    @Test
    void aScripted200MsFirstTokenIsMeasuredAsAbout200Ms() {
        Measurement m = chat("two-tokens", true).measurement;

        assertThat(m.ok()).as(m.errorMessage()).isTrue();
        assertThat(m.ttftMs()).isBetween(190.0, 2_000.0);
        assertThat(m.e2eMs() - m.ttftMs()).isBetween(5.0, 1_500.0);   // the server waits 10 ms between sends
        assertThat(m.outputTokens()).isEqualTo(2);
        assertThat(m.promptTokens()).isEqualTo(5);
        assertThat(m.tokensSource()).isEqualTo("usage");
        assertThat(m.finishReason()).isEqualTo("stop");
        assertThat(m.responseText()).isEqualTo("Hello");
        assertThat(m.prepMs()).isNotNull().isLessThan(2_000.0);
    }

    @Test
    void roleOnlyAndEmptyChunksDoNotCountAsTheFirstToken() {
        server.script("late", Script.stream().role().delay(100).empty().delay(100).content("Hi").finish("stop")
                .usage(3, 1).done());

        Measurement m = chat("late", true).measurement;

        assertThat(m.ok()).isTrue();
        assertThat(m.ttftMs()).isBetween(190.0, 2_000.0);
        assertThat(m.chunkCount()).isEqualTo(1);
    }

    @Test
    void theUsageChunkSent300MsAfterTheLastContentDoesNotMoveE2e() {
        server.script("slow-usage", Script.stream().role().delay(100).content("a").delay(10).content(" b")
                .finish("stop").delay(300).usage(4, 2).done());

        Measurement m = chat("slow-usage", true).measurement;

        assertThat(m.ok()).isTrue();
        assertThat(m.e2eMs()).isBetween(105.0, 2_000.0);
        assertThat(m.totalMs()).isGreaterThanOrEqualTo(410.0);
        assertThat(m.totalMs() - m.e2eMs()).isGreaterThanOrEqualTo(290.0);
    }

    @Test
    void aOneTokenAnswerHasNoTpot() {
        server.script("one", Script.stream().role().delay(50).content("Yes").finish("stop").usage(3, 1).done());

        Measurement m = chat("one", true).measurement;

        assertThat(m.ok()).isTrue();
        assertThat(m.outputTokens()).isEqualTo(1);
        assertThat(m.tpotMs()).isNull();
        assertThat(m.decodeTps()).isNull();
        assertThat(m.e2eTps()).isNotNull();
    }

    @Test
    void aReasoningStreamHasItsFirstTokenBeforeItsFirstOutput() {
        server.script("thinker", Script.stream().role().delay(100).reasoning("Let me think.").delay(200)
                .content("42").finish("stop").usage(6, 5).done());

        Measurement m = chat("thinker", true).measurement;

        assertThat(m.ok()).isTrue();
        assertThat(m.ttftMs()).isBetween(95.0, 2_000.0);
        assertThat(m.ttfoMs()).isBetween(290.0, 3_000.0);
        assertThat(m.ttftMs()).isLessThan(m.ttfoMs());
        assertThat(m.responseText()).isEqualTo("42");
    }

    @Test
    void withoutUsageTheOutputTokensFallBackToTheChunkCount() {
        server.script("no-usage", Script.stream().role().delay(20).content("a").delay(10).content(" b").delay(10)
                .content(" c").finish("stop").done());

        Measurement m = chat("no-usage", true).measurement;

        assertThat(m.ok()).isTrue();
        assertThat(m.outputTokens()).isEqualTo(3);
        assertThat(m.tokensSource()).isEqualTo("chunks");
        assertThat(m.promptTokens()).isNull();
        assertThat(m.tpotMs()).isNotNull();
    }

    @Test
    void aNonStreamingRequestHasNoTtftAndItsE2eIsItsTotal() {
        Measurement m = chat("two-tokens", false).measurement;

        assertThat(m.ok()).as(m.errorMessage()).isTrue();
        assertThat(m.streamed()).isFalse();
        assertThat(m.ttftMs()).isNull();
        assertThat(m.ttfoMs()).isNull();
        assertThat(m.tpotMs()).isNull();
        assertThat(m.e2eMs()).isEqualTo(m.totalMs()).isBetween(205.0, 2_500.0);
        assertThat(m.outputTokens()).isEqualTo(2);
        assertThat(m.responseText()).isEqualTo("Hello");
        assertThat(m.finishReason()).isEqualTo("stop");
    }

    @Test
    void aStreamingRequestAsksForUsageAndPassesPerModelParametersThrough() {
        List<SimRequest> seen = new CopyOnWriteArrayList<>();
        server.register("spy", request -> {
            seen.add(request);
            return Script.stream().role().content("ok").finish("stop").done();
        });
        ChatRequest request = new ChatRequest("spy", List.of(new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "Hello there")), 64, 0.0, 42L, true, Map.of("top_k", 5, "stream", false));

        call(client(TIMEOUTS, "sk-test-secret"), request);

        SimRequest got = seen.get(0);
        assertThat(got.stream()).isTrue();
        assertThat(got.includeUsage()).isTrue();
        assertThat(got.maxTokens()).isEqualTo(64);
        assertThat(got.promptWords()).isEqualTo(4);
        assertThat(got.rawBody()).contains("\"top_k\":5").contains("\"seed\":42");
        assertThat(got.header("Authorization")).isEqualTo("Bearer sk-test-secret");
        assertThat(got.header(Watchdog.CALL_HEADER)).isNull();
        assertThat(got.header("Accept-Encoding")).isEqualTo("identity"); // no compression buffering the events
    }

    @Test
    void anHttp503IsAServerErrorWithTheServersText() {
        server.script("down", Script.status(503).body("{\"error\":{\"message\":\"engine overloaded\"}}"));

        Outcome o = chat("down", true);

        assertThat(o.failure.failure()).isEqualTo(FailureClass.HTTP_5XX);
        assertThat(o.failure.httpStatus()).isEqualTo(503);
        assertThat(o.failure.getMessage()).contains("503").contains("engine overloaded");
        assertThat(o.measurement.status().value()).isEqualTo("http_error");
        assertThat(o.measurement.errorType()).isEqualTo("http_5xx");
        assertThat(o.measurement.totalMs()).isNotNull();
        assertThat(o.measurement.ttftMs()).isNull();
    }

    @Test
    void anHttp429CarriesTheRetryAfterInSeconds() {
        server.script("busy", Script.status(429).retryAfter(2));

        Outcome o = chat("busy", true);

        assertThat(o.failure.failure()).isEqualTo(FailureClass.HTTP_429);
        assertThat(o.failure.httpStatus()).isEqualTo(429);
        assertThat(o.failure.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.measurement.retryAfterMs()).isEqualTo(2000L);
    }

    @Test
    void anHttp429CarriesTheRetryAfterGivenAsAnHttpDate() {
        server.script("busy-date", Script.status(429).retryAfter("Wed, 01 Jan 2025 02:00:30 GMT"));
        java.time.Clock wall = java.time.Clock.fixed(Instant.parse("2025-01-01T02:00:00Z"),
                java.time.ZoneOffset.UTC);
        OpenAiModelClient client = track(new OpenAiModelClient(server.baseUrl(), null, TIMEOUTS, NanoClock.SYSTEM,
                wall));

        Outcome o = call(client, request("busy-date", true));

        assertThat(o.failure.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anUnknownModelIsAClientErrorNamingTheModel() {
        Outcome o = chat("no-such-model", true);

        assertThat(o.failure.failure()).isEqualTo(FailureClass.HTTP_4XX);
        assertThat(o.failure.httpStatus()).isEqualTo(404);
        assertThat(o.failure.getMessage()).contains("no-such-model").contains("does not exist");
    }

    @Test
    void aServerErrorTextIsTruncatedAndNeverCarriesTheApiKey() {
        String key = "sk-very-secret-key";
        server.script("leaky", Script.status(401).body("{\"error\":{\"message\":\"Incorrect API key provided: "
                + key + " " + "x".repeat(2000) + "\"}}"));

        Outcome o = call(client(TIMEOUTS, key), request("leaky", true));

        assertThat(o.failure.failure()).isEqualTo(FailureClass.HTTP_4XX);
        assertThat(o.failure.getMessage()).doesNotContain(key).contains("***");
        assertThat(o.failure.getMessage().length()).isLessThan(FailureClassifier.MAX_ERROR_TEXT + 50);
    }

    @Test
    void aBodyThatIsNotJsonIsAnInvalidResponse() {
        server.script("garbage", Script.raw("<html>this is not json</html>"));

        Outcome o = chat("garbage", false);

        assertThat(o.failure.failure()).isEqualTo(FailureClass.INVALID_RESPONSE);
        assertThat(o.measurement.status().value()).isEqualTo("invalid_response");
    }

    @Test
    void anSseEventThatIsNotJsonIsAnInvalidResponse() {
        server.script("bad-sse", Script.stream().role().delay(10).content("ok").garbage("data: {not json").done());

        Outcome o = chat("bad-sse", true);

        assertThat(o.failure.failure()).isEqualTo(FailureClass.INVALID_RESPONSE);
        assertThat(o.measurement.ttftMs()).isNotNull();
    }

    @Test
    void aStreamThatEndsWithoutAFinishReasonIsTruncated() {
        server.script("cut", Script.stream().role().delay(20).content("half an").delay(10).content(" answer").end());

        Outcome o = chat("cut", true);

        assertThat(o.failure.failure()).isEqualTo(FailureClass.TRUNCATED_STREAM);
        assertThat(o.measurement.status().value()).isEqualTo("truncated_stream");
        assertThat(o.measurement.ttftMs()).isNotNull();
        assertThat(o.measurement.outputTokens()).isEqualTo(2);
        assertThat(o.measurement.tokensSource()).isEqualTo("chunks");
    }

    @Test
    void aConnectionDroppedMidStreamIsATruncatedStreamThatKeepsItsTimings() {
        server.script("dropped", Script.stream().role().delay(50).content("Hel").delay(10).closeConnection());

        Outcome o = chat("dropped", true);

        assertThat(o.failure.failure()).isEqualTo(FailureClass.TRUNCATED_STREAM);
        assertThat(o.measurement.ttftMs()).isBetween(45.0, 2_000.0);
        assertThat(o.measurement.responseText()).isEqualTo("Hel");
    }

    @Test
    void aServerThatNeverAnswersTimesOutWaitingForTheFirstToken() {
        server.script("hang", Script.hang());
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(300),
                Duration.ofSeconds(5), Duration.ofSeconds(10));

        Outcome o = call(client(timeouts, null), request("hang", true));

        assertThat(o.failure.failure()).isEqualTo(FailureClass.TIMEOUT_FIRST_TOKEN);
        assertThat(o.measurement.status().value()).isEqualTo("timeout");
        assertThat(o.measurement.totalMs()).isBetween(295.0, 1500.0);
    }

    @Test
    void aStreamThatSendsOnlyTheRoleThenHangsTimesOutWaitingForTheFirstToken() {
        server.script("role-then-hang", Script.stream().role().hang());
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(300),
                Duration.ofMillis(100), Duration.ofSeconds(10));

        Outcome o = call(client(timeouts, null), request("role-then-hang", true));

        assertThat(o.failure.failure()).isEqualTo(FailureClass.TIMEOUT_FIRST_TOKEN);
        assertThat(o.measurement.totalMs()).isBetween(295.0, 1500.0);
    }

    @Test
    void aStreamThatStallsAfterTheFirstTokenTimesOutAsIdle() {
        server.script("stall", Script.stream().role().delay(20).content("a").delay(50).content(" b").hang());
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofMillis(300), Duration.ofSeconds(10));

        Outcome o = call(client(timeouts, null), request("stall", true));

        assertThat(o.failure.failure()).isEqualTo(FailureClass.TIMEOUT_IDLE);
        assertThat(o.measurement.e2eMs()).isBetween(65.0, 2_000.0);
        assertThat(o.measurement.totalMs() - o.measurement.e2eMs()).isBetween(295.0, 1500.0);
        assertThat(o.measurement.outputTokens()).isEqualTo(2);
    }

    @Test
    void aStreamThatTakesLongerThanTheTotalTimeoutTimesOut() {
        Script.StreamBuilder slow = Script.stream().role();
        for (int i = 0; i < 40; i++) {
            slow.delay(50).content(" w");
        }
        server.script("slow", slow.finish("stop").done());
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofMillis(500));

        Outcome o = call(client(timeouts, null), request("slow", true));

        assertThat(o.failure.failure()).isEqualTo(FailureClass.TIMEOUT_TOTAL);
        assertThat(o.measurement.totalMs()).isBetween(495.0, 1500.0);
        assertThat(o.measurement.ttftMs()).isNotNull();
    }

    @Test
    void aNonStreamingRequestIsLimitedOnlyByTheTotalTimeout() {
        server.script("slow-json", Script.stream().role().delay(400).content("late").finish("stop").done());
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(100),
                Duration.ofMillis(100), Duration.ofSeconds(5));

        Outcome o = call(client(timeouts, null), request("slow-json", false));

        assertThat(o.failure).isNull();
        assertThat(o.measurement.e2eMs()).isBetween(395.0, 4000.0); // generous on a loaded machine: the point is no 100 ms timeout
    }

    @Test
    void aClosedPortIsAConnectionError() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + port + "/v1");
        OpenAiModelClient client = track(new OpenAiModelClient(closed, null, TIMEOUTS, NanoClock.SYSTEM));

        Outcome o = call(client, request("any", true));

        assertThat(o.failure.failure()).isEqualTo(FailureClass.CONNECT_ERROR);
        assertThat(o.measurement.status().value()).isEqualTo("connect_error");
        assertThat(o.failure.httpStatus()).isNull();

        ModelClientException listing = catchThrowableOfType(ModelClientException.class, client::listModels);
        assertThat(listing.failure()).isEqualTo(FailureClass.CONNECT_ERROR);
    }

    @Test
    void aServerThatAcceptsNoConnectionsTimesOutConnecting() throws IOException {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                boolean backlogFull = false;
                for (int i = 0; i < 10 && !backlogFull; i++) {   // never accepted: fills the accept queue
                    Socket socket = new Socket();
                    try {
                        socket.connect(full.getLocalSocketAddress(), 200);
                        queued.add(socket);
                    } catch (SocketTimeoutException e) {
                        backlogFull = true;
                        socket.close();
                    }
                }
                assumeTrue(backlogFull, "this OS does not drop connections beyond the accept backlog");
                Timeouts timeouts = new Timeouts(Duration.ofMillis(300), Duration.ofSeconds(5),
                        Duration.ofSeconds(5), Duration.ofSeconds(10));
                OpenAiModelClient client = track(new OpenAiModelClient(
                        URI.create("http://127.0.0.1:" + full.getLocalPort() + "/v1"), null, timeouts,
                        NanoClock.SYSTEM));

                Outcome o = call(client, request("any", true));

                assertThat(o.failure.failure()).isEqualTo(FailureClass.TIMEOUT_CONNECT);
                assertThat(o.measurement.status().value()).isEqualTo("timeout");
                assertThat(o.measurement.totalMs()).isBetween(295.0, 4_000.0);
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void anInterruptedPlatformThreadIsCancelledPromptly() throws Exception {
        server.script("long", Script.stream().role().delay(5_000).content("late").finish("stop").done());
        OpenAiModelClient client = client(TIMEOUTS, null);
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        Thread caller = Thread.ofPlatform().start(() -> outcomes.add(call(client, request("long", true))));
        Thread.sleep(300);

        caller.interrupt();
        caller.join(3_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.failure.failure()).isEqualTo(FailureClass.CANCELLED);
            assertThat(o.measurement.status().value()).isEqualTo("cancelled");
            assertThat(o.measurement.totalMs()).isLessThan(2_000.0);
        });
    }

    @Test
    void aStreamingRequestAnsweredWithPlainJsonIsAnInvalidResponse() {
        server.script("not-sse", Script.raw("{\"hello\":\"world\"}"));

        Outcome o = chat("not-sse", true);

        assertThat(o.failure.failure()).isEqualTo(FailureClass.INVALID_RESPONSE);
        assertThat(o.failure.getMessage()).contains("text/event-stream");
    }

    @Test
    void aNonStreamingBodyCutShortIsTruncated() {
        server.script("cut-json", Script.stream().role().content("half").end());

        Outcome o = chat("cut-json", false);

        assertThat(o.failure.failure()).isEqualTo(FailureClass.TRUNCATED_STREAM);
    }

    @Test
    void anErrorEventInTheMiddleOfAStreamIsAServerError() {
        server.script("dies", Script.stream().role().delay(10).content("par")
                .garbage("data: {\"error\":{\"message\":\"engine died\",\"type\":\"server_error\"}}").done());

        Outcome o = chat("dies", true);

        assertThat(o.failure.failure()).isEqualTo(FailureClass.HTTP_5XX);
        assertThat(o.failure.getMessage()).contains("engine died");
        assertThat(o.measurement.ttftMs()).isNotNull();
    }

    @Test
    void anInterruptedVirtualThreadIsCancelled() throws Exception {
        server.script("long", Script.stream().role().delay(5_000).content("late").finish("stop").done());
        OpenAiModelClient client = client(TIMEOUTS, null);
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        Thread caller = Thread.ofVirtual().start(() -> outcomes.add(call(client, request("long", true))));
        Thread.sleep(200);

        caller.interrupt();
        caller.join(3_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.failure.failure()).isEqualTo(FailureClass.CANCELLED);
            assertThat(o.measurement.totalMs()).isLessThan(3_000.0);
        });
    }

    @Test
    void theModelListComesFromTheServer() {
        server.script("other", Script.hang());

        List<String> models = client(TIMEOUTS, null).listModels();

        assertThat(models).containsExactly("other", "two-tokens");
    }

    @Test
    void twoFailuresThenSuccessAreServedInOrder() {
        server.script("recovering", i -> i < 2 ? Script.status(503)
                : Script.stream().role().content("ok").finish("stop").done());
        OpenAiModelClient client = client(TIMEOUTS, null);

        List<String> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(call(client, request("recovering", true)).measurement.status().value());
        }

        assertThat(statuses).containsExactly("http_error", "http_error", "ok");
        assertThat(server.requestCount("recovering")).isEqualTo(3);
    }

    @Test
    void sixtyFourConcurrentStreamsAllSucceedOnOneClient() throws Exception {
        server.withBuiltInModels(Map.of(), 7L);
        OpenAiModelClient client = client(TIMEOUTS, null);
        List<Future<Outcome>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 64; i++) {
                futures.add(pool.submit(() -> call(client, request("sim-fast", true))));
            }
        }
        for (Future<Outcome> f : futures) {
            Measurement m = f.get().measurement;
            assertThat(m.ok()).as(m.errorMessage()).isTrue();
            assertThat(m.tokensSource()).isEqualTo("usage");
            assertThat(m.outputTokens()).isEqualTo(m.chunkCount());
        }
        assertThat(server.requestCount("sim-fast")).isEqualTo(64);
    }

    @Test
    void t0IsReadInsideOkHttpAfterTheSdkBuiltTheBodyAndOnSentComesFirstAndOnce() {
        List<String> clockCallers = new CopyOnWriteArrayList<>();
        NanoClock clock = () -> {
            boolean inOkHttp = StackWalker.getInstance().walk(frames -> frames.anyMatch(
                    f -> f.getClassName().startsWith("okhttp3.")));
            clockCallers.add(inOkHttp ? "okhttp" : "client");
            return System.nanoTime();
        };
        OpenAiModelClient client = track(new OpenAiModelClient(server.baseUrl(), null, TIMEOUTS, clock));
        List<String> events = new CopyOnWriteArrayList<>();
        long[] sent = new long[2];
        ResponseObserver observer = new ResponseObserver() {
            @Override
            public void onSent(long t0Nanos, long prepNanos) {
                events.add("sent");
                sent[0] = t0Nanos;
                sent[1] = prepNanos;
            }

            @Override
            public void onChunk(long nanos, String content, String reasoning) {
                events.add("chunk");
            }

            @Override
            public void onFinish(String finishReason) {
                events.add("finish");
            }

            @Override
            public void onUsage(Integer promptTokens, Integer completionTokens) {
                events.add("usage");
            }

            @Override
            public void onClosed(long nanos) {
                events.add("closed");
            }
        };

        client.chat(request("two-tokens", true), observer);

        assertThat(events).containsExactly("sent", "chunk", "chunk", "chunk", "chunk", "finish", "usage", "closed");
        assertThat(sent[1]).isPositive();                   // prep: the SDK's request building, before t0
        assertThat(clockCallers.get(1)).isEqualTo("okhttp"); // t0, the second reading, is taken inside OkHttp
    }

    @Test
    void aRequestThatNeverReachesOkHttpStillReportsOnSentBeforeOnClosed() {
        OpenAiModelClient client = client(TIMEOUTS, null);
        List<String> events = new CopyOnWriteArrayList<>();
        Thread.currentThread().interrupt();
        try {
            RequestMeter meter = new RequestMeter(true);
            ResponseObserver recording = new ResponseObserver() {
                @Override
                public void onSent(long t0Nanos, long prepNanos) {
                    events.add("sent");
                    meter.onSent(t0Nanos, prepNanos);
                }

                @Override
                public void onChunk(long nanos, String content, String reasoning) {
                    events.add("chunk");
                }

                @Override
                public void onFinish(String finishReason) {
                    events.add("finish");
                }

                @Override
                public void onUsage(Integer promptTokens, Integer completionTokens) {
                    events.add("usage");
                }

                @Override
                public void onClosed(long nanos) {
                    events.add("closed");
                    meter.onClosed(nanos);
                }
            };
            ModelClientException e = catchThrowableOfType(ModelClientException.class,
                    () -> client.chat(request("two-tokens", true), recording));

            assertThat(e.failure()).isEqualTo(FailureClass.CANCELLED);
            assertThat(events).containsExactly("sent", "closed");
            assertThat(meter.toMeasurement(Instant.EPOCH, e).totalMs()).isNotNull();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theClassWarmUpIsHarmlessToRepeatAndTheClientStillWorksAfterIt() {
        OpenAiModelClient.warmUpClasses();
        OpenAiModelClient.warmUpClasses();

        assertThat(chat("two-tokens", true).measurement.ok()).isTrue();
    }

    // --- helpers

    record Outcome(Measurement measurement, ModelClientException failure) {
    }

    private Outcome chat(String model, boolean stream) {
        return call(client(TIMEOUTS, null), request(model, stream));
    }

    private static ChatRequest request(String model, boolean stream) {
        return new ChatRequest(model, List.of(new ChatMessage("user", "Say hello")), 32, 0.0, null, stream, null);
    }

    private static Outcome call(OpenAiModelClient client, ChatRequest request) {
        RequestMeter meter = new RequestMeter(request.stream());
        try {
            client.chat(request, meter);
            return new Outcome(meter.toMeasurement(Instant.EPOCH, null), null);
        } catch (ModelClientException e) {
            return new Outcome(meter.toMeasurement(Instant.EPOCH, e), e);
        }
    }

    private OpenAiModelClient client(Timeouts timeouts, String apiKey) {
        return track(new OpenAiModelClient(server.baseUrl(), apiKey, timeouts, NanoClock.SYSTEM));
    }

    private OpenAiModelClient track(OpenAiModelClient client) {
        clients.add(client);
        return client;
    }
}
