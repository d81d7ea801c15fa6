package dev.nightbench.alert;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook POST against a loopback receiver: what is retried, how long it waits, what it says when it gives up. */
class WebhookSenderTest {

    private final LoopbackReceiver receiver = receiver();
    private final List<Duration> waits = new ArrayList<>();
    private final WebhookSender sender = new WebhookSender(new AlertProperties(null, 4, Duration.ofMillis(100),
            Duration.ofSeconds(2), Duration.ofSeconds(2)), waits::add);

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void fiveHundredsAndA429AreRetriedWithADoublingBackoff() {
        receiver.answer("/h", 503, 429, 500);

        WebhookSender.Result r = sender.post(URI.create(receiver.url("/h")), "{\"a\":1}");

        assertThat(r).isEqualTo(new WebhookSender.Result(true, 4, 200, null));
        assertThat(receiver.at("/h")).hasSize(4).allSatisfy(p -> assertThat(p.body()).isEqualTo("{\"a\":1}"));
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void givesUpAfterItsAttemptsNamingTheLastStatusAndItsBodyButNotTheUrl() {
        receiver.answer("/secret-path", 503, 503, 503, 503, 503);

        WebhookSender.Result r = sender.post(URI.create(receiver.url("/secret-path")), "{}");

        assertThat(r.sent()).isFalse();
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.httpStatus()).isEqualTo(503);
        assertThat(r.error()).isEqualTo("HTTP 503: busy (after 4 attempts)");
        assertThat(waits).hasSize(3);
    }

    @Test
    void aClientErrorIsNotRetried() {
        receiver.answer("/h", 404);

        WebhookSender.Result r = sender.post(URI.create(receiver.url("/h")), "{}");

        assertThat(r).isEqualTo(new WebhookSender.Result(false, 1, 404, "HTTP 404: busy"));
        assertThat(waits).isEmpty();
    }

    @Test
    void aRefusedConnectionIsRetriedAndReportedWithoutTheUrl() throws IOException {
        String down = LoopbackReceiver.downUrl();

        WebhookSender.Result r = sender.post(URI.create(down), "{}");

        assertThat(r.sent()).isFalse();
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.httpStatus()).isNull();
        assertThat(r.error()).startsWith("ConnectException").doesNotContain(down).doesNotContain("127.0.0.1");
        assertThat(waits).hasSize(3);
    }

    @Test
    void redactsTheUrlItsPathAndItsHost() {
        URI url = URI.create("https://hooks.example.com/services/T0/B0/token");

        assertThat(WebhookSender.redact("failed at https://hooks.example.com/services/T0/B0/token", url))
                .isEqualTo("failed at <webhook>");
        assertThat(WebhookSender.redact("no route to hooks.example.com for /services/T0/B0/token", url))
                .isEqualTo("no route to <host> for <path>");
    }

    private static LoopbackReceiver receiver() {
        try {
            return new LoopbackReceiver();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
