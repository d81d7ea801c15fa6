package dev.nightbench.provider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.ModelProvider;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ProviderEndpoint;
import dev.nightbench.client.ProviderSettings;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.Timeouts;
import dev.nightbench.support.SampleProviderJar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The sample provider's client against a loopback server that misbehaves as an Ollama can: each failure becomes the
 * {@link FailureClass} the job's retries and breaker act on, and the observer is always closed. The provider is loaded
 * from its jar through a class loader of its own, as in a user's installation.
 */
class OllamaNativeClientTest {

    private static final String DONE = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"done_reason\":\"stop\",\"done\":true,\"prompt_eval_count\":12,\"eval_count\":2}\n";
    private static HttpServer server;
    private static URLClassLoader loader;
    private static ModelProvider provider;

    @BeforeAll
    static void start() throws Exception {
        loader = new URLClassLoader(new java.net.URL[]{SampleProviderJar.jar().toUri().toURL()},
                OllamaNativeClientTest.class.getClassLoader());
        provider = ServiceLoader.load(ModelProvider.class, loader).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.type().equals(SampleProviderJar.TYPE)).findFirst().orElseThrow();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().unstarted(r)));
        server.createContext("/api/chat", OllamaNativeClientTest::chat);
        server.start();
        try (ModelClient client = client(base())) { // the HTTP client's classes loaded before any timeout counts
            client.chat(request("ok"), new ResponseObserver.Ignoring() {
            });
        }
    }

    @AfterAll
    static void stop() throws IOException {
        server.stop(0);
        loader.close();
    }

    private static void chat(HttpExchange e) throws IOException {
        String body = new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String model = body.replaceAll("(?s).*\"model\":\"([^\"]*)\".*", "$1");
        switch (model) {
            case "limited" -> {
                e.getResponseHeaders().set("Retry-After", "3");
                reply(e, 429, "{\"error\":\"too many requests\"}");
            }
            case "whole" -> reply(e, 200, DONE.replace("\"content\":\"\"", "\"content\":\"Hi there\"").strip());
            case "missing" -> reply(e, 404, "{\"error\":\"model \\\"missing\\\" not found, try pulling it first\"}");
            default -> {
                e.sendResponseHeaders(200, 0);
                try (OutputStream out = e.getResponseBody()) {
                    for (String line : lines(model)) {
                        if (line.startsWith("sleep ")) {
                            Thread.sleep(Long.parseLong(line.substring(6)));
                            continue;
                        }
                        out.write(line.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (IOException | InterruptedException clientLeft) {
                    // the client gave up, as it should
                }
            }
        }
    }

    private static List<String> lines(String model) {
        String token = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n";
        return switch (model) {
            case "ok" -> List.of("sleep 30", token, "sleep 20", token.replace("Hi", " there"), DONE);
            case "silent" -> List.of("sleep 3000", token, DONE);
            case "stall" -> List.of(token, "sleep 3000", token, DONE);
            case "cut" -> List.of(token, token);
            case "oops" -> List.of(token, "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n");
            case "garbage" -> List.of("<html>not ndjson</html>\n");
            default -> List.of();
        };
    }

    private static void reply(HttpExchange e, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ModelClient client(URI base) {
        return client(base, ConnectionPolicy.KEEP_ALIVE);
    }

    private static ModelClient client(URI base, ConnectionPolicy connection) {
        return provider.open(new ProviderEndpoint("ollama", SampleProviderJar.TYPE, new ProviderSettings(Map.of(), null,
                ProviderSettings.Problems.THROW), base, null, List.of("m"), new Timeouts(Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(8)), connection,
                NanoClock.SYSTEM));
    }

    private static URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private static ModelClientException failing(String model, URI base, List<String> events) {
        try (ModelClient client = client(base)) {
            return catchThrowableOfType(ModelClientException.class, () -> client.chat(request(model), recorder(events)));
        }
    }

    private static ChatRequest request(String model) {
        return new ChatRequest(model, List.of(new ChatMessage("user", "Hi")), 8, 0.0, 42L, true, Map.of());
    }

    @Test
    void anAnswerIsReportedLineByLineWithTheServersCounts() {
        List<String> events = new CopyOnWriteArrayList<>();
        try (ModelClient client = client(base())) {
            client.chat(request("ok"), recorder(events));
        }
        assertThat(events).containsExactly("sent", "chunk Hi", "chunk  there", "finish stop", "usage 12 2", "closed");
    }

    @Test
    void aConnectionPerRequestAndANonStreamedAnswerWorkToo() {
        for (int i = 0; i < 2; i++) { // each request on its own client and connection, closed after it
            List<String> events = new CopyOnWriteArrayList<>();
            try (ModelClient client = client(base(), ConnectionPolicy.CLOSE)) {
                client.chat(request("ok"), recorder(events));
            }
            assertThat(events).containsExactly("sent", "chunk Hi", "chunk  there", "finish stop", "usage 12 2", "closed");
        }
        List<String> whole = new CopyOnWriteArrayList<>();
        try (ModelClient client = client(base())) {
            client.chat(new ChatRequest("whole", List.of(new ChatMessage("user", "Hi")), 8, 0.0, 42L, false, Map.of()),
                    recorder(whole));
        }
        assertThat(whole).containsExactly("sent", "chunk Hi there", "finish stop", "usage 12 2", "closed");
    }

    @Test
    void eachFailureHasTheClassTheJobActsOnAndTheObserverIsClosed() throws IOException {
        Map<String, FailureClass> expected = Map.of("silent", FailureClass.TIMEOUT_FIRST_TOKEN,
                "stall", FailureClass.TIMEOUT_IDLE, "cut", FailureClass.TRUNCATED_STREAM,
                "oops", FailureClass.HTTP_5XX, "garbage", FailureClass.INVALID_RESPONSE,
                "limited", FailureClass.HTTP_429, "missing", FailureClass.HTTP_4XX);
        expected.forEach((model, failure) -> {
            List<String> events = new CopyOnWriteArrayList<>();
            ModelClientException e = failing(model, base(), events);
            assertThat(e).as(model).isNotNull();
            assertThat(e.failure()).as(model + ": " + e.getMessage()).isEqualTo(failure);
            assertThat(events).as(model).startsWith("sent").endsWith("closed");
        });
        assertThat(failing("limited", base(), new CopyOnWriteArrayList<>()).retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(failing("missing", base(), new CopyOnWriteArrayList<>()).getMessage())
                .isEqualTo("HTTP 404: model \"missing\" not found, try pulling it first");
        assertThat(failing("oops", base(), new CopyOnWriteArrayList<>()).getMessage()).contains("unexpected EOF");

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ModelClientException refused = failing("ok", URI.create("http://127.0.0.1:" + closedPort), new CopyOnWriteArrayList<>());
        assertThat(refused.failure()).isEqualTo(FailureClass.CONNECT_ERROR);
    }

    private static ResponseObserver recorder(List<String> events) {
        return new ResponseObserver() {
            @Override
            public void onSent(long t0Nanos, long prepNanos) {
                events.add("sent");
            }

            @Override
            public void onChunk(long nanos, String content, String reasoning) {
                events.add("chunk " + content);
            }

            @Override
            public void onFinish(String finishReason) {
                events.add("finish " + finishReason);
            }

            @Override
            public void onUsage(Integer promptTokens, Integer completionTokens) {
                events.add("usage " + promptTokens + " " + completionTokens);
            }

            @Override
            public void onClosed(long nanos) {
                events.add("closed");
            }
        };
    }
}
