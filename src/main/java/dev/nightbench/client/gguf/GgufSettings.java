package dev.nightbench.client.gguf;

import de.kherud.llama.ModelParameters;
import dev.nightbench.client.ProviderSettings;

import java.nio.file.Path;

/**
 * A {@code type: gguf} endpoint's {@code settings:}, each a llama.cpp option of the same meaning as llama-server's
 * flag (README, "Models in-process (gguf)").
 *
 * @param threads      {@code --threads}: generation threads (default: the available processors)
 * @param threadsBatch {@code --threads-batch}: prompt-processing threads, or null for {@code threads}
 * @param contextSize  {@code --ctx-size}: the context of all slots together (each slot gets its share)
 * @param gpuLayers    {@code --n-gpu-layers}: layers offloaded to a GPU (0 on a CPU-only build)
 * @param parallel     {@code --parallel}: slots, the requests served at once; more wait in llama.cpp's queue
 * @param batchSize    {@code --batch-size}, or null for llama.cpp's default
 * @param ubatchSize   {@code --ubatch-size}, or null for llama.cpp's default
 * @param flashAttn    {@code --flash-attn}
 * @param mlock        {@code --mlock}: keep the model in RAM
 * @param mmap         false: {@code --no-mmap}
 * @param chatTemplate {@code --chat-template}: a built-in template's name, or null for the model's own
 * @param jinja        {@code --jinja}: render the chat template with llama.cpp's Jinja engine
 */
record GgufSettings(int threads, Integer threadsBatch, int contextSize, int gpuLayers, int parallel, Integer batchSize,
                    Integer ubatchSize, boolean flashAttn, boolean mlock, boolean mmap, String chatTemplate,
                    boolean jinja) {

    /** Reads every setting, reporting each wrong one through {@code s} (and so with the plan's file and line). */
    static GgufSettings read(ProviderSettings s) {
        int cpus = Runtime.getRuntime().availableProcessors();
        return new GgufSettings(
                s.integer("threads", 1, 512, cpus),
                s.integer("threads_batch", 1, 512, null),
                s.integer("context_size", 16, 1_048_576, 2048),
                s.integer("gpu_layers", 0, 999, 0),
                s.integer("parallel", 1, 64, 1),
                s.integer("batch_size", 1, 1_048_576, null),
                s.integer("ubatch_size", 1, 1_048_576, null),
                s.bool("flash_attn", false),
                s.bool("mlock", false),
                s.bool("mmap", true),
                blankToNull(s.string("chat_template", null)),
                s.bool("jinja", false));
    }

    /**
     * llama.cpp's parameters to load {@code model} with these settings; without {@code consoleLog}, llama.cpp's console
     * log is off ({@code --log-disable}).
     */
    ModelParameters parameters(Path model, boolean consoleLog) {
        ModelParameters p = new ModelParameters().setModel(model.toString()).setThreads(threads)
                .setCtxSize(contextSize).setParallel(parallel);
        if (gpuLayers > 0) { // given at all, llama.cpp warns on stderr that a CPU-only build ignores it
            p.setGpuLayers(gpuLayers);
        }
        if (!consoleLog) {
            p.disableLog();
        }
        if (threadsBatch != null) {
            p.setThreadsBatch(threadsBatch);
        }
        if (batchSize != null) {
            p.setBatchSize(batchSize);
        }
        if (ubatchSize != null) {
            p.setUbatchSize(ubatchSize);
        }
        if (flashAttn) {
            p.enableFlashAttn();
        }
        if (mlock) {
            p.enableMlock();
        }
        if (!mmap) {
            p.disableMmap();
        }
        if (chatTemplate != null) {
            p.setChatTemplate(chatTemplate);
        }
        if (jinja) {
            p.enableJinja();
        }
        return p;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
