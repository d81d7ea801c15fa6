package dev.nightbench.client.openai;

import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The endpoint probe ({@code GET /models}) gives up on the plan's own timeouts and names the one that fired. */
class EndpointProbeTest {

    @Test
    void aSilentServerFailsTheProbeOnTheFirstTokenTimeoutAndTheMessageNamesIt() throws IOException {
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(400),
                Duration.ofSeconds(5), Duration.ofSeconds(6));
        try (LoopbackServer silent = new LoopbackServer(null);
             OpenAiModelClient client = new OpenAiModelClient(silent.base(), null, timeouts, NanoClock.SYSTEM)) {
            long start = System.nanoTime();
            ModelClientException e = catchThrowableOfType(ModelClientException.class, client::listModels);
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(e.failure()).isEqualTo(FailureClass.TIMEOUT_FIRST_TOKEN);
            assertThat(e.getMessage()).contains("first-token timeout of PT0.4S").contains("run.timeouts.first_token")
                    .doesNotContain("total");
            assertThat(seconds).isBetween(0.35, 5.0); // not the 60 s it used to take, nor the 6 s total
        }
    }

    @Test
    void aServerThatSendsHeadersButNoListFailsOnTheTotalTimeoutAndSaysSo() throws IOException {
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(300),
                Duration.ofSeconds(5), Duration.ofMillis(900));
        String headersOnly = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"da";
        try (LoopbackServer stalling = new LoopbackServer(headersOnly);
             OpenAiModelClient client = new OpenAiModelClient(stalling.base(), null, timeouts, NanoClock.SYSTEM)) {
            ModelClientException e = catchThrowableOfType(ModelClientException.class, client::listModels);

            assertThat(e.failure()).isEqualTo(FailureClass.TIMEOUT_TOTAL);
            assertThat(e.getMessage()).contains("total timeout of PT0.9S").contains("run.timeouts.total");
        }
    }

    /** Accepts connections, reads the request, sends {@code reply} (or nothing) and then stays silent. */
    private static final class LoopbackServer implements AutoCloseable {

        private final ServerSocket socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        LoopbackServer(String reply) throws IOException {
            Thread.ofPlatform().daemon().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        accepted.add(s);
                        InputStream in = s.getInputStream();
                        in.read(new byte[4096]);
                        if (reply != null) {
                            OutputStream out = s.getOutputStream();
                            out.write(reply.getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                    } catch (IOException e) {
                        // closing
                    }
                }
            });
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1");
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
