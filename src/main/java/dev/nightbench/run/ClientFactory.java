package dev.nightbench.run;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelProvider;
import dev.nightbench.client.ModelProviders;
import dev.nightbench.client.ProviderEndpoint;
import dev.nightbench.client.ProviderSettings;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ServerTokenizer;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.measure.PipelineRunner;
import dev.nightbench.measure.PlanToClient;
import dev.nightbench.plan.Endpoint;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.PipelineSpec;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.plan.Plan;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds one {@link ModelClient} per endpoint of a plan (shared by the endpoint's models, so connections are
 * reused), by the endpoint's {@code type:}: {@code openai} over HTTP, {@code simulated} (the built-in simulated endpoint,
 * started on loopback when the plan uses it), or a {@link ModelProvider}'s. API keys are read from the environment here
 * and nowhere else.
 */
public final class ClientFactory {

    private final Function<String, String> env;
    private final ModelProviders providers;

    public ClientFactory(Function<String, String> env) {
        this(env, ModelProviders.installed());
    }

    public ClientFactory(Function<String, String> env, ModelProviders providers) {
        this.env = env;
        this.providers = providers;
    }

    /** A provider's client for {@code endpoint}, serving {@code models}, with these limits. */
    private ModelClient provided(Plan plan, Endpoint endpoint, List<String> models, dev.nightbench.client.Timeouts limits) {
        ModelProvider provider = providers.get(endpoint.type()).orElseThrow(() -> new IllegalStateException(
                "no model provider serves the type '" + endpoint.type() + "' of endpoint '" + endpoint.name() + "'"));
        java.nio.file.Path planDir = plan.source() == null ? null : plan.source().toAbsolutePath().getParent();
        return provider.open(new ProviderEndpoint(endpoint.name(), endpoint.type(),
                new ProviderSettings(endpoint.settings(), planDir, ProviderSettings.Problems.THROW), endpoint.baseUrl(),
                apiKey(endpoint), models, limits, PlanToClient.connection(endpoint.connection(plan.run())),
                NanoClock.SYSTEM));
    }

    private String apiKey(Endpoint endpoint) {
        return endpoint.apiKeyEnv() == null ? null : env.apply(endpoint.apiKeyEnv());
    }

    /**
     * Clients by model alias, the judge's client (null when the plan has no judge), and the resources to close with
     * them.
     */
    public record Clients(Map<String, ModelClient> byModel, ModelClient judge, AutoCloseable resources,
                          Function<String, ServerTokenizer> tokenizers) {

        public Clients(Map<String, ModelClient> byModel, ModelClient judge, AutoCloseable resources) {
            this(byModel, judge, resources, endpoint -> null);
        }
    }

    /**
     * The endpoint's {@code answers:}: each served model says the given texts to the given prompts; a key
     * {@code <prompt id>@refine} scripts the refine conversations of that prompt ({@link #refineConversations}).
     */
    private static void scriptAnswers(SimulatedServer sim, Endpoint endpoint, Plan plan) {
        endpoint.answers().forEach((model, byPrompt) -> {
            Map<List<ChatMessage>, List<String>> byMessages = new LinkedHashMap<>();
            byPrompt.forEach((key, texts) -> {
                if (key.endsWith(PipelineSpec.REFINE_SUFFIX)) {
                    String promptId = key.substring(0, key.length() - PipelineSpec.REFINE_SUFFIX.length());
                    refineConversations(plan, endpoint, model, promptId).forEach(m -> byMessages.put(m, texts));
                } else {
                    plan.prompt(key).ifPresent(p -> byMessages.put(PlanToClient.messages(p), texts));
                }
            });
            sim.answers(model, byMessages);
        });
    }

    /**
     * A refine conversation holds the draft's text, so it is known before the run only for drafts that are scripted
     * too: for every pipeline whose refine model is {@code servedModel} on this endpoint, one conversation per text its
     * draft model is scripted to say to the prompt.
     */
    static List<List<ChatMessage>> refineConversations(Plan plan, Endpoint endpoint, String servedModel,
                                                       String promptId) {
        List<List<ChatMessage>> out = new java.util.ArrayList<>();
        PromptSpec prompt = plan.prompt(promptId).orElse(null);
        for (PipelineSpec pipeline : plan.pipelines()) {
            ModelSpec refine = plan.model(pipeline.refine()).orElseThrow();
            ModelSpec draft = plan.model(pipeline.draft()).orElseThrow();
            if (prompt == null || !refine.endpoint().equals(endpoint.name()) || !refine.model().equals(servedModel)) {
                continue;
            }
            List<String> drafts = plan.endpoint(draft.endpoint()).map(e -> e.answers()
                    .getOrDefault(draft.model(), Map.of()).getOrDefault(promptId, List.of())).orElse(List.of());
            for (String text : drafts) {
                out.add(PipelineRunner.refineMessages(pipeline, prompt, text));
            }
        }
        return out;
    }

    public Clients create(Plan plan) {
        SimulatedServer[] sim = new SimulatedServer[1];
        Map<String, ModelClient> byEndpoint = new LinkedHashMap<>();
        Map<String, String> baseUrls = new HashMap<>();
        for (Endpoint endpoint : plan.endpoints()) {
            String baseUrl;
            if (endpoint.provided()) {
                byEndpoint.put(endpoint.name(), provided(plan, endpoint, plan.models().stream()
                        .filter(m -> m.endpoint().equals(endpoint.name())).map(ModelSpec::model).distinct().toList(),
                        PlanToClient.timeouts(plan.run().timeouts())));
                continue;
            }
            if (endpoint.simulated()) {
                if (sim[0] == null) {
                    sim[0] = new SimulatedServer().withBuiltInModels().start();
                }
                scriptAnswers(sim[0], endpoint, plan);
                endpoint.verdicts().forEach(sim[0]::verdicts);
                baseUrl = sim[0].baseUrl().toString();
            } else {
                baseUrl = endpoint.baseUrl().toString();
            }
            baseUrls.put(endpoint.name(), baseUrl);
            byEndpoint.put(endpoint.name(), new OpenAiModelClient(java.net.URI.create(baseUrl), apiKey(endpoint),
                    PlanToClient.timeouts(plan.run().timeouts()), PlanToClient.connection(endpoint.connection(plan.run())),
                    NanoClock.SYSTEM, Clock.systemUTC()));
        }
        Map<String, ModelClient> byModel = new HashMap<>();
        for (ModelSpec m : plan.models()) {
            byModel.put(m.alias(), byEndpoint.get(m.endpoint()));
        }
        // the judge's own client: its timeouts are the judge's, and its calls never share a benchmarked connection
        ModelClient judge = null;
        if (plan.hasJudge()) {
            Endpoint endpoint = plan.endpoint(plan.judge().endpoint()).orElseThrow();
            judge = endpoint.provided()
                    ? provided(plan, endpoint, List.of(plan.judge().model()), PlanToClient.timeouts(plan.judge().timeouts()))
                    : new OpenAiModelClient(java.net.URI.create(baseUrls.get(endpoint.name())), apiKey(endpoint),
                    PlanToClient.timeouts(plan.judge().timeouts()), PlanToClient.connection(endpoint.connection(plan.run())),
                    NanoClock.SYSTEM, Clock.systemUTC());
        }
        ModelClient judgeClient = judge;
        AutoCloseable resources = () -> {
            for (ModelClient c : byEndpoint.values()) {
                c.close();
            }
            if (judgeClient != null) {
                judgeClient.close();
            }
            if (sim[0] != null) {
                sim[0].close();
            }
        };
        // each endpoint's /tokenize (llama.cpp, the simulated endpoint), made when first asked for (RunTokenizers)
        Map<String, ServerTokenizer> tokenizers = new java.util.concurrent.ConcurrentHashMap<>();
        Function<String, ServerTokenizer> tokenizerOf = name -> plan.endpoint(name).orElseThrow().provided() ? null
                : tokenizers.computeIfAbsent(name, n -> {
            Endpoint endpoint = plan.endpoint(n).orElseThrow();
            return new ServerTokenizer(java.net.URI.create(baseUrls.get(n)),
                    apiKey(endpoint), plan.run().timeouts().connect().plus(plan.run().timeouts().firstToken()));
        });
        return new Clients(byModel, judge, resources, tokenizerOf);
    }
}
