package dev.nightbench.plan;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PlanLoaderTest {

    private static final String MINIMAL = """
            endpoints:
              - name: local
                base_url: http://localhost:8080/v1
            models:
              - alias: m1
            prompts:
              - id: q1
                text: Hi
            """;

    @TempDir
    Path dir;

    private final PlanLoader loader = PlanLoader.withEnvironment(Map.of());

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    static Stream<Path> shippedPlans() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("jobs"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Nested
    class Shipped_plans {

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.nightbench.plan.PlanLoaderTest#shippedPlans")
        void every_plan_under_jobs_loads_without_any_environment(Path plan) {
            Plan loaded = loader.load(plan);

            assertThat(loaded.models()).isNotEmpty();
            assertThat(loaded.prompts()).isNotEmpty();
            assertThat(loaded.hash()).hasSize(64);
        }

        @Test
        void there_are_the_three_documented_plans() throws IOException {
            assertThat(shippedPlans().map(p -> p.getFileName().toString()))
                    .contains("demo.yaml", "foundry-local.yaml", "ollama.yaml");
        }

        @Test
        void the_demo_runs_the_four_simulated_models_quickly() {
            Plan demo = loader.load(Path.of("jobs/demo.yaml"));

            assertThat(demo.simulated()).isTrue();
            assertThat(demo.models()).extracting(ModelSpec::alias)
                    .containsExactly("sim-fast", "sim-medium", "sim-large", "sim-flaky");
            assertThat(demo.prompts()).hasSizeBetween(4, 5);
            assertThat(demo.run().warmup()).isEqualTo(1);
            assertThat(demo.run().rounds()).isEqualTo(3);
            assertThat(demo.run().maxTokens()).isEqualTo(16);
            assertThat(demo.run().timeouts().total()).isLessThanOrEqualTo(Duration.ofSeconds(10));
        }

        @Test
        void foundry_local_takes_the_workshop_models_and_prompts_and_the_endpoint_default() {
            Plan plan = loader.load(Path.of("jobs/foundry-local.yaml"));

            assertThat(plan.endpoints()).singleElement().satisfies(e -> {
                assertThat(e.baseUrl()).isEqualTo(URI.create("http://localhost:5273/v1"));
                assertThat(e.simulated()).isFalse();
            });
            assertThat(plan.models()).extracting(ModelSpec::alias)
                    .containsExactly("phi-4-mini", "qwen2.5-0.5b", "gemma-2-2b", "mistral-7b");
            assertThat(plan.model("phi-4-mini")).get().satisfies(m -> {
                assertThat(m.sizeMb()).isEqualTo(3600);
                assertThat(m.endpoint()).isEqualTo("foundry");
                assertThat(m.model()).isEqualTo("phi-4-mini");
            });
            assertThat(plan.prompts()).extracting(PromptSpec::id).startsWith("p01", "p02").hasSize(6);
            assertThat(plan.prompts()).allSatisfy(p -> assertThat(p.expect()).isNotEmpty());
            assertThat(plan.prompts().get(3).reference()).startsWith("9:");
            assertThat(plan.prompts().get(5).context()).hasSize(2);
            assertThat(plan.judge().modelAlias()).isEqualTo("phi-4-mini");
            assertThat(plan.judge().criteriaFor(plan.prompts().get(5))).extracting(Criterion::name)
                    .containsExactly("coherence", "factuality", "brevity", "grounded");
        }

        @Test
        void foundry_local_endpoint_follows_the_environment_variable() {
            Plan plan = PlanLoader.withEnvironment(Map.of("FOUNDRY_LOCAL_ENDPOINT", "http://10.0.0.5:5000/v1"))
                    .load(Path.of("jobs/foundry-local.yaml"));

            assertThat(plan.endpoints().getFirst().baseUrl()).isEqualTo(URI.create("http://10.0.0.5:5000/v1"));
        }
    }

    @Nested
    class Mapping {

        @Test
        void every_field_of_a_full_plan_maps_onto_the_records() throws IOException {
            Path file = write("full.yaml", """
                    name: nightly
                    description: All the fields.
                    endpoints:
                      - name: sim
                        type: simulated
                      - name: foundry
                        base_url: https://example.test:5273/v1
                        api_key_env: FOUNDRY_API_KEY
                    models:
                      - alias: phi-4-mini
                        endpoint: foundry
                        model: Phi-4-mini-instruct-generic-cpu
                        capabilities: [chat, code]
                        size_mb: 3600
                        price: { input_per_1k: 0.0015, output_per_1k: 0.002 }
                        params: { max_tokens: 128, temperature: 0.2, top_p: 0.9, stop: ["\\n\\n"] }
                      - alias: sim-fast
                        endpoint: sim
                    prompts:
                      - id: capital
                        text: "What is the capital of France?"
                        system: "Answer in one sentence."
                      - id: chat-1
                        messages: [{role: user, content: "Hi"}, {role: assistant, content: "Hello"}, {role: user, content: "Tell me a joke"}]
                    run:
                      warmup: 2
                      rounds: 5
                      max_tokens: 100
                      temperature: 0.7
                      seed: 7
                      stream: false
                      fail_after: 4
                      timeouts: { connect: 500ms, first_token: PT45S, idle: 1m30s, total: 2h }
                    """);

            Plan plan = loader.load(file);

            assertThat(plan.name()).isEqualTo("nightly");
            assertThat(plan.description()).isEqualTo("All the fields.");
            assertThat(plan.source()).isEqualTo(file);
            assertThat(plan.endpoints()).containsExactly(
                    new Endpoint("sim", null, null, true),
                    new Endpoint("foundry", URI.create("https://example.test:5273/v1"), "FOUNDRY_API_KEY", false));
            ModelSpec phi = plan.models().getFirst();
            assertThat(phi.alias()).isEqualTo("phi-4-mini");
            assertThat(phi.endpoint()).isEqualTo("foundry");
            assertThat(phi.model()).isEqualTo("Phi-4-mini-instruct-generic-cpu");
            assertThat(phi.capabilities()).containsExactly("chat", "code");
            assertThat(phi.sizeMb()).isEqualTo(3600);
            assertThat(phi.priceInputPer1k()).isEqualByComparingTo(new BigDecimal("0.0015"));
            assertThat(phi.priceOutputPer1k()).isEqualByComparingTo(new BigDecimal("0.002"));
            assertThat(phi.params()).containsEntry("max_tokens", 128).containsEntry("temperature", 0.2)
                    .containsEntry("top_p", 0.9).containsEntry("stop", List.of("\n\n"));
            assertThat(plan.models().get(1)).isEqualTo(
                    new ModelSpec("sim-fast", "sim", "sim-fast", List.of(), null, null, null, Map.of()));
            assertThat(plan.prompts().getFirst().toMessages()).containsExactly(
                    new PromptMessage("system", "Answer in one sentence."),
                    new PromptMessage("user", "What is the capital of France?"));
            assertThat(plan.prompts().get(1).messages()).containsExactly(
                    new PromptMessage("user", "Hi"), new PromptMessage("assistant", "Hello"),
                    new PromptMessage("user", "Tell me a joke"));
            assertThat(plan.run()).isEqualTo(new RunParams(2, 5, 100, 0.7, 7L, false,
                    new RunParams.Timeouts(Duration.ofMillis(500), Duration.ofSeconds(45), Duration.ofSeconds(90),
                            Duration.ofHours(2)), 4));
        }

        @Test
        void omitted_keys_take_their_defaults() throws IOException {
            Plan plan = loader.load(write("minimal.yaml", MINIMAL));

            assertThat(plan.name()).isEqualTo("minimal");
            assertThat(plan.description()).isNull();
            assertThat(plan.run()).isEqualTo(RunParams.defaults());
            assertThat(plan.models().getFirst().endpoint()).isEqualTo("local");
            assertThat(plan.models().getFirst().model()).isEqualTo("m1");
        }

        @Test
        void a_partial_run_section_keeps_the_defaults_of_the_rest() throws IOException {
            Plan plan = loader.load(write("p.yaml", MINIMAL + """
                    run:
                      rounds: 10
                      timeouts: { total: 30s }
                    """));

            RunParams d = RunParams.defaults();
            assertThat(plan.run().rounds()).isEqualTo(10);
            assertThat(plan.run().warmup()).isEqualTo(d.warmup());
            assertThat(plan.run().seed()).isEqualTo(d.seed());
            assertThat(plan.run().timeouts()).isEqualTo(new RunParams.Timeouts(d.timeouts().connect(),
                    d.timeouts().firstToken(), d.timeouts().idle(), Duration.ofSeconds(30)));
        }

        @Test
        void an_explicit_null_seed_sends_no_seed() throws IOException {
            Plan plan = loader.load(write("p.yaml", MINIMAL + "run:\n  seed: null\n"));

            assertThat(plan.run().seed()).isNull();
        }
    }

    @Nested
    class Environment_interpolation {

        @Test
        void a_defined_variable_is_replaced() throws IOException {
            Path file = write("p.yaml", MINIMAL.replace("http://localhost:8080/v1", "${BASE}"));

            Plan plan = PlanLoader.withEnvironment(Map.of("BASE", "http://gpu-box:8000/v1")).load(file);

            assertThat(plan.endpoints().getFirst().baseUrl()).isEqualTo(URI.create("http://gpu-box:8000/v1"));
        }

        @Test
        void the_default_is_used_when_the_variable_is_unset_or_empty() throws IOException {
            Path file = write("p.yaml", MINIMAL.replace("http://localhost:8080/v1", "${BASE:-http://fallback:1/v1}"));

            assertThat(loader.load(file).endpoints().getFirst().baseUrl()).hasHost("fallback");
            assertThat(PlanLoader.withEnvironment(Map.of("BASE", "")).load(file).endpoints().getFirst().baseUrl())
                    .hasHost("fallback");
            assertThat(PlanLoader.withEnvironment(Map.of("BASE", "http://set:2/v1")).load(file)
                    .endpoints().getFirst().baseUrl()).hasHost("set");
        }

        @Test
        void a_doubled_dollar_escapes_the_reference() throws IOException {
            Path file = write("p.yaml", MINIMAL.replace("text: Hi", "text: 'Explain $${HOME} in bash'"));

            assertThat(loader.load(file).prompts().getFirst().text()).isEqualTo("Explain ${HOME} in bash");
        }

        @Test
        void the_environment_is_looked_up_through_the_injected_function() throws IOException {
            Path file = write("p.yaml", MINIMAL.replace("m1", "${MODEL}"));

            Plan plan = new PlanLoader(name -> name.equals("MODEL") ? "from-function" : null).load(file);

            assertThat(plan.models().getFirst().alias()).isEqualTo("from-function");
        }

        @Test
        void every_undefined_variable_is_reported_with_its_line() throws IOException {
            Path file = write("p.yaml", MINIMAL.replace("m1", "${A}").replace("q1", "${B}"));

            PlanException e = catchThrowableOfType(PlanException.class, () -> loader.load(file));

            assertThat(e.problems()).extracting(PlanProblem::line).containsExactly(5, 7);
            assertThat(e.problems()).extracting(PlanProblem::message)
                    .allMatch(m -> m.contains("is not set"))
                    .anyMatch(m -> m.contains("environment variable A ")).anyMatch(m -> m.contains("variable B "));
        }

        @Test
        void a_value_with_a_line_break_is_refused_without_echoing_it() throws IOException {
            Path file = write("p.yaml", MINIMAL.replace("m1", "${SECRET}"));

            assertThatThrownBy(() -> PlanLoader.withEnvironment(Map.of("SECRET", "top\nsecret")).load(file))
                    .isInstanceOf(PlanException.class)
                    .hasMessageContaining("SECRET holds several lines")
                    .hasMessageNotContaining("top");
        }
    }

    @Nested
    class Workshop_files {

        @Test
        void models_file_entries_keep_their_order_and_run_on_the_only_endpoint() throws IOException {
            write("m/models.json", """
                    {"zeta": {"capabilities": ["chat"], "size_mb": 10},
                     "alpha": {"capabilities": ["code"], "size_mb": 20, "model": "alpha-v2",
                               "price": {"input_per_1k": 0.1, "output_per_1k": 0.2}, "params": {"top_k": 5}}}
                    """);
            Path plan = write("p.yaml", """
                    endpoints: [{name: local, base_url: "http://localhost:1/v1"}]
                    models_file: m/models.json
                    prompts: [{id: q, text: Hi}]
                    """);

            List<ModelSpec> models = loader.load(plan).models();

            assertThat(models).extracting(ModelSpec::alias).containsExactly("zeta", "alpha");
            assertThat(models.get(1)).isEqualTo(new ModelSpec("alpha", "local", "alpha-v2", List.of("code"), 20,
                    new BigDecimal("0.1"), new BigDecimal("0.2"), Map.of("top_k", 5)));
        }

        @Test
        void models_endpoint_picks_the_endpoint_of_the_file_models() throws IOException {
            write("models.json", "{\"a\": {}}");
            Path plan = write("p.yaml", """
                    endpoints: [{name: sim, type: simulated}, {name: real, base_url: "http://h:1/v1"}]
                    models_file: models.json
                    models_endpoint: real
                    prompts: [{id: q, text: Hi}]
                    """);

            assertThat(loader.load(plan).models()).singleElement()
                    .extracting(ModelSpec::endpoint).isEqualTo("real");
        }

        @Test
        void prompts_file_strings_get_ids_p01_p02_after_the_inline_prompts() throws IOException {
            write("prompts.json", "[\"one\", \"two\", \"three\"]");
            Path plan = write("p.yaml", MINIMAL + "prompts_file: prompts.json\n");

            List<PromptSpec> prompts = loader.load(plan).prompts();

            assertThat(prompts).extracting(PromptSpec::id).containsExactly("q1", "p01", "p02", "p03");
            assertThat(prompts.get(3).text()).isEqualTo("three");
        }

        @Test
        void inline_models_and_file_models_mix() throws IOException {
            write("models.json", "{\"from-file\": {\"size_mb\": 1}}");
            Path plan = write("p.yaml", MINIMAL + "models_file: models.json\n");

            assertThat(loader.load(plan).models()).extracting(ModelSpec::alias).containsExactly("m1", "from-file");
        }

        @Test
        void a_duplicate_across_plan_and_file_names_where_the_first_one_is() throws IOException {
            write("models.json", "{\n  \"m1\": {}\n}");
            Path plan = write("p.yaml", MINIMAL + "models_file: models.json\n");

            PlanException e = catchThrowableOfType(PlanException.class, () -> loader.load(plan));

            assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.file()).isEqualTo(dir.resolve("models.json"));
                assertThat(p.line()).isEqualTo(2);
                assertThat(p.message()).isEqualTo("duplicate alias 'm1' (first at " + plan + ":5)");
            });
        }
    }

    @Nested
    class Snapshot_and_hash {

        @Test
        void the_snapshot_is_the_raw_text_before_interpolation() throws IOException {
            String raw = MINIMAL.replace("http://localhost:8080/v1", "${BASE}");
            Path file = write("p.yaml", raw);

            LoadedPlan loaded = PlanLoader.withEnvironment(Map.of("BASE", "http://secret-host:1/v1"))
                    .loadWithSnapshot(file);

            assertThat(loaded.rawText()).isEqualTo(raw).doesNotContain("secret-host");
            assertThat(loaded.plan().endpoints().getFirst().baseUrl()).hasHost("secret-host");
        }

        @Test
        void the_snapshot_carries_the_included_files_as_read() throws IOException {
            write("models.json", "{\"x\": {}}");
            write("prompts.json", "[\"hi\"]");
            Path file = write("p.yaml", """
                    endpoints: [{name: sim, type: simulated}]
                    prompts_file: prompts.json
                    models_file: models.json
                    """);

            LoadedPlan loaded = loader.loadWithSnapshot(file);

            assertThat(loaded.includedFiles()).extracting(LoadedPlan.IncludedFile::key, LoadedPlan.IncludedFile::rawText)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("models_file", "{\"x\": {}}"),
                            org.assertj.core.groups.Tuple.tuple("prompts_file", "[\"hi\"]"));
        }

        @Test
        void the_hash_does_not_depend_on_the_environment_or_the_file_name() throws IOException {
            String raw = MINIMAL.replace("http://localhost:8080/v1", "${BASE:-http://a:1/v1}");
            Path one = write("one.yaml", raw);
            Path two = write("two.yaml", raw);

            String h1 = loader.load(one).hash();
            String h2 = PlanLoader.withEnvironment(Map.of("BASE", "http://b:2/v1")).load(two).hash();

            assertThat(h1).isEqualTo(h2).matches("[0-9a-f]{64}");
        }

        @Test
        void the_hash_changes_with_the_plan_text_and_with_an_included_file() throws IOException {
            write("prompts.json", "[\"hi\"]");
            Path file = write("p.yaml", MINIMAL + "prompts_file: prompts.json\n");
            String before = loader.load(file).hash();

            write("prompts.json", "[\"hi there\"]");
            String afterInclude = loader.load(file).hash();
            write("p.yaml", MINIMAL + "prompts_file: prompts.json\n# a comment\n");
            String afterPlan = loader.load(file).hash();

            assertThat(afterInclude).isNotEqualTo(before);
            assertThat(afterPlan).isNotEqualTo(afterInclude).isNotEqualTo(before);
        }

        @Test
        void line_endings_do_not_change_the_hash() throws IOException {
            String unix = loader.load(write("a.yaml", MINIMAL)).hash();
            String windows = loader.load(write("b.yaml", MINIMAL.replace("\n", "\r\n"))).hash();

            assertThat(windows).isEqualTo(unix);
        }
    }

    @Test
    void all_validation_problems_are_reported_together_in_line_order() throws IOException {
        Path file = write("p.yaml", """
                endpoints:
                  - name: local
                    base_url: not a url
                models:
                  - alias: a/b
                    endpoint: nowhere
                prompts:
                  - id: q1
                run:
                  rounds: 0
                  surprise: true
                """);

        PlanException e = catchThrowableOfType(PlanException.class, () -> loader.load(file));

        assertThat(e.problems()).extracting(PlanProblem::line).containsExactly(3, 5, 6, 8, 10, 11);
        assertThat(e.getMessage()).startsWith("6 problems in plan:");
    }

    @Test
    void a_problem_reads_like_a_compiler_message() {
        PlanProblem p = new PlanProblem(Path.of("jobs/x.yaml"), 12, "models[2].alias",
                "duplicate alias 'phi' (first at line 8)");

        assertThat(p).hasToString("jobs/x.yaml:12: models[2].alias: duplicate alias 'phi' (first at line 8)");
        assertThat(new PlanProblem(Path.of("x.yaml"), null, null, "file not found"))
                .hasToString("x.yaml: file not found");
    }
}
