package dev.nightbench.plan;

import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelProvider;
import dev.nightbench.client.ModelProviders;
import dev.nightbench.client.ProviderEndpoint;
import dev.nightbench.client.ProviderSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** An endpoint whose {@code type:} is a model provider's: its {@code settings:} and its models, checked by the provider. */
class ProviderPlanTest {

    @TempDir
    Path dir;

    /** A provider like an in-process runtime: threads, a mode, a weights file per model beside the plan. */
    static final class FilesProvider implements ModelProvider {

        @Override
        public String type() {
            return "files";
        }

        @Override
        public String description() {
            return "weights files run in-process";
        }

        @Override
        public void checkSettings(ProviderSettings s) {
            s.integer("threads", 1, 64, 4);
            s.oneOf("mode", List.of("fast", "exact"), "exact");
            String vocab = s.string("vocab", null);
            if (vocab != null) {
                s.file("vocab", vocab);
            }
        }

        @Override
        public String checkModel(String model, ProviderSettings settings) {
            return Files.isRegularFile(settings.resolve(model)) ? null : "no file at " + settings.resolve(model);
        }

        @Override
        public ModelClient open(ProviderEndpoint endpoint) {
            throw new UnsupportedOperationException();
        }
    }

    /** A provider for a remote service: it takes a base URL. */
    static class RemoteProvider implements ModelProvider {

        @Override
        public String type() {
            return "remote";
        }

        @Override
        public boolean takesBaseUrl() {
            return true;
        }

        @Override
        public void checkSettings(ProviderSettings s) {
            s.string("region", null);
        }

        @Override
        public ModelClient open(ProviderEndpoint endpoint) {
            throw new UnsupportedOperationException();
        }
    }

    private final PlanLoader loader = new PlanLoader(Map.<String, String>of()::get,
            ModelProviders.of(List.of(new FilesProvider(), new RemoteProvider())));

    private Path plan(String endpoints, String models) throws IOException {
        return Files.writeString(dir.resolve("plan.yaml"), "endpoints:\n" + endpoints + "models:\n" + models
                + "prompts: [{id: p, text: Hi}]\n");
    }

    private List<String> problems(Path plan) {
        return catchThrowableOfType(PlanException.class, () -> loader.load(plan)).problems().stream()
                .map(PlanProblem::toString).toList();
    }

    @Test
    void aProvidersEndpointKeepsItsTypeAndSettingsAndItsModelsResolveBesideThePlan() throws IOException {
        Files.writeString(dir.resolve("tiny.bin"), "weights");
        Files.writeString(dir.resolve("vocab.txt"), "a b c");
        Plan plan = loader.load(plan("""
                  - {name: local, type: Files, settings: {threads: 2, mode: fast, vocab: vocab.txt}}
                  - {name: far, type: remote, base_url: "http://127.0.0.1:9/v1", settings: {region: eu}}
                """, """
                  - {alias: tiny, endpoint: local, model: tiny.bin}
                  - {alias: big, endpoint: far}
                """));

        Endpoint local = plan.endpoint("local").orElseThrow();
        assertThat(local.type()).isEqualTo("files");
        assertThat(local.provided()).isTrue();
        assertThat(local.simulated()).isFalse();
        assertThat(local.baseUrl()).isNull();
        assertThat(local.settings()).containsEntry("threads", 2).containsEntry("mode", "fast");
        assertThat(plan.endpoint("far").orElseThrow().baseUrl()).hasToString("http://127.0.0.1:9/v1");
        assertThat(plan.endpoint("far").orElseThrow().settings()).containsEntry("region", "eu");
        assertThat(plan.model("tiny").orElseThrow().model()).isEqualTo("tiny.bin");
    }

    @Test
    void theBuiltInTypesStayWhatTheyWere() throws IOException {
        Plan plan = loader.load(plan("""
                  - {name: sim, type: simulated}
                  - {name: api, base_url: "http://127.0.0.1:9/v1"}
                """, """
                  - {alias: sim-fast, endpoint: sim}
                  - {alias: gpt, endpoint: api}
                """));

        assertThat(plan.endpoint("sim").orElseThrow()).satisfies(e -> {
            assertThat(e.type()).isEqualTo(Endpoint.SIMULATED);
            assertThat(e.provided()).isFalse();
            assertThat(e.settings()).isEmpty();
        });
        assertThat(plan.endpoint("api").orElseThrow().type()).isEqualTo(Endpoint.OPENAI);
    }

    @Test
    void eachBadSettingIsReportedByTheProviderWithItsLineAndField() throws IOException {
        Path plan = plan("""
                  - name: local
                    type: files
                    settings:
                      threads: lots
                      mode: quick
                      colour: blue
                      vocab: none.txt
                """, """
                  - {alias: tiny, endpoint: local, model: missing.bin}
                """);

        List<String> problems = problems(plan);

        assertThat(problems).hasSize(4); // the endpoint is not valid, so its model's file is not checked
        assertThat(problems.get(0)).contains("plan.yaml:5", "endpoints[0].settings.threads", "whole number from 1 to 64",
                "'lots'");
        assertThat(problems.get(1)).contains(":6", "endpoints[0].settings.mode", "'quick' is not one of fast, exact");
        assertThat(problems.get(2)).contains(":7", "endpoints[0].settings.colour", "unknown setting",
                "type 'files' (weights files run in-process)");
        assertThat(problems.get(3)).contains(":8", "endpoints[0].settings.vocab", "no readable file at "
                + dir.toAbsolutePath().normalize().resolve("none.txt"), "resolved against the plan's directory");
    }

    @Test
    void aModelTheProviderCannotRunIsReportedAtItsModelField() throws IOException {
        Path plan = plan("""
                  - {name: local, type: files}
                """, """
                  - {alias: tiny, endpoint: local, model: missing.bin}
                """);

        assertThat(problems(plan)).singleElement().satisfies(p -> assertThat(p).contains("plan.yaml:4",
                "models[0].model", "model 'missing.bin' on endpoint 'local' (type files): no file at "
                        + dir.toRealPath().resolve("missing.bin")));
    }

    @Test
    void anUnknownTypeListsTheBuiltInOnesAndTheProviders() throws IOException {
        assertThat(problems(plan("  - {name: x, type: gguff}\n", "  - {alias: m, endpoint: x}\n"))).first()
                .satisfies(p -> assertThat(p).contains("endpoints[0].type", "unknown type 'gguff'", "openai",
                        "simulated", "or a model provider's: ", "files (weights files run in-process)", "remote",
                        "gguf (a GGUF file run in-process")); // the installed services are listed too
    }

    @Test
    void settingsAndBaseUrlsGoOnlyWhereTheTypeTakesThem() throws IOException {
        List<String> problems = problems(plan("""
                  - {name: api, base_url: "http://127.0.0.1:9/v1", settings: {threads: 2}}
                  - {name: local, type: files, base_url: "http://127.0.0.1:9/v1"}
                  - {name: far, type: remote, settings: [eu]}
                """, """
                  - {alias: a, endpoint: api}
                """));

        assertThat(problems).anySatisfy(p -> assertThat(p).contains("endpoints[0].settings",
                "only a model provider's endpoint takes settings; type 'openai' takes none"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("endpoints[1].base_url",
                "an endpoint of type 'files' takes no base_url"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("endpoints[2].settings",
                "expected a mapping of remote settings, got a list"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("endpoints[2].base_url", "required"));
    }

    @Test
    void theRegistryRefusesTypesThatAreBuiltInMalformedOrServedTwice() {
        ModelProvider openai = new RemoteProvider() {
            @Override
            public String type() {
                return "openai";
            }
        };
        ModelProvider upper = new RemoteProvider() {
            @Override
            public String type() {
                return "Remote";
            }
        };
        ModelProvider twin = new RemoteProvider() {
        };

        assertThatThrownBy(() -> ModelProviders.of(List.of(openai))).hasMessageContaining("'openai', which is built in");
        assertThatThrownBy(() -> ModelProviders.of(List.of(upper))).hasMessageContaining("has type 'Remote'");
        assertThatThrownBy(() -> ModelProviders.of(List.of(new RemoteProvider(), twin)))
                .hasMessageContaining("two model providers serve the type 'remote'");
    }
}
