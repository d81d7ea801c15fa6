package dev.nightbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code validate} on a plan with {@code synthetic:} works offline and says how the lengths were counted; a bad source exits 2. */
class SyntheticValidateTest extends OfflineCli {

    @Test
    void validateFitsWithTheEstimateOfflineAndSaysTheRunUsesTheModelsTokenizer(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("p.yaml"), """
                endpoints: [{name: llama, base_url: "http://127.0.0.1:1/v1"}]
                models: [{alias: stories}]
                prompts: [{id: hi, text: "Hello"}]
                synthetic:
                  - {name: a, count: 3, seed: 1, input_tokens: 100, tokenizer: stories}
                  - {name: b, count: 2, input_tokens: 50, tokenizer: o200k_base}
                run: {rounds: 1}
                """);

        assertThat(cli.execute(new String[]{"validate", "--plan", plan.toString()})).isEqualTo(0);

        assertThat(out.toString()).contains("6 prompt(s)", "6 measured requests per run",
                "synthetic source a: 3 prompt(s), seed 1; lengths estimate:4 here (the run fits them with stories's tokenizer)",
                "synthetic source b: 2 prompt(s), seed 0; lengths tokenizer:o200k_base");
    }

    @Test
    void aBadSourceExits2NamingTheFileLineAndField(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("bad.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: hi, text: "Hello"}]
                synthetic: {count: 3, input_tokens: {min: 10, max: 5}}
                """);

        assertThat(cli.execute(new String[]{"validate", "--plan", plan.toString()})).isEqualTo(2);
        assertThat(err.toString()).contains("bad.yaml", ":4", "synthetic.input_tokens.max", "must not be below min");
    }
}
