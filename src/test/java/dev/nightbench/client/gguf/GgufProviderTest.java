package dev.nightbench.client.gguf;

import dev.nightbench.client.ModelProviders;
import dev.nightbench.plan.PlanException;
import dev.nightbench.plan.PlanLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A gguf endpoint in a plan: found as a service, its settings and model files checked with file, line and field. */
class GgufProviderTest {

    @TempDir
    Path dir;

    private Path plan(String settings, String model) throws Exception {
        return Files.writeString(dir.resolve("plan.yaml"), """
                name: gguf-check
                endpoints:
                  - name: local
                    type: gguf
                    settings: %s
                models:
                  - alias: m
                    model: %s
                prompts: [{id: p, text: hi}]
                """.formatted(settings, model));
    }

    @Test
    void isAnInstalledProvider() {
        assertThat(ModelProviders.installed().get("gguf")).get().isInstanceOf(GgufProvider.class);
    }

    @Test
    void aGgufFileRelativeToThePlanIsAccepted() throws Exception {
        Files.createDirectories(dir.resolve("models"));
        Files.write(dir.resolve("models/ok.gguf"), "GGUF\u0003\0\0\0".getBytes());
        assertThat(new PlanLoader().load(plan("{threads: 2, parallel: 4, context_size: 4096}", "models/ok.gguf"))
                .models()).hasSize(1);
    }

    @Test
    void aMissingModelFileIsAProblemWithFileLineAndField() throws Exception {
        Path p = plan("{}", "models/absent.gguf");
        assertThatThrownBy(() -> new PlanLoader().load(p)).isInstanceOf(PlanException.class)
                .hasMessageContaining(p + ":8: models[0].model:")
                .hasMessageContaining(dir.resolve("models/absent.gguf").toString());
    }

    @Test
    void aFileThatIsNotGgufIsAProblem() throws Exception {
        Files.writeString(dir.resolve("notes.gguf"), "not a model");
        Path p = plan("{}", "notes.gguf");
        assertThatThrownBy(() -> new PlanLoader().load(p)).isInstanceOf(PlanException.class)
                .hasMessageContaining(p + ":8: models[0].model:")
                .hasMessageContaining(dir.resolve("notes.gguf") + " is not a GGUF file");
    }

    @Test
    void aWrongOrUnknownSettingIsAProblemWithItsLine() throws Exception {
        Files.writeString(dir.resolve("ok.gguf"), "GGUF");
        Path p = plan("{threads: 0, parallel: 65, flash: true}", "ok.gguf");
        assertThatThrownBy(() -> new PlanLoader().load(p)).isInstanceOf(PlanException.class)
                .hasMessageContaining(p + ":5: endpoints[0].settings.threads: expected a whole number from 1 to 512")
                .hasMessageContaining("endpoints[0].settings.parallel: expected a whole number from 1 to 64")
                .hasMessageContaining("endpoints[0].settings.flash: unknown setting");
    }
}
