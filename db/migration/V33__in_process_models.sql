-- In-process models (issue 17). A gguf model stays loaded for the life of its process (llama.cpp's Java binding cannot
-- free one), so a later run of a long-lived `serve` reuses it and says why it loaded nothing; and the weights file a
-- model runs from is identified by its content, so a file replaced under the same path is a change the report names.
ALTER TABLE run_models ADD COLUMN load_note text;
ALTER TABLE run_models ADD COLUMN model_sha256 text CHECK (model_sha256 ~ '^[0-9a-f]{64}$');

COMMENT ON COLUMN run_models.load_note IS 'why load_ms is null for a model a provider runs in-process, e.g. "already'
    ' loaded in this process since ..." (a later run of serve reuses the model loaded by an earlier one); null otherwise';
COMMENT ON COLUMN run_models.load_ms IS 'time the provider spent loading the model before its first request (in-process'
    ' providers such as gguf: reading the GGUF file and setting up its context); never part of a request''s timing;'
    ' null when the endpoint loads its own models (a server), or with load_note when the model was already loaded';
COMMENT ON COLUMN run_models.model_sha256 IS 'hex SHA-256 of the weights file the provider runs the model from (gguf:'
    ' the .gguf file); the trend report lists a model whose file changed since the baseline; null for a server';
