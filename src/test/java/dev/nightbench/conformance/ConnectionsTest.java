package dev.nightbench.conformance;

import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.conformance.ConformanceServer.AfterAnswer;
import dev.nightbench.measure.Measurement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static dev.nightbench.conformance.ConformanceTest.measure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection reuse against servers that close what they advertised as kept alive, and the {@code close} policy.
 * "No backoff": the job's shortest retry backoff is 0.5 s, so a request that took less than that was not retried.
 */
class ConnectionsTest {

    private static final int REQUESTS = 10;
    /** Below the job's 0.5 s retry backoff, far above a 12 ms scripted answer. */
    private static final double NO_BACKOFF_MS = 450;

    @Test
    void aServerClosingRightAfterEachAnswerCostsOneReconnectPerRequestAndNoFailedAttempt() {
        assertReconnectsWithoutFailures(Flavours.llamaCpp(AfterAnswer.CLOSE_AT_ONCE, 0, true, 5, 1));
    }

    @Test
    void aServerClosingAFewMillisecondsAfterTheAnswerRacesTheNextRequestAndStillCostsOnlyReconnects() {
        for (long delay : new long[] {1, 3, 5}) {
            assertReconnectsWithoutFailures(Flavours.llamaCpp(AfterAnswer.CLOSE_SOON, delay, false, 5, 1));
        }
    }

    private static void assertReconnectsWithoutFailures(ConformanceServer llama) {
        try (ConformanceServer server = llama; OpenAiModelClient client = ConformanceTest.client(server)) {
            List<Measurement> ms = new ArrayList<>();
            List<Double> wallMs = new ArrayList<>(); // what the caller waited, the lost send included
            for (int i = 0; i < REQUESTS; i++) {
                long start = System.nanoTime();
                ms.add(measure(client));
                wallMs.add((System.nanoTime() - start) / 1e6);
            }

            assertThat(ms).allSatisfy(m -> assertThat(m.status().value()).as(m.errorMessage()).isEqualTo("ok"));
            assertThat(ms.getFirst().reconnects()).isZero();
            assertThat(ms.subList(1, REQUESTS)).allSatisfy(m -> assertThat(m.reconnects()).isEqualTo(1));
            assertThat(wallMs.subList(1, REQUESTS)).allSatisfy(w -> assertThat(w).isLessThan(NO_BACKOFF_MS));
            assertThat(server.connections()).isEqualTo(REQUESTS);
            assertThat(server.chats()).hasSize(REQUESTS); // the lost requests never reached the model
        }
    }

    @Test
    void theClosePolicySendsConnectionCloseAndOpensOneConnectionPerRequest() {
        try (ConformanceServer server = Flavours.vllm(5, 1);
             OpenAiModelClient client = ConformanceTest.client(server, null, ConnectionPolicy.CLOSE)) {
            List<Measurement> ms = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ms.add(measure(client));
            }

            assertThat(ms).allSatisfy(m -> {
                assertThat(m.status().value()).isEqualTo("ok");
                assertThat(m.reconnects()).isZero();
            });
            assertThat(server.connections()).isEqualTo(5);
            assertThat(server.chats()).allSatisfy(r -> assertThat(r.header("Connection")).isEqualToIgnoringCase("close"));
        }
    }

    @Test
    void theKeepAlivePolicyReusesOneConnection() {
        try (ConformanceServer server = Flavours.vllm(5, 1); OpenAiModelClient client = ConformanceTest.client(server)) {
            for (int i = 0; i < 5; i++) {
                assertThat(measure(client).status().value()).isEqualTo("ok");
            }

            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.chats()).allSatisfy(r -> assertThat(r.header("Connection")).isNotEqualToIgnoringCase("close"));
        }
    }

    @Test
    void aFreshConnectionLostBeforeAnyResponseIsAConnectErrorNotAReconnect() throws IOException {
        try (ServerSocket hangUp = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                while (!hangUp.isClosed()) {
                    try (Socket s = hangUp.accept(); InputStream in = s.getInputStream()) {
                        in.read(new byte[4096]); // reads the request, then hangs up without a word
                    } catch (IOException e) {
                        // closing
                    }
                }
            });
            URI base = URI.create("http://127.0.0.1:" + hangUp.getLocalPort() + "/v1");
            try (OpenAiModelClient client = new OpenAiModelClient(base, null, ConformanceTest.TIMEOUTS,
                    dev.nightbench.client.NanoClock.SYSTEM)) {
                Measurement m = measure(client);

                assertThat(m.errorType()).isEqualTo(FailureClass.CONNECT_ERROR.code());
                assertThat(m.reconnects()).isZero();
            }
        }
    }
}
