package dev.nightbench.plan;

/**
 * Where a prompt came from and the lengths it was made to have (issue 14): a {@code prompts_from:} dataset, a
 * {@code synthetic:} distribution, or a conversation's turn. A prompt written in the plan or its prompts_file has
 * {@link #NONE}. Stored in {@code run_prompts} (V20), column for column.
 *
 * @param source             the {@code prompts_from:} or {@code synthetic:} source's name, or null for the plan's own
 * @param conversation       a conversation's turn: the conversation's id (its turns share it), else null
 * @param turn               1-based turn in the conversation, 0 when not a turn
 * @param targetInputTokens  synthetic prompts: the input length asked for, else null
 * @param targetOutputTokens the output length asked for: sent as this prompt's {@code max_tokens}, with
 *                           {@code ignore_eos}/{@code min_tokens} where the server supports them; null for the run's
 *                           {@code max_tokens}
 * @param inputTokens        the prompt's length as counted when it was made, null when not counted
 * @param lengthSource       how {@code inputTokens} was counted: {@code tokenizer:<name>} or
 *                           {@code estimate:<chars per token>}; null when not counted
 */
public record PromptOrigin(String source, String conversation, int turn, Integer targetInputTokens,
                           Integer targetOutputTokens, Integer inputTokens, String lengthSource) {

    /** A prompt the plan wrote itself. */
    public static final PromptOrigin NONE = new PromptOrigin(null, null, 0, null, null, null, null);

    public PromptOrigin {
        if ((conversation == null) != (turn == 0)) {
            throw new IllegalArgumentException("a conversation's turn has both its conversation and a turn >= 1");
        }
    }

    /** A prompt drawn from the named dataset. */
    public static PromptOrigin dataset(String source) {
        return new PromptOrigin(source, null, 0, null, null, null, null);
    }

    /** True for a conversation's turn. */
    public boolean isTurn() {
        return conversation != null;
    }
}
