package dev.nightbench.telemetry;

/**
 * One figure of one sample: a summarised figure ({@link #MEMORY_MB}, ...) or the server's own metric name.
 */
public record Reading(String metric, double value) {

    public static final String MEMORY_MB = "memory_mb";
    public static final String VRAM_MB = "vram_mb";
    public static final String KV_CACHE_USAGE = "kv_cache_usage";
    public static final String REQUESTS_RUNNING = "requests_running";
    public static final String REQUESTS_WAITING = "requests_waiting";
    public static final String SLOTS_BUSY = "slots_busy";
    public static final String SLOTS_TOTAL = "slots_total";
    public static final String CONTEXT_LENGTH = "context_length";
    public static final String LOADED_MODELS = "loaded_models";
    public static final String GPU_MEMORY_USED_MB = "gpu_memory_used_mb";
    public static final String GPU_MEMORY_TOTAL_MB = "gpu_memory_total_mb";
    public static final String GPU_UTIL_PCT = "gpu_util_pct";
    public static final String GPU_POWER_W = "gpu_power_w";

    public Reading {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(metric + " is not a finite number: " + value);
        }
    }
}
