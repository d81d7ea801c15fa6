-- Model providers (issue 17): an endpoint's type, and the load time of a model a provider runs in-process.
ALTER TABLE run_models ADD COLUMN endpoint_type text;
ALTER TABLE run_models ADD COLUMN load_ms double precision CHECK (load_ms >= 0);

COMMENT ON COLUMN run_models.endpoint_type IS 'the endpoint''s type: openai, simulated, or a model provider''s (gguf, ...);'
    ' null for runs stored before V32';
COMMENT ON COLUMN run_models.load_ms IS 'time the provider spent loading the model before its first request (in-process'
    ' providers such as gguf: reading the GGUF file and setting up its context); never part of a request''s timing;'
    ' null when the endpoint loads its own models (a server)';
