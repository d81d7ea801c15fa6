package dev.nightbench.conformance;

import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.conformance.ConformanceServer.AfterAnswer;
import dev.nightbench.conformance.ConformanceServer.Event;
import dev.nightbench.measure.Measurement;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.nightbench.conformance.ConformanceServer.quote;
import static org.assertj.core.api.Assertions.assertThat;

/** A model that echoes the API key it was called with: the stored answer text never holds the key. */
class AnswerRedactionTest {

    private static final String KEY = "sk-conformance-7f3a9c2e5b1d";

    @Test
    void aKeyEchoedInOneChunkIsRedactedFromTheAnswerText() {
        assertRedacted(1);
    }

    @Test
    void aKeyEchoedSplitAcrossTwoChunksIsRedactedToo() {
        assertRedacted(2);
    }

    @Test
    void aKeyEchoedInThreePiecesIsRedactedToo() {
        assertRedacted(3);
    }

    private static void assertRedacted(int pieces) {
        try (ConformanceServer server = echoingServer(pieces);
             OpenAiModelClient client = ConformanceTest.client(server, KEY, ConnectionPolicy.KEEP_ALIVE)) {
            Measurement m = ConformanceTest.measure(client);

            assertThat(server.chats().getFirst().header("Authorization")).isEqualTo("Bearer " + KEY);
            assertThat(m.status().value()).isEqualTo("ok");
            assertThat(m.chunkCount()).isEqualTo(pieces + 2);
            assertThat(m.responseText()).isEqualTo("Your key is *** - keep it safe.").doesNotContain(KEY)
                    .doesNotContain(KEY.substring(0, 12));
        }
    }

    /** Answers "Your key is KEY - keep it safe.", the key cut into {@code pieces} chunks. */
    private static ConformanceServer echoingServer(int pieces) {
        return new ConformanceServer("", AfterAnswer.KEEP_ALIVE, 0, request -> {
            String key = request.header("Authorization").substring("Bearer ".length());
            List<String> texts = new ArrayList<>(List.of("Your key is "));
            int step = (key.length() + pieces - 1) / pieces;
            for (int i = 0; i < key.length(); i += step) {
                texts.add(key.substring(i, Math.min(key.length(), i + step)));
            }
            texts.add(" - keep it safe.");
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                events.add(new Event(5 + i, "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,"
                        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":" + quote(texts.get(i))
                        + "},\"finish_reason\":" + (i == texts.size() - 1 ? "\"stop\"" : "null") + "}]}",
                        texts.get(i), null, null, null));
            }
            events.add(Event.done(5 + texts.size()));
            return events;
        });
    }
}
