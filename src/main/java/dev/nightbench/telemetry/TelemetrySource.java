package dev.nightbench.telemetry;

import java.util.Arrays;

/**
 * Where a figure came from, as {@code telemetry_samples.source} and {@code run_model_telemetry.source} store it
 * (V15__telemetry.sql). {@link #ENDPOINT} stands for the endpoint as a whole when it exposes nothing.
 */
public enum TelemetrySource {
    LLAMA_CPP("llama.cpp"),
    OLLAMA("ollama"),
    VLLM("vllm"),
    /** Nightbench's simulated endpoint, whose {@code /metrics} is llama.cpp-like. */
    SIMULATED("simulated"),
    NVIDIA_SMI("nvidia-smi"),
    ENDPOINT("endpoint");

    private final String value;

    TelemetrySource(String value) {
        this.value = value;
    }

    /** The database value. */
    public String value() {
        return value;
    }

    /** @throws IllegalArgumentException for a value the columns do not hold */
    public static TelemetrySource from(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown telemetry source '" + value + "'"));
    }

    @Override
    public String toString() {
        return value;
    }
}
