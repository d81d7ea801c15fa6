package dev.nightbench.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code turns:} on a prompt: one prompt per turn with its origin, and every problem with its file, line and field. */
class ConversationPlanTest {

    @TempDir
    Path dir;

    private final PlanLoader loader = PlanLoader.withEnvironment(Map.of());

    private Path plan(String prompts) throws IOException {
        return Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: fast, model: sim-fast}]
                prompts:
                """ + prompts);
    }

    private List<String> problems(Path plan) {
        return catchThrowableOfType(PlanException.class, () -> loader.load(plan)).problems().stream()
                .map(PlanProblem::toString).toList();
    }

    @Test
    void aConversationExpandsIntoOnePromptPerTurnHoldingOnlyItsOwnUserMessage() throws IOException {
        Plan plan = loader.load(plan("""
                  - {id: capital, text: "Capital of France?"}
                  - id: support
                    system: You are a helpdesk.
                    turns:
                      - My printer is offline.
                      - {text: "It is a USB printer.", expect: [{contains: USB}]}
                      - And now?
                """));

        assertThat(plan.prompts()).extracting(PromptSpec::id)
                .containsExactly("capital", "support.t1", "support.t2", "support.t3");
        PromptSpec t2 = plan.prompt("support.t2").orElseThrow();
        assertThat(t2.text()).isEqualTo("It is a USB printer.");
        assertThat(t2.system()).isEqualTo("You are a helpdesk.");
        assertThat(t2.expect()).extracting(CheckSpec::describe).containsExactly("contains 'USB'");
        assertThat(t2.origin()).isEqualTo(new PromptOrigin(null, "support", 2, null, null, null, null));
        assertThat(plan.prompt("support.t3").orElseThrow().origin().turn()).isEqualTo(3);
        assertThat(plan.prompt("support.t1").orElseThrow().expect()).isEmpty();
        assertThat(plan.prompt("capital").orElseThrow().origin()).isEqualTo(PromptOrigin.NONE);
    }

    @Test
    void everyProblemOfAConversationIsNamedWithItsLineAndField() throws IOException {
        Path plan = plan("""
                  - {id: a.t2, text: "Taken"}
                  - {id: a, turns: [one, two]}
                  - {id: z, text: not with turns, turns: [one]}
                  - id: b
                    turns: [ok, "  ", 42, {text: x, extra: 1}, {expect: [{contains: y}]}]
                  - {id: c, turns: []}
                  - {id: d, turns: just one text}
                  - {id: e, turns: [{text: x, expect: [{nope: 1}]}]}
                  - {turns: [x]}
                """);

        assertThat(problems(plan)).containsExactly(
                plan + ":5: prompts[1].turns[1]: duplicate prompt id 'a.t2' (first at line 4)",
                plan + ":6: prompts[2].text: a conversation (turns) cannot have text: the turns' texts are the user"
                        + " messages",
                plan + ":8: prompts[3].turns[1]: is an empty user message",
                plan + ":8: prompts[3].turns[2]: expected a turn's user message: a text, or {text: ..., expect: [...]},"
                        + " got the number 42",
                plan + ":8: prompts[3].turns[3].extra: unknown key 'extra' in a turn; allowed: text, expect",
                plan + ":8: prompts[3].turns[4].text: required: the turn's user message",
                plan + ":9: prompts[4].turns: is empty; list the user message of each turn",
                plan + ":10: prompts[5].turns: expected a list of turns (a turn's user message: a text, or {text: ...,"
                        + " expect: [...]}), got text 'just one text'",
                plan + ":11: prompts[6].turns[0].expect[0].nope: unknown check kind 'nope'; known kinds: contains,"
                        + " not_contains, regex, equals, one_of, numeric, json, max_chars, max_words",
                plan + ":12: prompts[7].id: required: the conversation's id (its turns get <id>.t1, <id>.t2...)");
    }
}
