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

        public Clients(Map<String, ModelClient> byModel, AutoCloseable resources) {
            this(byModel, null, resources);
        }
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
        for (Endpoint endpoint : plan.endpoints()) {
            String baseUrl;
            if (endpoint.simulated()) {
                if (sim[0] == null) {
                    sim[0] = new SimulatedServer().withBuiltInModels().start();
                }
                scriptAnswers(sim[0], endpoint, plan);
                baseUrl = sim[0].baseUrl().toString();
            } else {
                baseUrl = endpoint.baseUrl().toString();
            }
            String key = endpoint.apiKeyEnv() == null ? null : env.apply(endpoint.apiKeyEnv());
            byEndpoint.put(endpoint.name(), new OpenAiModelClient(java.net.URI.create(baseUrl), key,
                    PlanToClient.timeouts(plan.run().timeouts()), PlanToClient.connection(endpoint.connection(plan.run())),
                    NanoClock.SYSTEM, Clock.systemUTC()));
        }
        Map<String, ModelClient> byModel = new HashMap<>();
        for (ModelSpec m : plan.models()) {
            byModel.put(m.alias(), byEndpoint.get(m.endpoint()));
        }
        ModelClient judge = plan.hasJudge() ? judgeClient(plan, sim[0]) : null;
        AutoCloseable resources = () -> {
            for (ModelClient c : byEndpoint.values()) {
                c.close();
            }
            if (judge != null) {
                judge.close();
            }
            if (sim[0] != null) {
                sim[0].close();
            }
        };
        return new Clients(byModel, judge, resources);
    }

    /**
     * The judge's own client, on its endpoint (the simulated one already started, for a simulated endpoint) with the
     * judge's timeouts ({@code judge.timeouts}, else the run's): a judge that is also a benchmarked model does not
     * share that model's client, so its calls never touch the benchmark's connections.
     */
    private ModelClient judgeClient(Plan plan, SimulatedServer sim) {
        Endpoint endpoint = plan.endpoint(plan.judge().endpoint()).orElseThrow(() -> new IllegalStateException(
                "the judge's endpoint '" + plan.judge().endpoint() + "' is not in the plan"));
        String baseUrl = endpoint.simulated() ? sim.baseUrl().toString() : endpoint.baseUrl().toString();
        String key = endpoint.apiKeyEnv() == null ? null : env.apply(endpoint.apiKeyEnv());
        var timeouts = plan.judge().timeouts() != null ? plan.judge().timeouts() : plan.run().timeouts();
        return new OpenAiModelClient(java.net.URI.create(baseUrl), key, PlanToClient.timeouts(timeouts),
                PlanToClient.connection(endpoint.connection(plan.run())), NanoClock.SYSTEM, Clock.systemUTC());
    }
}
