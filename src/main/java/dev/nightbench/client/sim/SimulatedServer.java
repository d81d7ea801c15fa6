package dev.nightbench.client.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
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
import java.time.Duration;
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
 * model gets 404 {@code model_not_found}; a body that is not JSON gets 400.
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DEFAULT_KEEP_SENT = 1_000;
    private static final int BACKLOG = 1024;

    private final int requestedPort;
    private final Map<String, SimModel> models = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger seq = new AtomicInteger();
    private final Deque<SentRequest> sent = new ArrayDeque<>();
    private final CountDownLatch closed = new CountDownLatch(1);
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
            } else {
                sendJson(exchange, 404, error("no route for " + method + " " + path, "invalid_request_error", null,
                        "not_found"));
            }
        } catch (Abort abort) {
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
                    exchange.getRequestHeaders(), new String(body, StandardCharsets.UTF_8));
            Script script = sim.respond(request);
            new Responder(exchange, record, script, received).send(stream);
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

    /** Thrown out of the handler so the JDK server drops the connection without ending the response. */
    private static final class Abort extends RuntimeException {
        Abort() {
            super("simulated connection drop", null, false, false);
        }
    }

    /** Sends one script for one request. */
    private final class Responder {

        private final HttpExchange exchange;
        private final SentRequest record;
        private final Script script;
        private final long received;
        private final String id;
        private final long created = System.currentTimeMillis() / 1000;

        Responder(HttpExchange exchange, SentRequest record, Script script, long received) {
            this.exchange = exchange;
            this.record = record;
            this.script = script;
            this.received = received;
            this.id = "chatcmpl-sim-" + record.seq();
        }

        void send(boolean stream) throws IOException {
            exchange.getResponseHeaders().set("X-Sim-Request", Integer.toString(record.seq()));
            switch (script.kind()) {
                case HANG -> hangThenDrop();
                case STATUS, RAW -> {
                    sleepUntil(received + script.delayNanos());
                    Headers headers = exchange.getResponseHeaders();
                    script.headers().forEach(headers::set);
                    sendBody(script.status(), script.contentType(), script.body().getBytes(StandardCharsets.UTF_8));
                }
                case STREAM -> {
                    if (stream) {
                        stream();
                    } else {
                        collapsed();
                    }
                }
            }
        }

        private void stream() throws IOException {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            long write = System.nanoTime();
            exchange.sendResponseHeaders(200, 0);
            record.status(200);
            OutputStream out = exchange.getResponseBody();
            out.flush();
            record.record(SentRequest.Type.HEADERS, write, System.nanoTime(), null);
            long previous = received;    // each delay runs from the previous write (the first from arrival)
            for (Script.Step step : script.steps()) {
                byte[] event = sse(step);
                sleepUntil(previous + step.delayNanos());
                write = System.nanoTime();
                out.write(event);
                out.flush();
                record.record(eventType(step.type()), write, System.nanoTime(), step.text());
                previous = write;
            }
            sleepUntil(previous + script.endingDelayNanos());
            switch (script.ending()) {
                case DONE -> {
                    write = System.nanoTime();
                    out.write(DONE);
                    out.flush();
                    record.record(SentRequest.Type.DONE, write, System.nanoTime(), null);
                }
                case END -> {
                }
                case CLOSE -> {
                    long now = System.nanoTime();
                    record.record(SentRequest.Type.ABORT, now, now, null);
                    throw new Abort();
                }
                case HANG -> hangThenDrop();
            }
        }

        /** A stream script answered to a request that does not stream: one JSON body once every delay passed. */
        private void collapsed() throws IOException {
            long total = script.endingDelayNanos();
            StringBuilder content = new StringBuilder();
            StringBuilder reasoning = new StringBuilder();
            StringBuilder garbage = new StringBuilder();
            String finish = null;
            Script.Step usage = null;
            for (Script.Step step : script.steps()) {
                total += step.delayNanos();
                switch (step.type()) {
                    case CONTENT -> content.append(step.text());
                    case REASONING -> reasoning.append(step.text());
                    case FINISH -> finish = step.text();
                    case USAGE -> usage = step;
                    case GARBAGE -> garbage.append(step.text()).append('\n');
                    default -> {
                    }
                }
            }
            sleepUntil(received + total);
            if (script.ending() == Script.Ending.HANG) {
                hangThenDrop();
            }
            if (script.ending() == Script.Ending.CLOSE) {
                long now = System.nanoTime();
                record.record(SentRequest.Type.ABORT, now, now, null);
                throw new Abort();
            }
            if (!garbage.isEmpty()) {
                sendBody(200, "application/json", garbage.toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body = JSON.writeValueAsBytes(completion(content, reasoning, finish, usage));
            if (finish == null && script.ending() == Script.Ending.END) {
                // the non-streaming face of a truncated stream: the body is cut short
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                record.status(200);
                OutputStream out = exchange.getResponseBody();
                long write = System.nanoTime();
                out.write(body, 0, body.length / 2);
                out.flush();
                record.record(SentRequest.Type.ABORT, write, System.nanoTime(), null);
                throw new Abort();
            }
            sendBody(200, "application/json", body);
        }

        private ObjectNode completion(CharSequence content, CharSequence reasoning, String finish,
                                      Script.Step usage) {
            ObjectNode root = envelope("chat.completion");
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", content.toString());
            if (!reasoning.isEmpty()) {
                message.put("reasoning_content", reasoning.toString());
            }
            choice.putNull("logprobs");
            choice.put("finish_reason", finish);
            if (usage != null) {
                putUsage(root, usage);
            }
            return root;
        }

        private byte[] sse(Script.Step step) throws IOException {
            if (step.type() == Script.StepType.GARBAGE) {
                return (step.text() + "\n\n").getBytes(StandardCharsets.UTF_8);
            }
            ObjectNode chunk = envelope("chat.completion.chunk");
            ArrayNode choices = chunk.putArray("choices");
            if (step.type() == Script.StepType.USAGE) {
                putUsage(chunk, step);
            } else {
                ObjectNode choice = choices.addObject();
                choice.put("index", 0);
                ObjectNode delta = choice.putObject("delta");
                switch (step.type()) {
                    case ROLE -> {
                        delta.put("role", "assistant");
                        delta.put("content", "");
                    }
                    case CONTENT -> delta.put("content", step.text());
                    case REASONING -> delta.put("reasoning_content", step.text());
                    case EMPTY -> delta.put("content", "");
                    default -> {
                    }
                }
                choice.putNull("logprobs");
                choice.put("finish_reason", step.type() == Script.StepType.FINISH ? step.text() : null);
            }
            byte[] json = JSON.writeValueAsBytes(chunk);
            byte[] event = new byte[json.length + 8];
            System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, event, 0, 6);
            System.arraycopy(json, 0, event, 6, json.length);
            event[event.length - 2] = '\n';
            event[event.length - 1] = '\n';
            return event;
        }

        private ObjectNode envelope(String object) {
            ObjectNode root = JSON.createObjectNode();
            root.put("id", id);
            root.put("object", object);
            root.put("created", created);
            root.put("model", record.model());
            root.putNull("system_fingerprint");
            return root;
        }

        private void putUsage(ObjectNode root, Script.Step usage) {
            ObjectNode u = root.putObject("usage");
            u.put("prompt_tokens", usage.promptTokens());
            u.put("completion_tokens", usage.completionTokens());
            u.put("total_tokens", usage.promptTokens() + usage.completionTokens());
        }

        private void sendBody(int status, String contentType, byte[] body) throws IOException {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            long write = System.nanoTime();
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            record.status(status);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            record.record(SentRequest.Type.BODY, write, System.nanoTime(), null);
        }

        private void hangThenDrop() {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new Abort();
        }

        private void sleepUntil(long targetNanos) {
            long remaining;
            while ((remaining = targetNanos - System.nanoTime()) > 0) {
                if (closed.getCount() == 0) {
                    throw new Abort();
                }
                try {
                    Thread.sleep(Duration.ofNanos(remaining));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Abort();
                }
            }
        }

        private SentRequest.Type eventType(Script.StepType type) {
            return switch (type) {
                case ROLE -> SentRequest.Type.ROLE;
                case CONTENT -> SentRequest.Type.CONTENT;
                case REASONING -> SentRequest.Type.REASONING;
                case EMPTY -> SentRequest.Type.EMPTY;
                case FINISH -> SentRequest.Type.FINISH;
                case USAGE -> SentRequest.Type.USAGE;
                case GARBAGE -> SentRequest.Type.GARBAGE;
            };
        }
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank");
        }
        return name;
    }
}
