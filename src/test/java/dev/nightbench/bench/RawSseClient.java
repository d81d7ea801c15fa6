package dev.nightbench.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The floor of section (a): the least a client can do to time a stream. A plain blocking socket (keep-alive, one
 * per worker) writes the request bytes right after t0 and stamps every event at the read that completed it, with
 * no HTTP library, no JSON and no SSE parsing beyond finding each event's blank line. Its error against the server
 * is what loopback and this machine's scheduling cost anyone; Nightbench's error above it is the client's own.
 * Works only with {@link LeanSseServer}, whose events are written one per write and whose last event carries the
 * chunked terminator.
 */
final class RawSseClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;
    private final byte[] buf = new byte[64 * 1024];

    RawSseClient(URI baseUrl) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(baseUrl.getHost(), baseUrl.getPort()));
        in = socket.getInputStream();
        out = socket.getOutputStream();
        host = baseUrl.getHost() + ":" + baseUrl.getPort();
    }

    /**
     * Sends one streamed chat request carrying {@code id} and reads the whole response.
     *
     * @param arrivals filled with each event's arrival time; its length is the number of events expected
     * @return t0, read just before the request is written
     */
    long exchange(String id, long[] arrivals) throws IOException {
        byte[] body = ("{\"model\":\"" + BenchServer.MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + id
                + "\"}],\"max_tokens\":16,\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
                + "Accept: text/event-stream\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        long t0 = System.nanoTime();
        out.write(request);
        int events = 0;
        byte previous = 0;
        int tail = 0; // matched bytes of the chunked terminator "0\r\n\r\n" after the last event
        byte[] terminator = {'0', '\r', '\n', '\r', '\n'};
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("the server closed the connection after " + events + " events");
            }
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (events < arrivals.length) {
                    if (b == '\n' && previous == '\n') {
                        arrivals[events++] = now;
                    }
                } else {
                    tail = b == terminator[tail] ? tail + 1 : (b == '0' ? 1 : 0);
                    if (tail == terminator.length) {
                        return t0;
                    }
                }
                previous = b;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
