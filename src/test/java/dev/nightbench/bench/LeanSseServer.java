package dev.nightbench.bench;

import dev.nightbench.client.sim.Script;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A minimal OpenAI-compatible SSE server for the benchmark: plain blocking sockets, one platform thread per
 * connection, HTTP/1.1 keep-alive, every event of the {@link Script} pre-encoded (chunked transfer encoding and
 * all) before the first request, so sending an event is one {@code write} syscall and nothing else.
 *
 * <p>Why not {@link dev.nightbench.client.sim.SimulatedServer}: that one builds each event's JSON with Jackson
 * while streaming, parses every request into a tree, and goes through the JDK HTTP server's single dispatcher
 * thread and a virtual-thread hand-off per request; the benchmark measured those as milliseconds of latency under
 * load (see bench/README.md), which would be charged to the client. Here the server's share is a socket read,
 * a {@code parkNanos} and a {@code write}, and its timestamps bracket exactly the syscalls that move the bytes.
 *
 * <p>Event i is written at arrival + the sum of the script's delays up to i (a fixed schedule, as a server
 * producing tokens at a steady rate), not at the previous write + its delay as the SimulatedServer does: one late
 * wake-up on a busy machine then shifts one event, not every event after it, so the server's total stays on
 * the scripted total.
 *
 * <p>Answers {@code GET /v1/models} (the one model) and {@code POST /v1/chat/completions} (the script, streamed;
 * the request body is not parsed beyond finding the request id). Records, per request id (the last
 * {@value #ID_PREFIX}{@code <n>} token in the body), when the request had been read and when each event's write began and
 * returned, on System.nanoTime.
 */
final class LeanSseServer implements AutoCloseable {

    /** Marks the request id in a message's content. */
    static final String ID_PREFIX = "benchid-";

    /** What the server did for one request, in System.nanoTime. */
    static final class Exchange {
        final String id;
        final long firstByteNanos;
        final long receivedNanos;
        final long[] writeNanos; // written by the serving thread before its write; read after the client saw the bytes
        final long[] nanos;

        Exchange(String id, long firstByteNanos, long receivedNanos, int events) {
            this.id = id;
            this.firstByteNanos = firstByteNanos;
            this.receivedNanos = receivedNanos;
            this.writeNanos = new long[events];
            this.nanos = new long[events];
        }
    }

    private final String model;
    private final Script.StepType[] types;
    private final long[] delays;
    private final byte[][] events;
    private final byte[] head;
    private final byte[] modelsResponse;
    private final boolean record;
    private final Map<String, Exchange> exchanges = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ServerSocket listener;
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * @param record keep every exchange's timestamps (off for throughput runs)
     */
    LeanSseServer(String model, Script script, boolean record) {
        if (script.kind() != Script.Kind.STREAM || script.ending() != Script.Ending.DONE) {
            throw new IllegalArgumentException("a stream script ending in [DONE] is needed");
        }
        this.model = model;
        this.record = record;
        List<Script.Step> steps = script.steps();
        types = new Script.StepType[steps.size() + 1];
        delays = new long[steps.size() + 1];
        events = new byte[steps.size() + 1][];
        for (int i = 0; i < steps.size(); i++) {
            Script.Step step = steps.get(i);
            types[i] = step.type();
            delays[i] = step.delayNanos();
            events[i] = chunked("data: " + json(model, step) + "\n\n", false);
        }
        delays[steps.size()] = script.endingDelayNanos();
        events[steps.size()] = chunked("data: [DONE]\n\n", true);
        head = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        String models = "{\"object\":\"list\",\"data\":[{\"id\":\"" + model
                + "\",\"object\":\"model\",\"created\":0,\"owned_by\":\"bench\"}]}";
        modelsResponse = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + models.length()
                + "\r\n\r\n" + models).getBytes(StandardCharsets.US_ASCII);
        try {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = Thread.ofPlatform().name("lean-accept").daemon().start(this::acceptLoop);
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/v1");
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The steps' types plus a final null for {@code [DONE]}: what {@link Exchange#nanos} index i was. */
    Script.StepType type(int event) {
        return types[event];
    }

    int eventCount() {
        return events.length;
    }

    Exchange exchange(String id) {
        return exchanges.get(id);
    }

    /** Every recorded exchange (requests without an id are keyed {@code seq-<n>}). */
    List<Exchange> exchanges() {
        return List.copyOf(exchanges.values());
    }

    void clear() {
        exchanges.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                open.add(socket);
                Thread.ofPlatform().name("lean-conn").daemon().start(() -> serve(socket));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("lean server: accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        byte[] buf = new byte[16 * 1024];
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            int filled = 0;
            while (!closed) {
                // read one request: headers, then Content-Length bytes of body
                long firstByte = 0;
                int headerEnd;
                while ((headerEnd = indexOf(buf, filled, "\r\n\r\n")) < 0) {
                    if (filled == buf.length) {
                        buf = Arrays.copyOf(buf, buf.length * 2);
                    }
                    int n = in.read(buf, filled, buf.length - filled);
                    if (n < 0) {
                        return;
                    }
                    if (filled == 0) {
                        firstByte = System.nanoTime();
                    }
                    filled += n;
                }
                String headers = new String(buf, 0, headerEnd, StandardCharsets.ISO_8859_1);
                int length = contentLength(headers);
                int total = headerEnd + 4 + length;
                while (filled < total) {
                    if (total > buf.length) {
                        buf = Arrays.copyOf(buf, Math.max(total, buf.length * 2));
                    }
                    int n = in.read(buf, filled, buf.length - filled);
                    if (n < 0) {
                        return;
                    }
                    filled += n;
                }
                long received = System.nanoTime();
                if (firstByte == 0) {
                    firstByte = received; // the whole request was already buffered with the previous one
                }
                if (headers.startsWith("GET ")) {
                    out.write(modelsResponse);
                } else {
                    stream(out, id(buf, headerEnd + 4, total), firstByte, received);
                }
                System.arraycopy(buf, total, buf, 0, filled - total);
                filled -= total;
            }
        } catch (IOException e) {
            // client went away
        } finally {
            open.remove(socket);
        }
    }

    private void stream(OutputStream out, String id, long firstByte, long received) throws IOException {
        Exchange exchange = record ? new Exchange(id, firstByte, received, events.length) : null;
        if (exchange != null) { // before the first write: a client may finish reading before this thread resumes
            exchanges.put(id != null ? id : "seq-" + sequence.incrementAndGet(), exchange);
        }
        out.write(head);
        long offset = 0;
        for (int i = 0; i < events.length; i++) {
            offset += delays[i];
            long target = received + offset; // on a fixed schedule from arrival: a late wake-up is not carried on
            long remaining;
            while ((remaining = target - System.nanoTime()) > 0) {
                LockSupport.parkNanos(remaining);
            }
            long write = System.nanoTime();
            out.write(events[i]);
            if (exchange != null) {
                exchange.writeNanos[i] = write;
                exchange.nanos[i] = System.nanoTime();
            }
        }
    }

    private static String id(byte[] buf, int from, int to) {
        byte[] marker = ID_PREFIX.getBytes(StandardCharsets.US_ASCII);
        int at = -1;
        outer:
        for (int i = from; i <= to - marker.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (buf[i + j] != marker[j]) {
                    continue outer;
                }
            }
            at = i;
        }
        if (at < 0) {
            return null;
        }
        int end = at + marker.length;
        while (end < to && Character.isLetterOrDigit(buf[end])) {
            end++;
        }
        return new String(buf, at, end - at, StandardCharsets.US_ASCII);
    }

    private static int contentLength(String headers) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                return Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        return 0;
    }

    private static int indexOf(byte[] buf, int limit, String what) {
        byte[] w = what.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i <= limit - w.length; i++) {
            for (int j = 0; j < w.length; j++) {
                if (buf[i + j] != w[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] chunked(String data, boolean last) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        String size = Integer.toHexString(bytes.length) + "\r\n";
        String tail = last ? "\r\n0\r\n\r\n" : "\r\n";
        byte[] out = new byte[size.length() + bytes.length + tail.length()];
        System.arraycopy(size.getBytes(StandardCharsets.US_ASCII), 0, out, 0, size.length());
        System.arraycopy(bytes, 0, out, size.length(), bytes.length);
        System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, out, size.length() + bytes.length,
                tail.length());
        return out;
    }

    /** The same chunk JSON as the SimulatedServer sends (vLLM's shape). */
    static String json(String model, Script.Step step) {
        String envelope = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\""
                + model + "\",\"system_fingerprint\":null,";
        return switch (step.type()) {
            case USAGE -> envelope + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + step.promptTokens()
                    + ",\"completion_tokens\":" + step.completionTokens() + ",\"total_tokens\":"
                    + (step.promptTokens() + step.completionTokens()) + "}}";
            case ROLE -> envelope + choice("{\"role\":\"assistant\",\"content\":\"\"}", null);
            case CONTENT -> envelope + choice("{\"content\":" + quote(step.text()) + "}", null);
            case REASONING -> envelope + choice("{\"reasoning_content\":" + quote(step.text()) + "}", null);
            case EMPTY -> envelope + choice("{\"content\":\"\"}", null);
            case FINISH -> envelope + choice("{}", step.text());
            case GARBAGE -> throw new IllegalArgumentException("garbage steps are not served by the lean server");
        };
    }

    private static String choice(String delta, String finish) {
        return "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finish == null ? "null" : quote(finish)) + "}]}";
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing
        }
        for (Socket s : new ArrayList<>(open)) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
