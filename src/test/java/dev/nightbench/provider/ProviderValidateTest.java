package dev.nightbench.provider;

import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.SampleProviderJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code nightbench validate} in a child JVM with the sample provider's jar on its class path: the provider checks its
 * own {@code settings:}, each problem named with the plan file, its line and the field, exit 2; an unknown type lists
 * the known ones, the provider's among them; without the jar its type is unknown.
 */
class ProviderValidateTest {

    private static final String PLAN = """
            name: settings
            endpoints:
              - name: ollama
                type: %s
                base_url: http://127.0.0.1:11434
                settings:
                  keep_alive: soon
                  num_ctx: lots
                  num_gpu: 99
            models: [{alias: steady}]
            prompts: [{id: p, text: "Hi"}]
            """;

    @Test
    void wrongAndUnknownSettingsFailValidationNamingFileLineAndField(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), PLAN.formatted("ollama-native"));

        String out = validate(dir, List.of(SampleProviderJar.jar()), "bad.yaml", 2);

        assertThat(out).contains("bad.yaml:8", "endpoints[0].settings.num_ctx", "expected a whole number", "'lots'");
        assertThat(out).contains("bad.yaml:7", "endpoints[0].settings.keep_alive", "expected a duration such as 5m");
        assertThat(out).contains("bad.yaml:9", "endpoints[0].settings.num_gpu",
                "unknown setting of an endpoint of type 'ollama-native'");
    }

    @Test
    void anUnknownTypeListsTheKnownTypesAndTheProviderComesOnlyWithItsJar(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("typo.yaml"), PLAN.formatted("ollama-nativ"));
        String withJar = validate(dir, List.of(SampleProviderJar.jar()), "typo.yaml", 2);
        assertThat(withJar).contains("typo.yaml:4", "endpoints[0].type", "unknown type 'ollama-nativ'", "openai",
                "simulated", "ollama-native (Ollama's native /api/chat");

        Files.writeString(dir.resolve("good.yaml"), PLAN.formatted("ollama-native")
                .replace("keep_alive: soon", "keep_alive: 5m").replace("num_ctx: lots", "num_ctx: 4096")
                .replace("      num_gpu: 99\n", ""));
        assertThat(validate(dir, List.of(SampleProviderJar.jar()), "good.yaml", 0)).contains("valid plan 'settings'");
        assertThat(validate(dir, List.of(), "good.yaml", 2)).contains("unknown type 'ollama-native'")
                .doesNotContain("ollama-native (");
    }

    private static String validate(Path dir, List<Path> jars, String plan, int exit) throws Exception {
        Path log = dir.resolve(plan + "-" + jars.size() + ".log");
        Process p = ChildJvm.start(jars, dir, log, Map.of(), "validate", "--plan", plan);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String out = ChildJvm.readLog(log);
        assertThat(p.exitValue()).as(out).isEqualTo(exit);
        return out;
    }
}
