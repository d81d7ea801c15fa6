package dev.nightbench.telemetry;

/**
 * What a server states about itself and a model, once per run; any part may be null.
 *
 * @param serverVersion e.g. {@code llama.cpp b1-de3ff81}, {@code ollama 0.6.2}, {@code vllm 0.10.2},
 *                      {@code driver 550.54.14}
 * @param contextSize   tokens the server gives one request (llama.cpp n_ctx per slot, Ollama context_length, vLLM
 *                      max_model_len)
 * @param parameters    parameter count as the server states it, e.g. {@code 8.0B}
 * @param quantization  e.g. {@code Q4_K_M}
 * @param licence       the model's licence: the identifier it states (Ollama's {@code general.license}), else the
 *                      first line of its text
 * @param gpuName       the GPU(s), for nvidia-smi
 */
public record Facts(String serverVersion, Integer contextSize, String parameters, String quantization, String licence,
                    String gpuName) {

    public static final Facts NONE = new Facts(null, null, null, null, null, null);

    /** These facts, with {@code other}'s where these have none. */
    public Facts or(Facts other) {
        if (other == null) {
            return this;
        }
        return new Facts(serverVersion != null ? serverVersion : other.serverVersion,
                contextSize != null ? contextSize : other.contextSize,
                parameters != null ? parameters : other.parameters,
                quantization != null ? quantization : other.quantization,
                licence != null ? licence : other.licence,
                gpuName != null ? gpuName : other.gpuName);
    }

    /** The first non-blank line of a licence text, at most 200 characters. */
    static String firstLine(String licence) {
        if (licence == null) {
            return null;
        }
        for (String line : licence.split("\\R")) {
            String l = line.strip();
            if (!l.isEmpty()) {
                return l.length() > 200 ? l.substring(0, 199) + "…" : l;
            }
        }
        return null;
    }
}
