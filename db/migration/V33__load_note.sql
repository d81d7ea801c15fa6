-- An in-process model that loaded nothing for a run says why (issue 17): a gguf model stays loaded for the life of its
-- process (llama.cpp's Java binding cannot free one), so a later run of a long-lived `serve` reuses it.
ALTER TABLE run_models ADD COLUMN load_note text;

COMMENT ON COLUMN run_models.load_note IS 'why load_ms is null for a model a provider runs in-process, e.g. "already'
    ' loaded in this process since ..." (a later run of serve reuses the model loaded by an earlier one); null otherwise';
COMMENT ON COLUMN run_models.load_ms IS 'time the provider spent loading the model before its first request (in-process'
    ' providers such as gguf: reading the GGUF file and setting up its context); never part of a request''s timing;'
    ' null when the endpoint loads its own models (a server), or with load_note when the model was already loaded';
