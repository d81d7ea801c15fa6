package dev.nightbench.client.gguf;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.Timeouts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Is the gguf client's decode rate the binding's own? Alternates, in one JVM on one loaded model file, a loop over the
 * binding's iterator that stamps each token on the calling thread with nothing in between, and the same request
 * through {@link GgufModelClient} (its reader thread, queue and observer), and prints both rates and their paired
 * ratio (medians, p25-p75, after 5 warm-up pairs) with the host load. Run by {@code bench/gguf/crosscheck.sh}.
 * Args: the .gguf file (default ../shared/models/stories260K.gguf), pairs (default 40).
 */
public final class GgufDecodeProbe {

    private GgufDecodeProbe() {
    }

    public static void main(String[] args) throws Exception {
        java.nio.file.Path path = args.length > 0 ? java.nio.file.Path.of(args[0]).toAbsolutePath()
                : GgufModelClientTest.MODELS.resolve(GgufModelClientTest.STORIES);
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        String file = path.toString();
        String name = path.getFileName().toString();
        Natives.prepare();
        List<ChatMessage> msgs = List.of(new ChatMessage("user", "Once upon a time"));
        try (LlamaModel raw = new LlamaModel(new ModelParameters().setModel(file).setThreads(2).setCtxSize(2048)
                .setParallel(1).disableLog());
             GgufModelClient client = GgufModelClientTest.open(Map.of("threads", 2, "context_size", 2048, "parallel", 1),
                     Timeouts.defaults(), name, path.getParent())) {
            client.load(name);
            String prompt = GgufModelClient.template(raw, msgs);
            List<Double> rawRates = new ArrayList<>();
            List<Double> clientRates = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < pairs + 5; r++) {
                InferenceParameters p = new InferenceParameters(prompt).setTemperature(0f).setSeed(42).setNPredict(64);
                LlamaIterator it = raw.generate(p).iterator();
                long first = 0, last = 0;
                int n = 0;
                while (it.hasNext()) {
                    it.next();
                    long now = System.nanoTime();
                    if (!it.hasNext()) break;
                    if (n == 0) first = now;
                    last = now;
                    n++;
                }
                double rawRate = (n - 1) / ((last - first) / 1e9);
                long[] c = new long[3];
                client.chat(new ChatRequest(name, msgs, 64, 0.0, 42L, true, Map.of()),
                        new ResponseObserver.Ignoring() {
                            @Override
                            public void onChunk(long nanos, String content, String reasoning) {
                                if (c[2] == 0) c[0] = nanos;
                                c[1] = nanos;
                                c[2]++;
                            }
                        });
                double clientRate = (c[2] - 1) / ((c[1] - c[0]) / 1e9);
                if (r >= 5) {
                    rawRates.add(rawRate);
                    clientRates.add(clientRate);
                    ratios.add(clientRate / rawRate);
                }
            }
            Collections.sort(rawRates);
            Collections.sort(clientRates);
            Collections.sort(ratios);
            int m = rawRates.size();
            System.out.printf("%s, %d pairs: binding's own loop %.0f tok/s (p25-p75 %.0f-%.0f), through the gguf client %.0f"
                            + " (%.0f-%.0f), paired ratio %.3f (%.3f-%.3f); load %s%n", name, m,
                    rawRates.get(m / 2), rawRates.get(m / 4), rawRates.get(3 * m / 4), clientRates.get(m / 2),
                    clientRates.get(m / 4), clientRates.get(3 * m / 4), ratios.get(m / 2), ratios.get(m / 4),
                    ratios.get(3 * m / 4), java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
        }
        System.exit(0); // the binding's native thread keeps the JVM alive after close()
    }
}
