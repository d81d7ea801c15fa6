package dev.nightbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code validate} on plans drawing prompts from datasets: the sources listed, a bad record an exit 2 naming its line. */
class DatasetCliTest extends OfflineCli {

    @Test
    void validateListsEachDatasetWithItsDrawAndHashAndCountsOnlyLatencyPrompts() {
        assertThat(cli.execute(new String[]{"validate", "--plan", "jobs/datasets-demo.yaml"})).isEqualTo(0);

        assertThat(out.toString())
                .containsPattern("prompts from support: 8 prompt\\(s\\) of 30 record\\(s\\) in datasets/support.jsonl"
                        + " \\(jsonl, sha256 [0-9a-f]{12}\\)")
                .contains("prompts from helpdesk: 3 prompt(s) of 3 record(s)")
                .containsPattern("prompts from shop: 5 prompt\\(s\\) of 5 record\\(s\\) .*, load only")
                // 1 model x (8 + 3 latency prompts; the 5 load-only ones are not) x 2 rounds
                .contains("22 measured requests per run");
    }

    @Test
    void aBadRecordExits2NamingTheDatasetFileAndLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("qa.jsonl"), "{\"q\": \"Fine\"}\n{\"q\": \"Broken\n");
        Path plan = Files.writeString(dir.resolve("p.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts_from: [{name: qa, path: qa.jsonl, text: q}]
                """);

        assertThat(cli.execute(new String[]{"validate", "--plan", plan.toString()})).isEqualTo(2);

        assertThat(err.toString()).contains(dir.resolve("qa.jsonl") + ":2: bad JSON");
    }
}
