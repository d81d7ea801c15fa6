package dev.nightbench.plan;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import static dev.nightbench.plan.PlanFixtures.aModel;
import static dev.nightbench.plan.PlanFixtures.aPlan;
import static dev.nightbench.plan.PlanFixtures.aPrompt;
import static dev.nightbench.plan.PlanFixtures.anOpenAiEndpoint;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PlanFixturesTest {

    @Test
    void the_default_plan_is_one_simulated_model_and_one_prompt_with_default_run_params() {
        Plan plan = aPlan().build();

        assertThat(plan.simulated()).isTrue();
        assertThat(plan.models()).extracting(ModelSpec::alias, ModelSpec::endpoint)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("sim-fast", "sim"));
        assertThat(plan.prompts()).extracting(PromptSpec::id).containsExactly("capital");
        assertThat(plan.run()).isEqualTo(RunParams.defaults());
        assertThat(plan.hash()).matches("[0-9a-f]{64}");
    }

    @Test
    void every_part_can_be_set() {
        Plan plan = aPlan().named("custom")
                .withEndpoint(anOpenAiEndpoint("local", "http://localhost:8080/v1"))
                .withModels(aModel().named("phi").withModelId("phi-4").withSizeMb(3600).withParam("top_p", 0.9),
                        aModel().named("qwen"))
                .withPrompts(aPrompt().withId("q1").withText("Hi").withSystem("Be brief"),
                        aPrompt().withId("chat").withConversation("Hi", "Hello", "A joke?"))
                .withWarmup(0).withRounds(1).withMaxTokens(16).streaming(false).withFailAfter(2)
                .build();

        assertThat(plan.name()).isEqualTo("custom");
        assertThat(plan.simulated()).isFalse();
        assertThat(plan.model("phi")).get().satisfies(m -> {
            assertThat(m.endpoint()).isEqualTo("local");
            assertThat(m.model()).isEqualTo("phi-4");
            assertThat(m.params()).containsEntry("top_p", 0.9);
        });
        assertThat(plan.prompt("chat")).get().satisfies(p -> assertThat(p.toMessages()).hasSize(3));
        assertThat(plan.run().rounds()).isEqualTo(1);
        assertThat(plan.run().stream()).isFalse();
        assertThat(plan.run().failAfter()).isEqualTo(2);
    }

    @Test
    void different_plans_have_different_hashes() {
        assertThat(aPlan().withRounds(1).build().hash()).isNotEqualTo(aPlan().withRounds(2).build().hash());
    }
}
