package dev.nightbench.conformance;

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
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The shared base of the conformance servers: a loopback HTTP/1.1 server on raw sockets that answers every chat
 * request with a scripted list of SSE {@link Event}s, each written at a fixed offset from the request's arrival
 * (a late wake-up shifts one event, not all after it), chunked, and then treats the connection the way the real
 * server does ({@link AfterAnswer}). Raw sockets rather than the JDK HttpServer because the behaviours under test
 * are at that level: which headers, when the socket closes, what goes in one write.
 *
 * <p>{@code GET .../models} lists one model. Every request's head is kept ({@link #requests()}), and the server
 * counts the connections it accepted, so a test can tell a reused connection from a fresh one.
 */
class ConformanceServer implements AutoCloseable {

    /** What the server does with the connection once an answer is complete. */
    enum AfterAnswer {
        /** Keeps it open for the next request (vLLM, Ollama). */
        KEEP_ALIVE,
        /** Closes it right after the terminating 0-chunk, whatever its headers said (llama.cpp's server). */
        CLOSE_AT_ONCE,
        /** Closes it {@link #closeDelayMillis} later: the client's pool check passes and the next request races it. */
        CLOSE_SOON
    }

    /** A request as received: its head (request line and headers) and body. */
    record Request(String head, String body) {

        boolean isChat() {
            return head.startsWith("POST ");
        }

        /** The value of a header, or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        /** Whether the body asks for usage ({@code stream_options.include_usage}). */
        boolean includeUsage() {
            return body.replace(" ", "").contains("\"include_usage\":true");
        }
    }

    /**
     * One SSE event written {@code atMillis} after the request arrived. Besides its JSON it says what a correct
     * client must take from it, from which the expected figures are computed ({@link Expected}).
     *
     * @param json             the {@code data:} payload ({@code [DONE]} for the end marker)
     * @param content          the delta's non-empty content, or null
     * @param reasoning        the delta's non-empty reasoning text, or null
     * @param promptTokens     usage.prompt_tokens carried, or null
     * @param completionTokens usage.completion_tokens carried, or null
     * @param cachedTokens     the prompt tokens the server says it served from its cache (usage details or
     *                         llama.cpp's timings.cache_n), or null
     */
    record Event(double atMillis, String json, String content, String reasoning, Integer promptTokens,
                 Integer completionTokens, Integer cachedTokens) {

        Event(double atMillis, String json, String content, String reasoning, Integer promptTokens,
              Integer completionTokens) {
            this(atMillis, json, content, reasoning, promptTokens, completionTokens, null);
        }

        static Event of(double atMillis, String json) {
            return new Event(atMillis, json, null, null, null, null);
        }

        static Event done(double atMillis) {
            return of(atMillis, "[DONE]");
        }
    }

    static final String MODEL = "conformance-model";

    private final String responseHead;
    private final AfterAnswer after;
    private final long closeDelayMillis;
    private final Function<Request, List<Event>> answer;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ServerSocket listener;
    private volatile boolean closed;

    /**
     * @param headers          response headers of a chat answer, each ending in CRLF ({@code Content-Type} and
     *                         {@code Transfer-Encoding: chunked} are added)
     * @param after            what happens to the connection after an answer
     * @param closeDelayMillis for {@link AfterAnswer#CLOSE_SOON}
     * @param answer           the events of the answer to a chat request
     */
    ConformanceServer(String headers, AfterAnswer after, long closeDelayMillis,
                      Function<Request, List<Event>> answer) {
        this.responseHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n" + headers
                + "Transfer-Encoding: chunked\r\n\r\n";
        this.after = after;
        this.closeDelayMillis = closeDelayMillis;
        this.answer = answer;
        try {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofPlatform().name("conformance-accept").daemon().start(this::acceptLoop);
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/v1");
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    /** Every request received, in order. */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The chat requests received, in order. */
    List<Request> chats() {
        return requests.stream().filter(Request::isChat).toList();
    }

    /**
     * A server's prompt cache, for flavours that report one: the first request with a given body finds nothing
     * cached, a later one with the same body {@code cachedOnRepeat} tokens. Decided once per received request (kept by
     * identity), so {@link #answerTo} says again what the server said when it answered.
     */
    static final class PromptCache {

        private final int cachedOnRepeat;
        private final java.util.Set<String> seen = new java.util.HashSet<>();
        private final java.util.Map<Request, Integer> decided = new java.util.IdentityHashMap<>();

        PromptCache(int cachedOnRepeat) {
            this.cachedOnRepeat = cachedOnRepeat;
        }

        synchronized int cachedFor(Request request) {
            return decided.computeIfAbsent(request, r -> seen.add(r.body()) ? 0 : cachedOnRepeat);
        }
    }

    /** The events of the answer to {@code request} (what a test expects the client to have seen). */
    List<Event> answerTo(Request request) {
        return answer.apply(request);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                connections.incrementAndGet();
                open.add(socket);
                Thread.ofPlatform().name("conformance-conn").daemon().start(() -> serve(socket));
            } catch (IOException e) {
                // closing
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            while (!closed) {
                Request request = read(in);
                if (request == null) {
                    return;
                }
                long arrival = System.nanoTime();
                requests.add(request);
                if (!request.isChat()) {
                    String models = "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL
                            + "\",\"object\":\"model\",\"created\":0,\"owned_by\":\"conformance\"}]}";
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                            + models.length() + "\r\n\r\n" + models).getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                out.write(responseHead.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                List<Event> events = answer.apply(request);
                for (int i = 0; i < events.size(); i++) {
                    Event event = events.get(i);
                    sleepUntil(arrival + Math.round(event.atMillis() * 1_000_000));
                    boolean last = i == events.size() - 1;
                    out.write(chunk("data: " + event.json() + "\n\n", last));
                    out.flush();
                }
                if (after == AfterAnswer.CLOSE_SOON) {
                    Thread.sleep(closeDelayMillis);
                }
                if (after != AfterAnswer.KEEP_ALIVE) {
                    return; // closes the socket, unread bytes and all, as llama-server does
                }
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    /** Reads one request (head and Content-Length body); null at end of stream. */
    private static Request read(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            if ((c = in.read()) < 0) {
                return null;
            }
            head.append((char) c);
        }
        Request headOnly = new Request(head.toString(), "");
        String length = headOnly.header("Content-Length");
        byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
        return new Request(head.toString(), new String(body, StandardCharsets.UTF_8));
    }

    private static void sleepUntil(long target) {
        long remaining;
        while ((remaining = target - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }

    private static byte[] chunk(String data, boolean last) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        String head = Integer.toHexString(bytes.length).toLowerCase(Locale.ROOT) + "\r\n";
        String tail = last ? "\r\n0\r\n\r\n" : "\r\n";
        byte[] out = new byte[head.length() + bytes.length + tail.length()];
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, out, 0, head.length());
        System.arraycopy(bytes, 0, out, head.length(), bytes.length);
        System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, out, head.length() + bytes.length,
                tail.length());
        return out;
    }

    /** JSON string literal. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(ch < 0x20 ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
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
