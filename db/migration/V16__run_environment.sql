-- The environment of every run (issue 13, item 4), recorded at registerRun so that `nightbench compare` can say what
-- differed between two runs besides the figures: the machine Nightbench ran on, the JVM, the GPU when nvidia-smi is on
-- the PATH, and the plan's settings as a key/value list. The server version per endpoint is NOT repeated here: it is
-- run_model_telemetry.server_version (V15), per run x model x source, read where it already is.
--
-- These describe the machine that RAN NIGHTBENCH. For a local server (llama-server, Ollama on localhost) that is the
-- machine that served the model too; for a remote endpoint it is only the client's.

-- One row per run. A field that could not be read (no /proc/cpuinfo on macOS, no nvidia-smi) is null.
CREATE TABLE run_environment (
    run_id          bigint      PRIMARY KEY REFERENCES runs ON DELETE CASCADE,
    host_name       text        NOT NULL,
    os              text        NOT NULL,   -- os.name os.version (os.arch), e.g. 'Linux 6.8.0-49-generic (amd64)'
    cpu_model       text,                   -- /proc/cpuinfo 'model name' (or 'Hardware' / 'Processor' on ARM)
    cpu_cores       int         NOT NULL,   -- logical processors this JVM may use (Runtime.availableProcessors)
    memory_total_mb bigint,                 -- /proc/meminfo MemTotal
    jvm_version     text        NOT NULL,   -- java.vm.vendor java.runtime.version
    gpu_name        text,                   -- nvidia-smi --query-gpu=name ('2 x A + B' for several GPUs)
    gpu_driver      text,                   -- nvidia-smi --query-gpu=driver_version
    recorded_at     timestamptz NOT NULL
);

-- The plan's settings of a run, flattened to text: 'plan.name', 'run.rounds', 'run.max_tokens', 'run.temperature',
-- 'run.timeouts.total', ..., and per model 'model.<alias>.model', 'model.<alias>.endpoint', 'model.<alias>.params.<name>'
-- (e.g. model.llama.params.num_gpu = 0 for Ollama on the CPU). Never an API key: endpoints' keys are not settings, and
-- a param whose name looks like a credential is left out.
CREATE TABLE run_settings (
    run_id  bigint NOT NULL REFERENCES runs ON DELETE CASCADE,
    setting text   NOT NULL,
    value   text   NOT NULL,
    PRIMARY KEY (run_id, setting)
);
