package dev.nightbench.client.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nightbench.client.ChatMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A real OpenAI-compatible HTTP server on the loopback interface, answering from {@link SimModel}s. It is the
 * built-in endpoint of {@code type: simulated} plans, the server of the client's tests, and the far end of the
 * client benchmarks, so it behaves like a real server down to the wire: HTTP/1.1 keep-alive, SSE streaming with
 * one flush per event (sleeping between events on virtual threads), usage in a trailing chunk when
 * {@code stream_options.include_usage} is set, and {@code data: [DONE]}.
 *
 * <pre>{@code
 * try (SimulatedServer server = new SimulatedServer().withBuiltInModels()
 *         .script("echo", Script.stream().role().delay(200).content("hi").finish("stop").done())
 *         .start()) {
 *     URI baseUrl = server.baseUrl();    // http://127.0.0.1:<port>/v1
 * }
 * }</pre>
 *
 * <p>Endpoints: {@code GET /v1/models} (the registered names) and {@code POST /v1/chat/completions}. An unknown
 * model gets 404 {@code model_not_found}; a body that is not JSON gets 400. Beside them {@link SimRoutes}' pages.
 *
 * <p>It records what it sent and when ({@link #sent()}, System.nanoTime read just after each flush), keeps the
 * most recent {@link #keepSent(int)} requests, and counts requests per model. Disables Nagle's algorithm for the
 * JDK HTTP server ({@code sun.net.httpserver.nodelay}) unless that property was set, since small SSE writes would
 * otherwise wait for the peer's delayed ACK; the JDK reads it once, so this holds only if no JDK HTTP server was
 * created earlier in the JVM.
 */
public final class SimulatedServer implements AutoCloseable {

    static {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(SimulatedServer.class);
    /** Shared with {@link ScriptResponder}. */
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_KEEP_SENT = 1_000;
    private static final int BACKLOG = 1024;

    private final int requestedPort;
    private final Map<String, SimModel> models = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger seq = new AtomicInteger();
    private final Deque<SentRequest> sent = new ArrayDeque<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final SimRoutes routes = new SimRoutes();
    private volatile int keepSent = DEFAULT_KEEP_SENT;
    private volatile Consumer<SentRequest> listener;
    private HttpServer server;
    private ExecutorService executor;

    /** A server on an ephemeral loopback port, with no models yet. */
    public SimulatedServer() {
        this(0);
    }

    /** A server on this loopback port (0 = ephemeral), with no models yet. */
    public SimulatedServer(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.requestedPort = port;
    }

    /** Serves {@code body} at {@code path} (any method but the two API routes; {@link SimRoutes}). */
    public SimulatedServer serve(String path, int status, String contentType, Supplier<byte[]> body) {
        routes.mount(path, new SimRoutes.Page(status, contentType, body));
        return this;
    }

    /** Registers (or replaces) a model. */
    public SimulatedServer register(String name, SimModel model) {
        models.put(requireName(name), model);
        return this;
    }

    /** Registers a model that answers every request with this script. */
    public SimulatedServer script(String name, Script script) {
        return register(name, request -> script);
    }

    /**
     * Registers a model whose answer depends on the request's 0-based index among the requests to it, for
     * sequences such as "two 503s, then OK": {@code i -> i < 2 ? Script.status(503) : ok}.
     */
    public SimulatedServer script(String name, IntFunction<Script> byIndex) {
        return register(name, request -> byIndex.apply(request.index()));
    }

    /**
     * Makes a model say these texts to these conversations ({@link ScriptedAnswers}), with the timing of the model
     * registered under that name, or of {@value SimulatedModels#FAST} for a new name.
     *
     * @param answers texts by conversation; a conversation's n-th request gets text n mod size
     */
    public SimulatedServer answers(String name, Map<List<ChatMessage>, List<String>> answers) {
        SimModel timing = models.getOrDefault(name, SimulatedModels.builtIn(SimulatedModels.FAST, 1,
                SimulatedModels.DEFAULT_SEED));
        Map<String, List<String>> byKey = new java.util.HashMap<>();
        answers.forEach((messages, texts) -> byKey.put(ScriptedAnswers.key(messages), List.copyOf(texts)));
        return register(name, new ScriptedAnswers(timing, byKey));
    }

    /**
     * Makes a model a scripted judge ({@link ScriptedVerdicts}): it says these verdicts about these answers, with the
     * timing of the model registered under that name, or of {@value SimulatedModels#FAST} for a new name.
     *
     * @param verdicts verdict texts by the judged answer's text, {@code "*"} for any other answer; the n-th time an
     *                 answer is judged it gets verdict n mod size
     */
    public SimulatedServer verdicts(String name, Map<String, List<String>> verdicts) {
        SimModel timing = models.getOrDefault(name, SimulatedModels.builtIn(SimulatedModels.FAST, 1,
                SimulatedModels.DEFAULT_SEED));
        return register(name, new ScriptedVerdicts(timing, verdicts));
    }

    /** Registers the built-in models with the slowdown factors of {@value SimulatedModels#SLOWDOWN_ENV}. */
    public SimulatedServer withBuiltInModels() {
        return withBuiltInModels(SimulatedModels.slowdownFromEnv(), SimulatedModels.DEFAULT_SEED);
    }

    /**
     * Registers the built-in models with exactly these slowdown factors (absent = 1; the environment is not read).
     */
    public SimulatedServer withBuiltInModels(Map<String, Double> slowdown, long seed) {
        for (String name : SimulatedModels.catalogue()) {
            register(name, SimulatedModels.builtIn(name, slowdown.getOrDefault(name, 1.0), seed));
        }
        return this;
    }

    /** Keeps at most this many recent requests in {@link #sent()} (default 1,000; 0 keeps none). */
    public SimulatedServer keepSent(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0: " + max);
        }
        this.keepSent = max;
        synchronized (sent) {
            while (sent.size() > max) {
                sent.removeFirst();
            }
        }
        return this;
    }

    /** Called on the handler's thread when a request's response is finished (or abandoned). */
    public SimulatedServer onCompleted(Consumer<SentRequest> listener) {
        this.listener = listener;
        return this;
    }

    /** Binds and starts serving. */
    public synchronized SimulatedServer start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort),
                    BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the simulated server to port " + requestedPort, e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        log.debug("Simulated server listening on {}", baseUrl());
        return this;
    }

    /** {@code http://127.0.0.1:<port>/v1}. */
    public URI baseUrl() {
        return URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port() + "/v1");
    }

    public int port() {
        HttpServer s = server;
        if (s == null) {
            throw new IllegalStateException("not started");
        }
        return s.getAddress().getPort();
    }

    /** The registered model names, sorted. */
    public List<String> modelNames() {
        return List.copyOf(new TreeSet<>(models.keySet()));
    }

    /** The most recent chat requests, oldest first (see {@link #keepSent(int)}). */
    public List<SentRequest> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    public void clearSent() {
        synchronized (sent) {
            sent.clear();
        }
    }

    /** Chat requests received for this model name (registered or not). */
    public int requestCount(String model) {
        AtomicInteger count = counts.get(model);
        return count == null ? 0 : count.get();
    }

    /** Chat requests received in all. */
    public int requestCount() {
        return seq.get();
    }

    /** Stops serving, drops open connections and wakes every handler that waits or hangs. */
    @Override
    public synchronized void close() {
        closed.countDown();
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("Simulated server handlers still running after close");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        boolean aborted = false;
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/v1/models") && method.equals("GET")) {
                listModels(exchange);
            } else if (path.equals("/v1/chat/completions") && method.equals("POST")) {
                chat(exchange);
            } else if (!routes.handle(exchange, path)) {
                sendJson(exchange, 404, error("no route for " + method + " " + path, "invalid_request_error", null,
                        "not_found"));
            }
        } catch (ScriptResponder.Abort abort) {
            aborted = true;
            throw abort;
        } catch (IOException e) {
            log.debug("Simulated server: client went away: {}", e.toString());
        } finally {
            if (!aborted) {
                exchange.close();
            }
        }
    }

    private void listModels(HttpExchange exchange) throws IOException {
        ObjectNode list = JSON.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String name : modelNames()) {
            ObjectNode model = data.addObject();
            model.put("id", name);
            model.put("object", "model");
            model.put("created", 0);
            model.put("owned_by", "nightbench-sim");
        }
        sendJson(exchange, 200, JSON.writeValueAsBytes(list));
    }

    private void chat(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        long received = System.nanoTime();
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject() || !json.path("model").isTextual()) {
            sendJson(exchange, 400, error("request body must be a JSON object with a model", "invalid_request_error",
                    null, null));
            return;
        }
        String model = json.get("model").asText();
        int index = counts.computeIfAbsent(model, k -> new AtomicInteger()).getAndIncrement();
        boolean stream = json.path("stream").asBoolean(false);
        SentRequest record = new SentRequest(seq.incrementAndGet(), model, index, stream, received);
        remember(record);
        try {
            SimModel sim = models.get(model);
            if (sim == null) {
                record.status(404);
                byte[] notFound = error("The model '" + model + "' does not exist", "invalid_request_error",
                        "model", "model_not_found");
                long write = System.nanoTime();
                sendJson(exchange, 404, notFound);
                record.record(SentRequest.Type.BODY, write, System.nanoTime(), null);
                return;
            }
            SimRequest request = new SimRequest(model, messages(json), maxTokens(json), stream,
                    stream && json.path("stream_options").path("include_usage").asBoolean(false), index,
                    exchange.getRequestHeaders(), new String(body, StandardCharsets.UTF_8), json);
            Script script = sim.respond(request);
            try (var inFlight = routes.started(script)) {
                new ScriptResponder(exchange, record, script, received, closed).send(stream);
            }
        } finally {
            record.complete();
            Consumer<SentRequest> l = listener;
            if (l != null) {
                l.accept(record);
            }
        }
    }

    private void remember(SentRequest record) {
        synchronized (sent) {
            int max = keepSent;
            if (max == 0) {
                return;
            }
            while (sent.size() >= max) {
                sent.removeFirst();
            }
            sent.addLast(record);
        }
    }

    private static List<ChatMessage> messages(JsonNode json) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : json.path("messages")) {
            JsonNode content = m.path("content");
            String text;
            if (content.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : content) {
                    if (part.path("text").isTextual()) {
                        sb.append(sb.isEmpty() ? "" : " ").append(part.get("text").asText());
                    }
                }
                text = sb.toString();
            } else {
                text = content.isTextual() ? content.asText() : "";
            }
            out.add(new ChatMessage(m.path("role").asText("user"), text));
        }
        return out;
    }

    private static Integer maxTokens(JsonNode json) {
        for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
            if (json.path(field).canConvertToInt()) {
                return json.get(field).asInt();
            }
        }
        return null;
    }

    private static byte[] error(String message, String type, String param, String code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sendJson(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank");
        }
        return name;
    }
}
