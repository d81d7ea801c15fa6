package dev.nightbench.provider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback Ollama: its native API ({@code POST /api/chat} streamed as NDJSON, {@code GET /api/tags}) and its
 * OpenAI-compatible one ({@code POST /v1/chat/completions} as SSE, {@code GET /v1/models}) on one port, answering both
 * on the same schedule, as one real Ollama does: so the sample provider and the built-in {@code openai} type measure the
 * same server and must store the same figures.
 *
 * <p>Every answer is {@link #TOKENS} with {@link #PREFILL_MS} before the first token and {@link #GAP_MS} between tokens,
 * each line written at its offset from the request's arrival; the usage is {@link #PROMPT_TOKENS} prompt tokens and
 * six output tokens. The line shapes are those a real Ollama sent (a {@code gemma2:2b} stream captured with
 * ollama-python: {@code {"model", "created_at", "message": {"role": "assistant", "content": "Hello"}, "done": false}},
 * then {@code {..., "message": {"role": "assistant", "content": ""}, "done_reason": "stop", "done": true,
 * "total_duration", "load_duration", "prompt_eval_count": 10, "prompt_eval_duration", "eval_count": 17,
 * "eval_duration"}}); errors are Ollama's {@code {"error": "..."}} with the HTTP status. Models:
 * <ul>
 *   <li>{@code steady}: always answers; with {@link #holdFrom} its later requests wait for {@link #release};</li>
 *   <li>{@code flaky}: its {@value #FLAKY_FAILS_AT}-th request (0-based, retries counted) gets 503, every other answers;</li>
 *   <li>{@code broken}: always 503.</li>
 * </ul>
 * A native chat with no messages is Ollama's load request: answered after {@link #LOAD_MS} with
 * {@code "done_reason": "load"}, for every model.
 */
final class OllamaServer implements AutoCloseable {

    static final String[] TOKENS = {"The", " answer", " is", " forty", "-two", "."};
    static final int PROMPT_TOKENS = 12;
    static final double PREFILL_MS = 150;
    static final double GAP_MS = 30;
    static final int FLAKY_FAILS_AT = 1;
    static final List<String> MODELS = List.of("steady", "flaky", "broken");
    /** How long a load request (a native chat with no messages) takes. */
    static final long LOAD_MS = 80;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final Map<String, AtomicInteger> requestsByModel = new ConcurrentHashMap<>();
    private final AtomicInteger loads = new AtomicInteger();
    private final List<JsonNode> chatBodies = new CopyOnWriteArrayList<>();
    private final CountDownLatch gate = new CountDownLatch(1);
    private volatile int holdFrom = Integer.MAX_VALUE;

    OllamaServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().name("ollama-loopback")
                .unstarted(r)));
        server.createContext("/api/tags", this::tags);
        server.createContext("/v1/models", this::openAiModels);
        server.createContext("/api/chat", e -> chat(e, true));
        server.createContext("/v1/chat/completions", e -> chat(e, false));
        server.start();
    }

    /** The server's root, as the native API takes it. */
    URI root() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Holds {@code steady}'s requests from the {@code n}-th (0-based) until {@link #release}. */
    OllamaServer holdFrom(int n) {
        holdFrom = n;
        return this;
    }

    void release() {
        gate.countDown();
    }

    /** Requests received for {@code model} (retries included). */
    int requestCount(String model) {
        return requestsByModel.computeIfAbsent(model, m -> new AtomicInteger()).get();
    }

    /** Load requests received (native chats with no messages). */
    int loadCount() {
        return loads.get();
    }

    /** The chat request bodies received, in order (load requests not included). */
    List<JsonNode> chatBodies() {
        return List.copyOf(chatBodies);
    }

    private void tags(HttpExchange e) throws IOException {
        StringBuilder body = new StringBuilder("{\"models\":[");
        for (int i = 0; i < MODELS.size(); i++) {
            String name = MODELS.get(i) + ":latest";
            body.append(i == 0 ? "" : ",").append("{\"name\":\"").append(name).append("\",\"model\":\"").append(name)
                    .append("\",\"modified_at\":\"2025-05-04T17:37:44.706015396-07:00\",\"size\":2019393189,")
                    .append("\"digest\":\"a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72\",")
                    .append("\"details\":{\"parent_model\":\"\",\"format\":\"gguf\",\"family\":\"llama\",")
                    .append("\"families\":[\"llama\"],\"parameter_size\":\"3.2B\",\"quantization_level\":\"Q4_K_M\"}}");
        }
        send(e, 200, "application/json; charset=utf-8", body.append("]}").toString());
    }

    private void openAiModels(HttpExchange e) throws IOException {
        StringBuilder body = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < MODELS.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(MODELS.get(i))
                    .append("\",\"object\":\"model\",\"created\":1746405464,\"owned_by\":\"library\"}");
        }
        send(e, 200, "application/json", body.append("]}").toString());
    }

    private void chat(HttpExchange e, boolean nativeApi) throws IOException {
        long arrival = System.nanoTime();
        JsonNode body = JSON.readTree(e.getRequestBody().readAllBytes());
        String model = body.path("model").asString("");
        if (nativeApi && body.path("messages").isEmpty()) { // Ollama's load request: the model is put in memory
            loads.incrementAndGet();
            LockSupport.parkNanos(LOAD_MS * 1_000_000);
            send(e, 200, "application/json; charset=utf-8", "{\"model\":\"" + model + ":latest\",\"created_at\":"
                    + "\"2024-09-12T21:17:29.110811Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
                    + "\"done_reason\":\"load\",\"done\":true}");
            return;
        }
        chatBodies.add(body);
        int index = requestsByModel.computeIfAbsent(model, m -> new AtomicInteger()).getAndIncrement();
        if (!MODELS.contains(model)) {
            send(e, 404, "application/json", "{\"error\":\"model '" + model + "' not found\"}");
            return;
        }
        if (model.equals("broken") || (model.equals("flaky") && index == FLAKY_FAILS_AT)) {
            send(e, 503, "application/json", "{\"error\":\"server busy, please try again.  maximum pending requests "
                    + "exceeded\"}");
            return;
        }
        if (model.equals("steady") && index >= holdFrom) {
            try {
                gate.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            arrival = System.nanoTime();
        }
        boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
        e.getResponseHeaders().set("Content-Type", nativeApi ? "application/x-ndjson" : "text/event-stream");
        e.sendResponseHeaders(200, 0); // chunked
        try (OutputStream out = e.getResponseBody()) {
            List<String> lines = nativeApi ? nativeLines(model) : sseEvents(model, usage);
            double at = PREFILL_MS;
            for (int i = 0; i < lines.size(); i++) {
                sleepUntil(arrival + Math.round(at * 1_000_000));
                out.write(lines.get(i).getBytes(StandardCharsets.UTF_8));
                out.flush();
                at += i < TOKENS.length - 1 ? GAP_MS : i == TOKENS.length - 1 ? 1 : 0;
            }
        } catch (IOException clientWentAway) {
            // the client was killed or gave up
        }
    }

    /** The native stream: one line per token, then the done line with the counts. */
    private static List<String> nativeLines(String model) {
        List<String> lines = new ArrayList<>();
        String head = "{\"model\":\"" + model + ":latest\",\"created_at\":\"2024-08-07T03:57:33.0365888Z\",";
        for (String token : TOKENS) {
            lines.add(head + "\"message\":{\"role\":\"assistant\",\"content\":" + quote(token) + "},\"done\":false}\n");
        }
        lines.add(head + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,"
                + "\"total_duration\":4353619900,\"load_duration\":63915300,\"prompt_eval_count\":" + PROMPT_TOKENS
                + ",\"prompt_eval_duration\":246847000,\"eval_count\":" + TOKENS.length
                + ",\"eval_duration\":4032296000}\n");
        return lines;
    }

    /** Ollama's OpenAI-compatible stream: the role in every chunk, an empty last chunk with the finish reason. */
    private static List<String> sseEvents(String model, boolean usage) {
        String envelope = "data: {\"id\":\"chatcmpl-42\",\"object\":\"chat.completion.chunk\",\"created\":1764600000,"
                + "\"model\":\"" + model + "\",\"system_fingerprint\":\"fp_ollama\",";
        List<String> events = new ArrayList<>();
        for (String token : TOKENS) {
            events.add(envelope + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":"
                    + quote(token) + "},\"finish_reason\":null}]}\n\n");
        }
        StringBuilder last = new StringBuilder(envelope + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                + "\"content\":\"\"},\"finish_reason\":\"stop\"}]}\n\n");
        if (usage) {
            last.append(envelope).append("\"choices\":[],\"usage\":{\"prompt_tokens\":").append(PROMPT_TOKENS)
                    .append(",\"completion_tokens\":").append(TOKENS.length).append(",\"total_tokens\":")
                    .append(PROMPT_TOKENS + TOKENS.length).append("}}\n\n");
        }
        events.add(last.append("data: [DONE]\n\n").toString());
        return events;
    }

    private static void send(HttpExchange e, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().set("Content-Type", type);
        e.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String quote(String s) {
        return JSON.writeValueAsString(s);
    }

    private static void sleepUntil(long target) {
        long remaining;
        while ((remaining = target - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
