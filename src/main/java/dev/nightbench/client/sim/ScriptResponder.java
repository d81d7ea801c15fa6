package dev.nightbench.client.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Sends one {@link Script} as the answer to one request of the {@link SimulatedServer}: a stream event by event (each
 * delay measured from the previous write, the first from the request's arrival), or, to a request that does not
 * stream, the same script collapsed into one JSON body once every delay has passed; a status or raw body; a hang or a
 * dropped connection. Records every write in the request's {@link SentRequest}.
 */
final class ScriptResponder {

    private static final ObjectMapper JSON = SimulatedServer.JSON;
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    /** Thrown out of the handler so the JDK server drops the connection without ending the response. */
    static final class Abort extends RuntimeException {
        Abort() {
            super("simulated connection drop", null, false, false);
        }
    }

    private final HttpExchange exchange;
    private final SentRequest record;
    private final Script script;
    private final long received;
    private final String id;
    private final long created = System.currentTimeMillis() / 1000;
    private final CountDownLatch closed;

    /** @param closed counted down when the server closes: waits and hangs end there */
    ScriptResponder(HttpExchange exchange, SentRequest record, Script script, long received, CountDownLatch closed) {
        this.exchange = exchange;
        this.closed = closed;
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
        if (usage.cachedTokens() != null) {
            u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
        }
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
