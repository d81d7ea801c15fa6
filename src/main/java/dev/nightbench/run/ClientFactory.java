package dev.nightbench.run;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.measure.PlanToClient;
import dev.nightbench.plan.Endpoint;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds one {@link ModelClient} per endpoint of a plan (shared by the endpoint's models, so connections are
 * reused), starting the built-in simulated endpoint on loopback when the plan uses it. API keys are read
 * from the environment here and nowhere else.
 */
public final class ClientFactory {

    private final Function<String, String> env;

    public ClientFactory(Function<String, String> env) {
        this.env = env;
    }

    /**
     * Clients by model alias, the judge's client (null when the plan has no judge), and the resources to close with
     * them.
     */
    public record Clients(Map<String, ModelClient> byModel, ModelClient judge, AutoCloseable resources) {
    }

    /** The endpoint's {@code answers:}: each served model says the given texts to the given prompts. */
    private static void scriptAnswers(SimulatedServer sim, Endpoint endpoint, Plan plan) {
        endpoint.answers().forEach((model, byPrompt) -> {
            Map<List<ChatMessage>, List<String>> byMessages = new LinkedHashMap<>();
            byPrompt.forEach((promptId, texts) -> plan.prompt(promptId)
                    .ifPresent(p -> byMessages.put(PlanToClient.messages(p), texts)));
            sim.answers(model, byMessages);
        });
    }

    public Clients create(Plan plan) {
        SimulatedServer[] sim = new SimulatedServer[1];
        Map<String, ModelClient> byEndpoint = new LinkedHashMap<>();
        Map<String, String> baseUrls = new HashMap<>();
        for (Endpoint endpoint : plan.endpoints()) {
            String baseUrl;
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
            String key = endpoint.apiKeyEnv() == null ? null : env.apply(endpoint.apiKeyEnv());
            byEndpoint.put(endpoint.name(), new OpenAiModelClient(java.net.URI.create(baseUrl), key,
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
            String key = endpoint.apiKeyEnv() == null ? null : env.apply(endpoint.apiKeyEnv());
            judge = new OpenAiModelClient(java.net.URI.create(baseUrls.get(endpoint.name())), key,
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
        return new Clients(byModel, judge, resources);
    }
}
