package dev.nightbench.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code judge:}, {@code context:}, {@code reference:} and a simulated endpoint's {@code verdicts:}. */
class JudgePlanTest {

    @TempDir
    Path dir;

    private final PlanLoader loader = PlanLoader.withEnvironment(Map.of());

    private Path plan(String text) throws IOException {
        return Files.writeString(dir.resolve("plan.yaml"), text);
    }

    private List<String> problems(Path plan) {
        return catchThrowableOfType(PlanException.class, () -> loader.load(plan)).problems().stream()
                .map(PlanProblem::toString).toList();
    }

    @Test
    void aJudgeOfThePlanTakesItsEndpointAndServedModelAndTheDefaultRubric() throws IOException {
        Plan plan = loader.load(plan("""
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: small, model: sim-fast}, {alias: big, model: sim-large}]
                prompts: [{id: capital, text: "Capital of France?", reference: "Paris."}]
                judge: {model: big}
                """));

        JudgeSpec judge = plan.judge();
        assertThat(judge.modelAlias()).isEqualTo("big");
        assertThat(judge.endpoint()).isEqualTo("sim");
        assertThat(judge.model()).isEqualTo("sim-large");
        assertThat(judge.sample()).isNull();
        assertThat(judge.maxTokens()).isEqualTo(JudgeSpec.DEFAULT_MAX_TOKENS);
        assertThat(judge.timeouts()).isEqualTo(plan.run().timeouts());
        assertThat(judge.criteria()).extracting(Criterion::name).containsExactly("coherence", "factuality", "brevity");
        assertThat(judge.label()).isEqualTo("big");
        assertThat(plan.prompts().getFirst().reference()).isEqualTo("Paris.");
    }

    @Test
    void aSeparateJudgeWithItsOwnCriteriaSampleAndTimeouts() throws IOException {
        Plan plan = loader.load(plan("""
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts:
                  - id: rag
                    text: "When does the shop open?"
                    context: ["The shop opens at 9:00.", "It closes at 17:00."]
                judge:
                  endpoint: sim
                  model: sim-judge
                  sample: 2
                  max_tokens: 100
                  timeouts: {total: 20s}
                  criteria:
                    - {name: correctness, description: "5 = right, 1 = wrong"}
                    - {name: tone, description: "5 = polite"}
                """));

        JudgeSpec judge = plan.judge();
        assertThat(judge.modelAlias()).isNull();
        assertThat(judge.label()).isEqualTo("sim/sim-judge");
        assertThat(judge.sample()).isEqualTo(2);
        assertThat(judge.maxTokens()).isEqualTo(100);
        assertThat(judge.timeouts().total()).isEqualTo(Duration.ofSeconds(20));
        assertThat(judge.timeouts().connect()).isEqualTo(plan.run().timeouts().connect());
        PromptSpec rag = plan.prompts().getFirst();
        assertThat(judge.criteriaFor(rag)).extracting(Criterion::name).containsExactly("correctness", "tone", "grounded");
        assertThat(rag.toMessages().getFirst().content()).isEqualTo("""
                Answer the question using only the context below. If the context does not contain the answer, say \
                that it does not.

                Context:
                [1] The shop opens at 9:00.

                [2] It closes at 17:00.

                Question: When does the shop open?""");
    }

    @Test
    void contextMakesTheCanonicalTextDifferentSoHistoryNeverMixesTheTwo() {
        PromptSpec bare = new PromptSpec("q", "When?", List.of(), null);
        PromptSpec grounded = new PromptSpec("q", "When?", List.of(), null, List.of(), List.of("At 9."), null);
        assertThat(grounded.canonicalText()).isNotEqualTo(bare.canonicalText()).contains("[1] At 9.");
    }

    @Test
    void everyJudgeProblemIsReportedWithLineAndField() throws IOException {
        Path plan = plan("""
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: capital, text: "Capital?", reference: " "}]
                judge:
                  model: sim-judgez
                  sample: 0
                  max_tokens: lots
                  timeouts: {total: soon}
                  criteria:
                    - {name: clarity, description: "clear"}
                    - {name: Clarity, description: "clear"}
                    - {name: clarity, description: "again"}
                    - {name: tone}
                """);

        assertThat(problems(plan)).containsExactly(
                plan + ":3: prompts[0].reference: is empty; remove it or give the reference answer the judge compares"
                        + " answers with",
                plan + ":5: judge.model: no model of the plan has alias 'sim-judgez'; aliases: sim-fast (or give"
                        + " judge.endpoint to judge with a model that is not benchmarked)",
                plan + ":6: judge.sample: must be a whole number of at least 1 (how many answers per model x prompt are"
                        + " judged (the first rounds'); leave it out to judge every answer), got the number 0",
                plan + ":7: judge.max_tokens: must be a whole number of at least 1 (max_tokens of each judge call), got"
                        + " text 'lots'",
                plan + ":8: judge.timeouts.total: " + durationMessage("soon"),
                plan + ":11: judge.criteria[1].name: criterion name 'Clarity' is not allowed: use 1 to 40 lower-case"
                        + " letters, digits or '_', starting with a letter",
                plan + ":12: judge.criteria[2].name: duplicate criterion 'clarity' (first at line 10)",
                plan + ":13: judge.criteria[3].description: required: what the judge should score (what a 5 and a 1"
                        + " mean)");
    }

    private static String durationMessage(String text) {
        try {
            Durations.parse(text);
            throw new AssertionError("parsed " + text);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Test
    void anUnknownJudgeEndpointAndContextOnAConversationAreRejected() throws IOException {
        Path plan = plan("""
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts:
                  - id: chat
                    messages: [{role: user, content: "Hi"}]
                    context: "A document."
                  - id: empty
                    text: "Q?"
                    context: []
                judge: {endpoint: nowhere, model: x}
                """);

        assertThat(problems(plan)).containsExactly(
                plan + ":6: prompts[0].context: needs the question in text (the message sent is built from the context"
                        + " and the text); a prompt with messages takes no context",
                plan + ":9: prompts[1].context: is empty; give one document or a list of them, or remove it",
                plan + ":10: judge.endpoint: no endpoint is named 'nowhere'; endpoints: sim");
    }

    @Test
    void scriptedVerdictsAreForThePlansJudgeOnASimulatedEndpoint() throws IOException {
        Plan ok = loader.load(plan("""
                endpoints:
                  - name: sim
                    type: simulated
                    verdicts:
                      sim-judge:
                        "Paris.": '{"coherence": 5, "factuality": 5, "brevity": 5, "reason": "right"}'
                        "*": ['{"coherence": 1}', "no idea"]
                models: [{alias: sim-fast}]
                prompts: [{id: capital, text: "Capital?"}]
                judge: {endpoint: sim, model: sim-judge}
                """));
        assertThat(ok.endpoints().getFirst().verdicts().get("sim-judge"))
                .containsEntry("Paris.", List.of("{\"coherence\": 5, \"factuality\": 5, \"brevity\": 5, \"reason\": \"right\"}"))
                .containsEntry("*", List.of("{\"coherence\": 1}", "no idea"));

        Path noJudge = plan("""
                endpoints:
                  - name: sim
                    type: simulated
                    verdicts: {sim-judge: {"*": "5"}}
                  - {name: real, base_url: "http://127.0.0.1:9/v1", verdicts: {x: {"*": "5"}}}
                models: [{alias: sim-fast, endpoint: sim}]
                prompts: [{id: capital, text: "Capital?"}]
                """);
        assertThat(problems(noJudge)).containsExactly(
                noJudge + ":4: endpoints[0].verdicts.sim-judge: scripted verdicts for 'sim-judge', which is not the"
                        + " plan's judge (the plan has no judge: section)",
                noJudge + ":5: endpoints[1].verdicts: only a simulated endpoint takes a scripted judge's verdicts;"
                        + " remove it");
    }

    @Test
    void verdictsForAModelThatIsNotTheJudgeAreRejected() throws IOException {
        Path plan = plan("""
                endpoints:
                  - name: sim
                    type: simulated
                    verdicts: {sim-judge: {"*": "5"}}
                models: [{alias: sim-fast}]
                prompts: [{id: capital, text: "Capital?"}]
                """);
        assertThat(problems(plan)).containsExactly(plan + ":4: endpoints[0].verdicts.sim-judge: scripted verdicts for"
                + " 'sim-judge', which is not the plan's judge (the plan has no judge: section)");
    }
}
