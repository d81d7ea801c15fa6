package com.example.nightbench.ollama;

import com.example.nightbench.ollama.NdjsonExchange.End;
import com.example.nightbench.ollama.NdjsonExchange.Event;
import com.example.nightbench.ollama.NdjsonExchange.Failed;
import com.example.nightbench.ollama.NdjsonExchange.Head;
import com.example.nightbench.ollama.NdjsonExchange.Line;
import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ProviderEndpoint;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.Timeouts;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client of one Ollama endpoint over its native API. A chat is {@code POST /api/chat} with
 * {@code "stream": true}: each NDJSON line {@code {"message": {"content": "..."}, "done": false}} is one chunk, and the
 * last line {@code {"done": true, "done_reason": "stop", "prompt_eval_count": N, "eval_count": M}} gives the finish
 * reason and the usage (Ollama's counts of the prompt's and the answer's tokens). What the observer hears, in order,
 * is what METRICS.md needs: {@code onSent} with t0 taken just before the request is handed to the HTTP client;
 * {@code onChunk} with the arrival time of each line; {@code onFinish}, {@code onUsage}; {@code onClosed} once the
 * body ended. Timeouts: connect by the HTTP client; first token, idle and total by waiting for each line with a
 * deadline. It never retries: the job does, by the failure's class ({@link OllamaFailures}).
 */
final class OllamaNativeClient implements ModelClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ProviderEndpoint endpoint;
    private final OllamaNativeProvider.Options options;
    private final String root;
    private final Timeouts timeouts;
    private final NanoClock clock;
    private final OllamaFailures failures;
    private final HttpClient pooled; // null when every request opens its own connection (ConnectionPolicy.CLOSE)
    private volatile boolean used;   // a response was read: the pool may hold a connection the server could close
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();

    OllamaNativeClient(ProviderEndpoint endpoint, OllamaNativeProvider.Options options) {
        this.endpoint = endpoint;
        this.options = options;
        this.root = endpoint.baseUrl().toString().replaceAll("/+$", "");
        this.timeouts = endpoint.timeouts();
        this.clock = endpoint.clock();
        this.failures = new OllamaFailures(timeouts, this::redact);
        this.pooled = endpoint.connection() == ConnectionPolicy.KEEP_ALIVE ? newHttpClient() : null;
    }

    private HttpClient newHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeouts.connect()).build();
    }

    @Override
    public URI baseUrl() {
        return endpoint.baseUrl();
    }

    /** {@code GET /api/tags}: each model's name; a {@code name:latest} also as {@code name}, as Ollama takes it. */
    @Override
    public List<String> listModels() {
        HttpRequest request = request("/api/tags").GET().build();
        String body = exchange(request, clock.nanoTime(), null, false, timeouts.connect().plus(timeouts.firstToken()));
        try {
            Set<String> names = new LinkedHashSet<>();
            for (JsonNode m : JSON.readTree(body).path("models")) {
                String name = m.path("name").asString(m.path("model").asString(""));
                if (!name.isEmpty()) {
                    names.add(name);
                    if (name.endsWith(":latest")) {
                        names.add(name.substring(0, name.length() - ":latest".length()));
                    }
                }
            }
            return List.copyOf(names);
        } catch (JacksonException e) {
            throw failures.invalid(e.getOriginalMessage(), e);
        }
    }

    /**
     * With {@code preload: true}: Ollama's load request, a chat with no messages (answered with
     * {@code "done_reason": "load"} once the model is in memory), timed. Null without it, or when already loaded.
     */
    @Override
    public Duration load(String model) {
        if (!options.preload() || !loaded.add(model)) {
            return null;
        }
        long start = clock.nanoTime();
        ObjectNode body = JSON.createObjectNode().put("model", model);
        body.putArray("messages");
        if (options.keepAlive() != null) {
            body.put("keep_alive", options.keepAlive());
        }
        try {
            exchange(request("/api/chat").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), start, null, false,
                    timeouts.total());
        } catch (ModelClientException e) {
            loaded.remove(model);
            throw e;
        }
        return Duration.ofNanos(clock.nanoTime() - start);
    }

    @Override
    public void chat(ChatRequest chat, ResponseObserver observer) {
        long prepStart = clock.nanoTime();
        HttpRequest request = request("/api/chat").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(chat))).build();
        exchange(request, prepStart, observer, chat.stream(), timeouts.total());
    }

    /**
     * Sends {@code request} and reads its answer: into {@code observer} as a chat (null: the body is returned, for
     * {@code /api/tags}). A request lost on a pooled connection before any response is sent again once on a fresh one.
     */
    private String exchange(HttpRequest request, long prepStart, ResponseObserver observer, boolean stream,
                            Duration limit) {
        HttpClient client = pooled != null ? pooled : newHttpClient();
        try {
            long t0 = clock.nanoTime();
            if (observer != null) {
                observer.onSent(t0, t0 - prepStart);
            }
            NdjsonExchange exchange = NdjsonExchange.send(client, request, clock);
            try {
                return read(exchange, t0, observer, stream, limit, request);
            } catch (Resend resend) {
                long again = clock.nanoTime();
                if (observer != null) {
                    observer.onReconnect(again);
                }
                // the JDK client has dropped the connection that failed: this exchange opens a fresh one
                return read(NdjsonExchange.send(client, request, clock), again, observer, stream, limit, request);
            }
        } catch (ModelClientException e) {
            if (observer != null) {
                observer.onClosed(clock.nanoTime());
            }
            throw e;
        } finally {
            if (pooled == null) {
                client.shutdownNow(); // its one exchange is over
            }
        }
    }

    /** Signals a request lost on a pooled connection before any response: send it again. */
    private static final class Resend extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Resend() {
            super(null, null, false, false);
        }
    }

    private String read(NdjsonExchange exchange, long t0, ResponseObserver observer, boolean stream, Duration limit,
                        HttpRequest request) {
        boolean chat = observer != null;
        long totalAt = t0 + limit.toNanos();
        Head head = null;
        boolean token = false;
        boolean done = false;
        long last = t0;
        StringBuilder whole = new StringBuilder();
        try {
            while (true) {
                long phaseAt = !chat || !stream ? totalAt
                        : token || done ? last + timeouts.idle().toNanos() : t0 + timeouts.firstToken().toNanos();
                Event event = exchange.next(Math.min(phaseAt, totalAt));
                if (event == null) {
                    exchange.abort();
                    if (done) { // the answer was complete; the server only kept the body open
                        observer.onClosed(clock.nanoTime());
                        return null;
                    }
                    if (!chat) {
                        throw failures.timeout(request.method() + " " + request.uri().getPath(), limit);
                    }
                    throw failures.timeout(phaseAt < totalAt ? token ? FailureClass.TIMEOUT_IDLE
                            : FailureClass.TIMEOUT_FIRST_TOKEN : FailureClass.TIMEOUT_TOTAL);
                }
                switch (event) {
                    case Head h -> head = h;
                    case Failed f -> {
                        if (head == null && pooled != null && used && OllamaFailures.staleConnection(f.error())) {
                            used = false;
                            throw new Resend();
                        }
                        throw failures.io(f.error(), head != null);
                    }
                    case Line line -> {
                        if (head.status() != 200 || !chat || !stream) { // an error body, a model list, a whole answer
                            whole.append(line.text()).append('\n');
                            continue;
                        }
                        if (line.text().isBlank()) {
                            continue;
                        }
                        JsonNode json = parse(line.text());
                        if (json.path("error").isString()) {
                            exchange.abort();
                            throw failures.inStream(json.path("error").stringValue());
                        }
                        if (report(json, line.nanos(), observer)) {
                            token = true;
                            last = line.nanos();
                        }
                        done |= json.path("done").asBoolean(false);
                    }
                    case End end -> {
                        used = true;
                        if (head.status() != 200) {
                            throw failures.http(head.status(), head.headers(), whole.toString(), JSON);
                        }
                        if (!chat) {
                            return whole.toString();
                        }
                        if (!stream) {
                            report(parse(whole.toString()), clock.nanoTime(), observer);
                        } else if (!done) {
                            throw failures.truncated("the stream ended without a line with \"done\": true");
                        }
                        observer.onClosed(clock.nanoTime());
                        return null;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.abort();
            throw failures.cancelled(e);
        } catch (ModelClientException e) {
            exchange.abort();
            throw e;
        }
    }

    /** Reports one line (or a whole non-streamed answer); true when it carried text. */
    private static boolean report(JsonNode json, long nanos, ResponseObserver observer) {
        JsonNode message = json.path("message");
        String content = message.path("content").asString("");
        String thinking = message.path("thinking").asString("");
        boolean text = !content.isEmpty() || !thinking.isEmpty();
        if (text) {
            observer.onChunk(nanos, content.isEmpty() ? null : content, thinking.isEmpty() ? null : thinking);
        }
        if (json.path("done").asBoolean(false)) {
            observer.onFinish(json.path("done_reason").asString("stop"));
            observer.onUsage(count(json, "prompt_eval_count"), count(json, "eval_count"));
        }
        return text;
    }

    private static Integer count(JsonNode json, String field) {
        JsonNode n = json.path(field);
        return n.isIntegralNumber() ? n.intValue() : null;
    }

    private JsonNode parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isObject()) {
                throw failures.invalid("expected a JSON object per line, got: " + text, null);
            }
            return node;
        } catch (JacksonException e) {
            throw failures.invalid(e.getOriginalMessage(), e);
        }
    }

    /** The request body: Ollama's own names ({@code num_predict}, not {@code max_tokens}) under {@code options}. */
    private String body(ChatRequest chat) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", chat.model());
        var messages = body.putArray("messages");
        for (ChatMessage m : chat.messages()) {
            messages.addObject().put("role", m.role()).put("content", m.content());
        }
        body.put("stream", chat.stream());
        if (options.keepAlive() != null) {
            body.put("keep_alive", options.keepAlive());
        }
        ObjectNode opts = body.putObject("options");
        if (chat.temperature() != null) {
            opts.put("temperature", chat.temperature());
        }
        if (chat.seed() != null) {
            opts.put("seed", chat.seed());
        }
        if (chat.maxTokens() != null) {
            opts.put("num_predict", chat.maxTokens());
        }
        if (options.numCtx() != null) {
            opts.put("num_ctx", options.numCtx());
        }
        for (Map.Entry<String, Object> e : chat.extra().entrySet()) { // the plan's per-model params: Ollama options
            opts.set(e.getKey().equals("max_tokens") ? "num_predict" : e.getKey(), JSON.valueToTree(e.getValue()));
        }
        return JSON.writeValueAsString(body);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).header("Accept", "application/x-ndjson");
        if (endpoint.apiKey() != null) { // an Ollama behind a proxy that wants a key
            b.header("Authorization", "Bearer " + endpoint.apiKey());
        }
        return b;
    }

    @Override
    public String redact(String text) {
        String key = endpoint.apiKey();
        return key == null || key.isEmpty() || text == null ? text : text.replace(key, "[redacted]");
    }

    @Override
    public void close() {
        if (pooled != null) {
            pooled.shutdownNow(); // the run is over: nothing of it is still in flight
        }
    }
}
