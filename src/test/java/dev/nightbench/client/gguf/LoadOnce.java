package dev.nightbench.client.gguf;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.Timeouts;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A child JVM's main for {@link GgufChildJvmTest}: loads the model at {@code args[0]} through the gguf client, prints
 * one short answer and the library directory, closes the client and exits.
 */
public final class LoadOnce {

    private LoadOnce() {
    }

    public static void main(String[] args) {
        Path model = Path.of(args[0]).toAbsolutePath();
        StringBuilder text = new StringBuilder();
        try (GgufModelClient client = open(model)) {
            client.load(model.getFileName().toString());
            client.chat(new ChatRequest(model.getFileName().toString(), List.of(new ChatMessage("user", "Once")), 8,
                    0.0, 1L, true, Map.of()), new ResponseObserver.Ignoring() {
                @Override
                public void onChunk(long nanos, String content, String reasoning) {
                    text.append(content);
                }
            });
        }
        System.out.println("answer: " + text.length() + " chars");
        System.out.println("lib: " + System.getProperty(Natives.LIB_PATH));
        System.out.flush();
        System.exit(0); // the binding's native thread keeps a JVM alive after close(); nightbench's Main exits too
    }

    private static GgufModelClient open(Path model) {
        return GgufModelClientTest.open(Map.of("threads", 1), Timeouts.defaults(), model.getFileName().toString(),
                model.getParent());
    }
}
