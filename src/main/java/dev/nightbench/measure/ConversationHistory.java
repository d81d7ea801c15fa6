package dev.nightbench.measure;

import java.util.Map;

/**
 * The model's own answers to a conversation's earlier turns, as stored in this run: what a turn's request sends as
 * the assistant messages of its history. Read from the database (answered by {@code run} over {@code store}), not
 * kept in memory, so a restart mid-conversation continues from the turns committed before it.
 */
@FunctionalInterface
public interface ConversationHistory {

    /** No stored answers: every turn after the first is skipped (tests of other things, tools without a run). */
    ConversationHistory NONE = (model, promptId) -> Map.of();

    /**
     * The answers that count to this prompt by this model in this run, by round: measure phase, latency cell, final
     * attempt, status ok. A round whose request failed or was skipped has none.
     */
    Map<Integer, String> answers(String modelAlias, String promptId);
}
