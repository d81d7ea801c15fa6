package dev.nightbench.measure;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PlanLoader;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.plan.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A synthetic prompt's output length in its request, and the tokenizer's counts of an answer ({@link TokenizerCounts}). */
class OutputLengthTest {

    @Test
    void theTargetIsMaxTokensAndTheControlsAreSentOnlyWhereThePlanSaysSo(@TempDir Path dir) throws Exception {
        Plan plan = PlanLoader.withEnvironment(Map.of()).load(Files.writeString(dir.resolve("p.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast, params: {max_tokens: 500, top_p: 0.5}}]
                prompts: [{id: own, text: "Hi"}]
                synthetic:
                  - {name: both, count: 1, input_tokens: 20, output_tokens: 33, control: [min_tokens, ignore_eos]}
                  - {name: none, count: 1, input_tokens: 20, output_tokens: 44}
                """));

        ChatRequest own = CellExecutor.requestFor(plan.models().getFirst(), plan.prompt("own").orElseThrow(), plan);
        ChatRequest both = CellExecutor.requestFor(plan.models().getFirst(), plan.prompt("both:1").orElseThrow(), plan);
        ChatRequest none = CellExecutor.requestFor(plan.models().getFirst(), plan.prompt("none:1").orElseThrow(), plan);

        assertThat(own.maxTokens()).isEqualTo(500);
        assertThat(own.extra()).containsOnlyKeys("top_p");
        assertThat(both.maxTokens()).isEqualTo(33);
        assertThat(both.extra()).containsEntry("ignore_eos", true).containsEntry("min_tokens", 33)
                .containsEntry("top_p", 0.5);
        assertThat(none.maxTokens()).isEqualTo(44);
        assertThat(none.extra()).containsOnlyKeys("top_p");
    }

    @Test
    void withUsageTheTokenizersCountIsTheClientsCheckAndWithoutItTheCount() {
        Tokenizer words = Tokenizer.named("words", t -> t.isBlank() ? 0 : t.strip().split("\\s+").length);
        List<ChatMessage> prompt = List.of(new ChatMessage("system", "be brief"), new ChatMessage("user", "a b c"));
        Measurement withUsage = answer(10, "usage", 7, "one two three four five six seven eight", 9);
        Measurement withoutUsage = answer(2, "chunks", null, "one two three four", null);

        Measurement checked = TokenizerCounts.count(words, prompt, withUsage);
        Measurement counted = TokenizerCounts.count(words, prompt, withoutUsage);

        assertThat(checked.outputTokens()).isEqualTo(10);
        assertThat(checked.tokensSource()).isEqualTo("usage");
        assertThat(checked.outputTokensEstimate()).isEqualTo(8);
        assertThat(checked.tokensDiffPct()).isEqualTo(20.0);
        assertThat(checked.promptTokens()).isEqualTo(9);
        assertThat(checked.promptTokensSource()).isEqualTo("usage");
        assertThat(counted.outputTokens()).isEqualTo(4);
        assertThat(counted.tokensSource()).isEqualTo("tokenizer");
        assertThat(counted.promptTokens()).isEqualTo(5);
        assertThat(counted.promptTokensSource()).isEqualTo("tokenizer");
        // TPOT over the tokenizer's count: (e2e − ttft) / (4 − 1)
        assertThat(counted.tpotMs()).isEqualTo((130.0 - 100.0) / 3);
        assertThat(TokenizerCounts.count(words, prompt, withoutUsage.withResponseCut("one two")).tokensSource())
                .isEqualTo("chunks");
    }

    private static Measurement answer(int output, String source, Integer estimate, String text, Integer promptTokens) {
        return new Measurement(Instant.EPOCH, 1.0, 100.0, 100.0, 130.0, 131.0, promptTokens, output, source, estimate,
                null, 30.0 / (output - 1), null, null, output, null, null, null, null, "stop", null, null, null, null,
                null, text, false, true, 0, null, List.of(), null, promptTokens == null ? null : "usage");
    }
}
