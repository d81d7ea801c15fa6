package dev.nightbench.plan;


import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-data builders for plans, so tests elsewhere need no YAML. Defaults give a small valid plan on the
 * simulated endpoint: {@code aPlan().build()} has endpoint {@code sim}, model {@code sim-fast}, prompt
 * {@code capital}, and {@link RunParams#defaults()}.
 *
 * <pre>{@code
 * Plan plan = aPlan()
 *         .withEndpoint(anOpenAiEndpoint("local", "http://localhost:8080/v1"))
 *         .withModels(aModel().named("phi").on("local").withParam("top_p", 0.9))
 *         .withPrompts(aPrompt().withId("q1").withText("Hi"))
 *         .withRounds(1)
 *         .build();
 * }</pre>
 */
public final class PlanFixtures {

    private PlanFixtures() {
    }

    public static PlanBuilder aPlan() {
        return new PlanBuilder();
    }

    public static ModelBuilder aModel() {
        return new ModelBuilder();
    }

    public static PromptBuilder aPrompt() {
        return new PromptBuilder();
    }

    public static Endpoint aSimulatedEndpoint(String name) {
        return new Endpoint(name, null, null, true);
    }

    public static Endpoint anOpenAiEndpoint(String name, String baseUrl) {
        return new Endpoint(name, URI.create(baseUrl), null, false);
    }

    public static final class PlanBuilder {
        private String name = "fixture";
        private String description;
        private Path source = Path.of("jobs/fixture.yaml");
        private final List<Endpoint> endpoints = new ArrayList<>(List.of(aSimulatedEndpoint("sim")));
        private boolean endpointsReplaced;
        private final List<ModelBuilder> models = new ArrayList<>();
        private final List<PromptSpec> prompts = new ArrayList<>();
        private RunParams run = RunParams.defaults();
        private LoadSpec load;
        private Slo slo;
        private RetrySettings retry;

        public PlanBuilder named(String name) {
            this.name = name;
            return this;
        }

        public PlanBuilder describedAs(String description) {
            this.description = description;
            return this;
        }

        public PlanBuilder from(Path source) {
            this.source = source;
            return this;
        }

        /** Adds an endpoint; the first call replaces the default {@code sim} endpoint. */
        public PlanBuilder withEndpoint(Endpoint endpoint) {
            if (!endpointsReplaced) {
                endpoints.clear();
                endpointsReplaced = true;
            }
            endpoints.add(endpoint);
            return this;
        }

        public PlanBuilder withModels(ModelBuilder... builders) {
            models.addAll(List.of(builders));
            return this;
        }

        public PlanBuilder withModels(String... aliases) {
            for (String alias : aliases) {
                withModels(aModel().named(alias));
            }
            return this;
        }

        public PlanBuilder withPrompts(PromptBuilder... builders) {
            for (PromptBuilder b : builders) {
                prompts.add(b.build());
            }
            return this;
        }

        public PlanBuilder withRun(RunParams run) {
            this.run = run;
            return this;
        }

        public PlanBuilder withWarmup(int warmup) {
            return withRun(new RunParams(warmup, run.rounds(), run.maxTokens(), run.temperature(), run.seed(),
                    run.stream(), run.timeouts(), run.failAfter()));
        }

        public PlanBuilder withRounds(int rounds) {
            return withRun(new RunParams(run.warmup(), rounds, run.maxTokens(), run.temperature(), run.seed(),
                    run.stream(), run.timeouts(), run.failAfter()));
        }

        public PlanBuilder withMaxTokens(int maxTokens) {
            return withRun(new RunParams(run.warmup(), run.rounds(), maxTokens, run.temperature(), run.seed(),
                    run.stream(), run.timeouts(), run.failAfter()));
        }

        public PlanBuilder streaming(boolean stream) {
            return withRun(new RunParams(run.warmup(), run.rounds(), run.maxTokens(), run.temperature(), run.seed(),
                    stream, run.timeouts(), run.failAfter()));
        }

        /** The plan-level load section (models get their own through {@link ModelBuilder#withLoad}). */
        public PlanBuilder withLoad(LoadSpec load) {
            this.load = load;
            return this;
        }

        public PlanBuilder withSlo(Slo slo) {
            this.slo = slo;
            return this;
        }

        public PlanBuilder withRetry(RetrySettings retry) {
            this.retry = retry;
            return this;
        }

        public PlanBuilder withFailAfter(int failAfter) {
            return withRun(new RunParams(run.warmup(), run.rounds(), run.maxTokens(), run.temperature(), run.seed(),
                    run.stream(), run.timeouts(), failAfter));
        }

        public Plan build() {
            String defaultEndpoint = endpoints.getFirst().name();
            List<ModelSpec> m = (models.isEmpty() ? List.of(aModel()) : models).stream()
                    .map(b -> b.build(defaultEndpoint)).toList();
            List<PromptSpec> p = prompts.isEmpty() ? List.of(aPrompt().build()) : prompts;
            String hash = sha256(String.join("\n", name, String.valueOf(description), endpoints.toString(),
                    m.toString(), p.toString(), run.toString(), String.valueOf(load), String.valueOf(slo),
                    String.valueOf(retry)));
            return new Plan(name, source, endpoints, m, p, run, hash, description, load, slo, retry);
        }
    }

    public static final class ModelBuilder {
        private String alias = "sim-fast";
        private String endpoint;
        private String model;
        private List<String> capabilities = List.of("chat");
        private Integer sizeMb;
        private BigDecimal priceIn;
        private BigDecimal priceOut;
        private final Map<String, Object> params = new LinkedHashMap<>();
        private LoadSpec load;

        public ModelBuilder named(String alias) {
            this.alias = alias;
            return this;
        }

        /** The endpoint name; defaults to the plan's first endpoint. */
        public ModelBuilder on(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public ModelBuilder withModelId(String model) {
            this.model = model;
            return this;
        }

        public ModelBuilder withCapabilities(String... capabilities) {
            this.capabilities = List.of(capabilities);
            return this;
        }

        public ModelBuilder withSizeMb(int sizeMb) {
            this.sizeMb = sizeMb;
            return this;
        }

        public ModelBuilder withPrice(String inputPer1k, String outputPer1k) {
            this.priceIn = new BigDecimal(inputPer1k);
            this.priceOut = new BigDecimal(outputPer1k);
            return this;
        }

        public ModelBuilder withParam(String key, Object value) {
            params.put(key, value);
            return this;
        }

        /** The model's effective load (the plan-level section is not merged in by the builder). */
        public ModelBuilder withLoad(LoadSpec load) {
            this.load = load;
            return this;
        }

        public ModelSpec build() {
            return build("sim");
        }

        ModelSpec build(String defaultEndpoint) {
            return new ModelSpec(alias, endpoint == null ? defaultEndpoint : endpoint, model, capabilities, sizeMb,
                    priceIn, priceOut, params, load);
        }
    }

    public static final class PromptBuilder {
        private String id = "capital";
        private String text = "What is the capital of France?";
        private List<PromptMessage> messages = List.of();
        private String system;

        public PromptBuilder withId(String id) {
            this.id = id;
            return this;
        }

        public PromptBuilder withText(String text) {
            this.text = text;
            this.messages = List.of();
            return this;
        }

        public PromptBuilder withSystem(String system) {
            this.system = system;
            return this;
        }

        /** Alternating user/assistant turns, starting with the user. */
        public PromptBuilder withConversation(String... turns) {
            List<PromptMessage> m = new ArrayList<>();
            for (int i = 0; i < turns.length; i++) {
                m.add(new PromptMessage(i % 2 == 0 ? "user" : "assistant", turns[i]));
            }
            this.messages = m;
            this.text = null;
            return this;
        }

        public PromptSpec build() {
            return new PromptSpec(id, text, messages, system);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
