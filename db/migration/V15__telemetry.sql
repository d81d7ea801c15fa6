-- Server telemetry per model and run (issue 13, item 1): what the model servers themselves expose, polled during the
-- warm-up and measure steps by a low-frequency sampler on its own thread (never on a request's path), and what
-- nvidia-smi says when the server runs on this machine. An endpoint that exposes nothing is a run_model_telemetry row
-- with source 'endpoint' and status 'no_telemetry', never an error or a failed run.
--
-- Sources: 'llama.cpp' (llama-server: /metrics with --metrics, /props, /slots), 'ollama' (/api/ps, /api/show,
-- /api/version), 'vllm' (/metrics, /version, /v1/models), 'simulated' (Nightbench's simulated endpoint: llama.cpp-like
-- /metrics), 'nvidia-smi' (--query-gpu, local endpoints only), 'endpoint' (the endpoint as a whole: nothing found).

-- Every figure read, as read: one row per sample x metric. metric is one of the figures summarised below (memory_mb,
-- vram_mb, kv_cache_usage (fraction 0-1), requests_running, requests_waiting, slots_busy, slots_total, context_length,
-- loaded_models, gpu_memory_used_mb, gpu_memory_total_mb, gpu_util_pct, gpu_power_w) or the server's own metric name
-- for the rest (e.g. llamacpp:tokens_predicted_total, vllm:generation_tokens_total). model_alias is the model whose
-- cell was running (or just started or ended) when the sample was taken.
CREATE TABLE telemetry_samples (
    run_id        bigint           NOT NULL,
    model_alias   text             NOT NULL,
    endpoint_name text             NOT NULL,
    source        text             NOT NULL
        CHECK (source IN ('llama.cpp', 'ollama', 'vllm', 'simulated', 'nvidia-smi')),
    metric        text             NOT NULL,
    value         double precision NOT NULL,
    sampled_at    timestamptz      NOT NULL,
    FOREIGN KEY (run_id, model_alias) REFERENCES run_models ON DELETE CASCADE
);
CREATE INDEX telemetry_samples_run ON telemetry_samples (run_id, model_alias, source, metric);

-- Per run x model x source: whether telemetry was read, peak and mean of the useful figures over the model's samples
-- (computed from telemetry_samples), and the static facts the server states about itself and the model.
CREATE TABLE run_model_telemetry (
    run_id                  bigint  NOT NULL,
    model_alias             text    NOT NULL,
    source                  text    NOT NULL
        CHECK (source IN ('llama.cpp', 'ollama', 'vllm', 'simulated', 'nvidia-smi', 'endpoint')),
    endpoint_name           text    NOT NULL,
    status                  text    NOT NULL CHECK (status IN ('ok', 'no_telemetry', 'error')),
    detail                  text,              -- no_telemetry: what was tried; error / partial: the last failure
    samples                 int     NOT NULL DEFAULT 0,   -- distinct sample times of this model and source
    polls_failed            int     NOT NULL DEFAULT 0,   -- polls of this source that failed (timeouts, bad payloads)
    memory_mb_peak          double precision,  -- Ollama /api/ps size: the loaded model's resident size
    memory_mb_mean          double precision,
    vram_mb_peak            double precision,  -- Ollama /api/ps size_vram
    vram_mb_mean            double precision,
    kv_cache_usage_peak     double precision,  -- fraction 0-1: vllm:kv_cache_usage_perc, llamacpp:kv_cache_usage_ratio
    kv_cache_usage_mean     double precision,
    requests_running_peak   double precision,  -- vllm:num_requests_running, llamacpp:requests_processing
    requests_running_mean   double precision,
    requests_waiting_peak   double precision,  -- vllm:num_requests_waiting, llamacpp:requests_deferred
    requests_waiting_mean   double precision,
    gpu_memory_used_mb_peak double precision,  -- nvidia-smi memory.used, summed over the GPUs
    gpu_memory_used_mb_mean double precision,
    gpu_memory_total_mb     double precision,
    gpu_util_pct_peak       double precision,  -- nvidia-smi utilization.gpu, highest GPU
    gpu_util_pct_mean       double precision,
    gpu_power_w_peak        double precision,  -- nvidia-smi power.draw, summed over the GPUs
    gpu_power_w_mean        double precision,
    server_version          text,              -- e.g. 'llama.cpp b1-de3ff81', 'ollama 0.6.2', 'vllm 0.10.2', 'driver 550.54'
    context_size            int,               -- tokens: llama.cpp n_ctx per slot, Ollama context_length, vLLM max_model_len
    parameters              text,              -- parameter count as the server states it, e.g. '8.0B'
    quantization            text,              -- e.g. 'Q4_K_M'
    licence                 text,              -- the licence's first line (Ollama /api/show license)
    gpu_name                text,
    updated_at              timestamptz NOT NULL,
    PRIMARY KEY (run_id, model_alias, source),
    FOREIGN KEY (run_id, model_alias) REFERENCES run_models ON DELETE CASCADE
);
