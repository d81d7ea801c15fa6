package dev.nightbench.client.gguf;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ProviderSettings;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.Timeouts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a long-lived process ({@code nightbench serve}) keeps in memory when it runs the same gguf model night after
 * night: {@code cycles} times, open a gguf client, load the model, get one short answer, close the client, as each
 * run does; and, for comparison, the same cycles on the binding alone ({@code new LlamaModel} ... {@code close()}),
 * which is what the client did before {@link LoadedModels}. Prints the resident set size (VmRSS) after the first
 * cycle and after the last, and the growth per cycle. Run by {@code bench/gguf/memory.sh}.
 * Args: {@code client|binding}, the .gguf file, cycles (default 30), context size (default 2048).
 */
public final class GgufMemoryProbe {

    private GgufMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path path = Path.of(args[1]).toAbsolutePath();
        int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int context = args.length > 3 ? Integer.parseInt(args[3]) : 2048;
        Natives.prepare();
        Map<String, Object> values = Map.of("threads", 1, "context_size", context, "parallel", 1);
        // the binding alone loads with exactly the parameters the client's settings give it
        GgufSettings settings = GgufSettings.read(new ProviderSettings(values, path.getParent(),
                ProviderSettings.Problems.THROW));
        long first = 0;
        for (int i = 1; i <= cycles; i++) {
            if (mode.equals("client")) {
                try (GgufModelClient client = GgufModelClientTest.open(values, Timeouts.defaults(),
                        path.getFileName().toString(), path.getParent())) {
                    client.load(path.getFileName().toString());
                    client.chat(new ChatRequest(path.getFileName().toString(), List.of(new ChatMessage("user",
                            "Once upon a time")), 8, 0.0, 42L, true, Map.of()), new ResponseObserver.Ignoring() { });
                }
            } else {
                try (LlamaModel model = new LlamaModel(settings.parameters(path, false))) {
                    model.complete(new InferenceParameters("Once upon a time").setNPredict(8));
                }
            }
            if (i == 1) {
                first = rssKb();
            }
        }
        long last = rssKb();
        System.out.printf(Locale.ROOT, "%s: %d cycles of open, load, one answer, close (%s, context %d): RSS after"
                        + " cycle 1 %.1f MB, after cycle %d %.1f MB, %+.2f MB per cycle; models held %d; load %s%n",
                mode, cycles, path.getFileName(), context, first / 1024.0, cycles, last / 1024.0,
                (last - first) / 1024.0 / Math.max(1, cycles - 1), LoadedModels.size(), loadAverage());
        System.exit(0); // the binding's native threads keep a JVM alive
    }

    private static long rssKb() throws Exception {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static String loadAverage() throws Exception {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }
}
