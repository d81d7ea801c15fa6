package dev.nightbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A bad {@code shared_prefix:} stops {@code validate} and {@code run} with exit 2 before any database work. */
class SharedPrefixCliTest extends OfflineCli {

    @Test
    void anUnreadablePrefixFileExits2NamingTheFileLineAndField(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("p.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: hi, text: "Hello"}]
                shared_prefix:
                  file: handbook.txt
                """);

        assertThat(cli.execute(new String[]{"validate", "--plan", plan.toString()})).isEqualTo(2);
        assertThat(cli.execute(new String[]{"run", "--plan", plan.toString()})).isEqualTo(2);
        assertThat(err.toString()).contains("p.yaml:5", "shared_prefix.file", "cannot read 'handbook.txt'");

        Files.writeString(dir.resolve("handbook.txt"), "Be brief. ".repeat(200));
        out.reset();
        assertThat(cli.execute(new String[]{"validate", "--plan", plan.toString()})).isEqualTo(0);
        assertThat(out.toString()).contains("valid plan 'p'");
    }
}
