package dev.nightbench.measure;

import dev.nightbench.plan.PromptOrigin;
import dev.nightbench.plan.PromptSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which prompts a turn's history comes from, the order turns run in, and what load cells and pipelines use. */
class ConversationTurnsTest {

    private static PromptSpec turn(String source, String conversation, int k) {
        String id = (source == null ? "" : source + ":") + conversation + ".t" + k;
        return new PromptSpec(id, "message " + k, List.of(), null, List.of(), List.of(), null,
                new PromptOrigin(source, conversation, k, null, null, null, null));
    }

    private static final PromptSpec PLAIN = new PromptSpec("plain", "Hi", List.of(), null);

    private static List<String> ids(List<PromptSpec> prompts) {
        return prompts.stream().map(PromptSpec::id).toList();
    }

    @Test
    void aConversationsTurnsRunInTurnOrderAtThePlaceOfItsFirstListedTurn() {
        List<PromptSpec> listed = List.of(turn("chat", "7", 2), PLAIN, turn(null, "s", 1), turn("chat", "7", 1),
                turn(null, "s", 2));

        assertThat(ids(ConversationTurns.conversationOrder(listed)))
                .containsExactly("chat:7.t1", "chat:7.t2", "plain", "s.t1", "s.t2");
    }

    @Test
    void theHistoryIsTheEarlierTurnsOfTheSameSourceAndConversationOnly() {
        List<PromptSpec> prompts = List.of(turn(null, "7", 1), turn("chat", "7", 3), turn("chat", "7", 1), PLAIN,
                turn("chat", "7", 2), turn("other", "7", 1), turn("chat", "8", 1));

        assertThat(ids(ConversationTurns.earlierTurns(prompts, turn("chat", "7", 3))))
                .containsExactly("chat:7.t1", "chat:7.t2");
        assertThat(ConversationTurns.earlierTurns(prompts, turn("chat", "7", 1))).isEmpty();
    }

    @Test
    void loadCellsAndPipelinesUseThePlainPromptsAndEachConversationsFirstTurn() {
        List<PromptSpec> prompts = List.of(PLAIN, turn(null, "s", 1), turn(null, "s", 2), turn(null, "s", 3));

        assertThat(ids(ConversationTurns.standAlone(prompts))).containsExactly("plain", "s.t1");
    }
}
