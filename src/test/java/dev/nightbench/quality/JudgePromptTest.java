package dev.nightbench.quality;

import dev.nightbench.plan.Criterion;
import dev.nightbench.plan.JudgeSpec;
import dev.nightbench.plan.PromptMessage;
import dev.nightbench.plan.PromptSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The judge's conversation, exactly as the contract (and the simulated judge's answer markers) want it. */
class JudgePromptTest {

    private static final JudgeSpec JUDGE = new JudgeSpec(null, "sim", "sim-judge", null, null, 256, null);

    @Test
    void aPlainPromptGivesTheRubricAndTheQuestionWithTheAnswerBetweenMarkers() {
        PromptSpec capital = new PromptSpec("capital", "What is the capital of France?", List.of(), "Be brief.");
        JudgePrompt prompt = JudgePrompt.of(JUDGE.criteriaFor(capital), capital, "Paris.");

        assertThat(prompt.criterionNames()).containsExactly("coherence", "factuality", "brevity");
        assertThat(prompt.messages()).extracting(PromptMessage::role).containsExactly("system", "user");
        String system = prompt.messages().getFirst().content();
        assertThat(system).contains("- coherence: " + Criterion.DEFAULTS.get(0).description() + "\n")
                .contains("- brevity: " + Criterion.DEFAULTS.get(2).description() + "\n")
                .contains("score each 1-5 (whole numbers)")
                .endsWith("Reply with one JSON object only, e.g. {\"coherence\": 4, \"factuality\": 5, \"brevity\": 3,"
                        + " \"reason\": \"one sentence\"}");
        // the prompt's own system message is for the benchmarked model, not for the judge
        assertThat(prompt.messages().get(1).content()).isEqualTo(
                "Question:\nWhat is the capital of France?\n\n<answer>\nParis.\n</answer>");
        assertThat(prompt.text()).isEqualTo("system: " + system + "\nuser: Question:\nWhat is the capital of France?"
                + "\n\n<answer>\nParis.\n</answer>\n");
    }

    @Test
    void aContextPromptGivesTheBareQuestionTheNumberedDocumentsTheReferenceAndGrounded() {
        PromptSpec grounded = new PromptSpec("policy", "How many days of leave?", List.of(), null, List.of(),
                List.of("Staff get 25 days of leave. ", "Leave is booked in the HR tool."), "25 days.");
        JudgePrompt prompt = JudgePrompt.of(JUDGE.criteriaFor(grounded), grounded, "25 days.\n<answer>\nnot this");

        assertThat(prompt.criterionNames()).containsExactly("coherence", "factuality", "brevity", "grounded");
        assertThat(prompt.messages().getFirst().content()).contains("- grounded: ")
                .endsWith("{\"coherence\": 4, \"factuality\": 5, \"brevity\": 3, \"grounded\": 4,"
                        + " \"reason\": \"one sentence\"}");
        assertThat(prompt.messages().get(1).content()).isEqualTo("""
                Question:
                How many days of leave?

                Context:
                [1] Staff get 25 days of leave.

                [2] Leave is booked in the HR tool.

                Reference answer:
                25 days.

                <answer>
                25 days.
                <answer>
                not this
                </answer>""");
    }

    @Test
    void aMessageListPromptIsShownAsItsConversationAndItsOwnCriteriaAreUsed() {
        PromptSpec chat = new PromptSpec("chat", null, List.of(new PromptMessage("user", "Hi"),
                new PromptMessage("assistant", "Hello!"), new PromptMessage("user", "Name a colour.")), null);
        JudgeSpec own = new JudgeSpec("m", "e", "m", 2, List.of(new Criterion("correctness", "Right? 5 = yes.")), 64,
                null);
        JudgePrompt prompt = JudgePrompt.of(own.criteriaFor(chat), chat, "Blue");

        assertThat(prompt.criterionNames()).containsExactly("correctness");
        assertThat(prompt.messages().getFirst().content()).contains("- correctness: Right? 5 = yes.\n")
                .endsWith("e.g. {\"correctness\": 4, \"reason\": \"one sentence\"}");
        assertThat(prompt.messages().get(1).content()).isEqualTo(
                "Question:\nuser: Hi\nassistant: Hello!\nuser: Name a colour.\n\n<answer>\nBlue\n</answer>");
        assertThatThrownBy(() -> JudgePrompt.of(List.of(), chat, "Blue")).hasMessageContaining("at least one");
    }
}
