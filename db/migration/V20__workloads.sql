-- Real workloads (issue 14): prompts drawn from datasets, synthetic prompts of controlled length, conversations,
-- prefix caching. This migration is the shared contract (columns and the sources table); the views over them come
-- in the following migrations.

-- Prompt tokens the server served from its prefix cache: usage.prompt_tokens_details.cached_tokens (OpenAI, vLLM),
-- or llama.cpp's timings.cache_n; null when the server reports neither.
ALTER TABLE requests ADD COLUMN cached_tokens int CHECK (cached_tokens >= 0);
-- Where prompt_tokens came from: the server's usage, or the model's tokenizer when the server sent no usage.
ALTER TABLE requests ADD COLUMN prompt_tokens_source text CHECK (prompt_tokens_source IN ('usage', 'tokenizer'));
-- output_tokens may now be counted with the model's tokenizer when the server sends no usage (METRICS.md).
ALTER TABLE requests DROP CONSTRAINT requests_tokens_source_check;
ALTER TABLE requests ADD CONSTRAINT requests_tokens_source_check
    CHECK (tokens_source IN ('usage', 'chunks', 'tokenizer'));

-- Where each prompt of a run came from, and the lengths it was made to have.
ALTER TABLE run_prompts
    ADD COLUMN source               text,   -- null: the plan's prompts or prompts_file; else the prompts_from / synthetic source's name
    ADD COLUMN conversation_id      text,   -- a conversation's turn: the conversation's id, else null
    ADD COLUMN turn                 int CHECK (turn >= 1), -- 1-based turn in its conversation, else null
    ADD COLUMN target_input_tokens  int,    -- synthetic prompts: the length asked for
    ADD COLUMN target_output_tokens int,    -- the output length asked for (max_tokens with ignore_eos/min_tokens), else null
    ADD COLUMN input_tokens         int,    -- the prompt's length as counted when it was made (see length_source)
    ADD COLUMN length_source        text,   -- how input_tokens was counted: 'tokenizer:<name>' or 'estimate:<chars per token>'
    ADD CONSTRAINT run_prompts_turn CHECK ((conversation_id IS NULL) = (turn IS NULL));

-- The prompt sources of a run (prompts_from: datasets, synthetic:), with the hash of the file each was read from, so
-- a changed dataset is a plan change and a restart refuses a changed file.
CREATE TABLE run_prompt_sources (
    run_id        bigint NOT NULL REFERENCES runs ON DELETE CASCADE,
    name          text   NOT NULL,
    ordinal       int    NOT NULL,
    kind          text   NOT NULL CHECK (kind IN ('jsonl', 'sharegpt', 'csv', 'synthetic')),
    path          text,                 -- the dataset file as the plan names it; null for synthetic
    sha256        text,                 -- the file's SHA-256 (lower-case hex); null for synthetic
    sample        int,                  -- sample: N, null for all records
    seed          bigint NOT NULL,
    records_read  bigint,               -- records in the file (all read, streamed); null for synthetic
    prompts_drawn int    NOT NULL,
    settings      text,                 -- the source's other settings as written (field paths, lengths, tokenizer)
    PRIMARY KEY (run_id, name)
);
