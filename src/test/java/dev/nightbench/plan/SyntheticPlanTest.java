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

/** The plan's {@code synthetic:} section: prompts of a controlled length, drawn deterministically. */
class SyntheticPlanTest {

    @TempDir
    Path dir;

    private final PlanLoader loader = PlanLoader.withEnvironment(Map.of());

    private Path plan(String synthetic) throws IOException {
        return Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: p, text: "Hi"}]
                """ + synthetic);
    }

    private List<PromptSpec> synthetic(Plan plan) {
        return plan.prompts().stream().filter(p -> p.origin().source() != null).toList();
    }

    @Test
    void drawsCountPromptsWithIdsOriginsAndASourceAfterThePlansOwn() throws IOException {
        Plan plan = loader.load(plan("""
                synthetic: {name: long-in, count: 12, seed: 7, input_tokens: {mean: 200, stddev: 30},
                            output_tokens: {min: 20, max: 40}, control: [ignore_eos]}
                """));

        assertThat(plan.prompts().getFirst().id()).isEqualTo("p");
        List<PromptSpec> made = synthetic(plan);
        assertThat(made).hasSize(12);
        assertThat(made.getFirst().id()).isEqualTo("long-in:01");
        assertThat(made.getLast().id()).isEqualTo("long-in:12");
        assertThat(made).allSatisfy(p -> {
            PromptOrigin o = p.origin();
            assertThat(o.source()).isEqualTo("long-in");
            assertThat(o.lengthSource()).isEqualTo("estimate:4");
            assertThat(o.targetOutputTokens()).isBetween(20, 40);
            // the estimate counts characters: the fitted text is within one word of the target
            assertThat(Math.abs(o.inputTokens() - o.targetInputTokens())).isLessThanOrEqualTo(3);
            assertThat(o.inputTokens()).isEqualTo(Tokenizer.estimate().count(p.text()));
        });
        assertThat(made.stream().map(p -> p.origin().targetInputTokens()).distinct().count()).isGreaterThan(5);
        Workloads.PromptSource source = plan.workloads().sources().getFirst();
        assertThat(source).extracting(Workloads.PromptSource::name, Workloads.PromptSource::kind,
                Workloads.PromptSource::seed, Workloads.PromptSource::promptsDrawn).containsExactly("long-in",
                "synthetic", 7L, 12);
        assertThat(source.settings()).contains("\"input_tokens\":{\"mean\":200,\"stddev\":30}", "\"control\":[\"ignore_eos\"]",
                "\"tokenizer\":\"estimate\"");
        assertThat(ModelTokenizers.control(source)).containsExactly("ignore_eos");
    }

    @Test
    void theSameSeedGivesTheSameTextsAndAnotherSeedOthers() throws IOException {
        String source = "synthetic: {count: 5, seed: %d, input_tokens: 300, output_tokens: 10}\n";
        List<String> first = synthetic(loader.load(plan(source.formatted(1)))).stream().map(PromptSpec::text).toList();
        List<String> again = synthetic(loader.load(plan(source.formatted(1)))).stream().map(PromptSpec::text).toList();
        List<String> other = synthetic(loader.load(plan(source.formatted(2)))).stream().map(PromptSpec::text).toList();

        assertThat(again).isEqualTo(first);
        assertThat(other).doesNotContainAnyElementsOf(first);
        assertThat(first).doesNotHaveDuplicates();
    }

    @Test
    void fitsWithAnOpenAiEncodingToTheExactTokenCount() throws IOException {
        Plan plan = loader.load(plan("synthetic: {count: 4, seed: 3, input_tokens: {min: 500, max: 900}, tokenizer: cl100k_base}\n"));

        Tokenizer cl100k = Tokenizer.encoding("cl100k_base").orElseThrow();
        assertThat(synthetic(plan)).hasSize(4).allSatisfy(p -> {
            assertThat(p.origin().lengthSource()).isEqualTo("tokenizer:cl100k_base");
            assertThat(p.origin().inputTokens()).isEqualTo(cl100k.count(p.text()));
            // every word of the list is one or two tokens: the closest cut is within one token
            assertThat(Math.abs(p.origin().inputTokens() - p.origin().targetInputTokens())).isLessThanOrEqualTo(1);
            assertThat(p.origin().targetOutputTokens()).isNull();
        });
    }

    @Test
    void aModelAsTokenizerFitsWithItsServerWhenKnownAndWithTheEstimateOffline() throws IOException {
        Path file = plan("synthetic: {count: 3, seed: 5, input_tokens: 50, tokenizer: sim-fast}\n");

        Plan offline = loader.load(file);
        // a stand-in server tokenizer: one token per word
        Plan online = loader.loadWithSnapshot(file, m -> Tokenizer.named(m.alias(),
                text -> text.isBlank() ? 0 : text.strip().split("\\s+").length)).plan();

        assertThat(synthetic(offline)).allSatisfy(p -> assertThat(p.origin().lengthSource()).isEqualTo("estimate:4"));
        assertThat(synthetic(online)).allSatisfy(p -> {
            assertThat(p.origin().lengthSource()).isEqualTo("tokenizer:sim-fast");
            assertThat(p.text().split(" ")).hasSize(50);
            assertThat(p.origin().inputTokens()).isEqualTo(50);
        });
        assertThat(online.hash()).isEqualTo(offline.hash());
        assertThat(ModelTokenizers.of(online, m -> Tokenizer.estimate())).containsOnlyKeys("sim-fast");
    }

    @Test
    void reportsEachBadFieldWithItsLine() throws IOException {
        Path file = plan("""
                synthetic:
                  - name: a
                    count: 0
                    input_tokens: {mean: 10}
                    output_tokens: {min: 9, max: 3}
                    tokenizer: gpt2
                    control: [ignore_eos, top_k]
                  - count: 2
                    input_tokens: 5
                    colour: blue
                  - name: p
                    count: 1
                    input_tokens: 5
                    control: ignore_eos
                """);

        List<String> problems = catchThrowableOfType(PlanException.class, () -> loader.load(file)).problems().stream()
                .map(PlanProblem::toString).toList();

        assertThat(problems).anySatisfy(p -> assertThat(p).contains(":6", "synthetic[0].count", "from 1 to 100000"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains(":7", "synthetic[0].input_tokens",
                "{mean: N, stddev: N}"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains(":8", "synthetic[0].output_tokens.max",
                "must not be below min"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains(":9", "synthetic[0].tokenizer", "'gpt2'",
                "sim-fast"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains(":10", "synthetic[0].control[1]", "top_k"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("synthetic[1].name", "required"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains(":13", "synthetic[1].colour", "unknown key"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains(":17", "synthetic[2].control", "needs output_tokens"));
        assertThat(catchThrowableOfType(PlanException.class, () -> loader.load(plan("synthetic: 3\n"))).problems())
                .singleElement().satisfies(p -> assertThat(p.toString()).contains("synthetic", "a list of them"));
    }

    @Test
    void aModelsTokenizerIsServerOrAnOpenAiEncoding() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast, tokenizer: sentencepiece}]
                prompts: [{id: p, text: "Hi"}]
                """);
        Path good = Files.writeString(dir.resolve("good.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast, tokenizer: o200k_base}]
                prompts: [{id: p, text: "Hi"}]
                """);

        assertThat(catchThrowableOfType(PlanException.class, () -> loader.load(bad)).problems()).singleElement()
                .satisfies(p -> assertThat(p.toString()).contains(":2", "models[0].tokenizer", "server, cl100k_base"));
        Plan plan = loader.load(good);
        assertThat(plan.models().getFirst().tokenizer()).isEqualTo("o200k_base");
        assertThat(ModelTokenizers.of(plan, m -> null).get("sim-fast").lengthSource()).isEqualTo("tokenizer:o200k_base");
    }
}
