package dev.nightbench.plan;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI-compatible endpoint. The API key is never held here, only the NAME of the environment
 * variable that holds it, so a plan (and its stored snapshot) can never leak a key.
 *
 * @param name      endpoint name, referenced by models
 * @param baseUrl   base URL including the {@code /v1} path; null for the simulated endpoint
 * @param apiKeyEnv name of the environment variable holding the API key, or null for none
 * @param simulated true for Nightbench's built-in loopback simulated endpoint ({@code type: simulated})
 * @param connection this endpoint's connection policy, or null for the run's ({@code run.connection})
 * @param answers   simulated endpoint only: scripted answers by served model name, then prompt id; a model answers
 *                  its n-th request for a prompt (warm-up included) with the (n mod size)-th text; empty for none
 * @param verdicts  simulated endpoint only: a scripted judge's verdicts by served model name, then the judged answer's
 *                  text ({@value #ANY_ANSWER} for any other answer); the n-th time an answer is judged it gets the
 *                  (n mod size)-th verdict; empty for none
 * @param type      its {@code type:}: {@value #OPENAI} (the default), {@value #SIMULATED}, or a model provider's type
 *                  ({@code client/ModelProvider}, e.g. {@code gguf})
 * @param settings  a provider's {@code settings:} block as written (validated by the provider); empty for the built-in
 *                  types
 */
public record Endpoint(String name, URI baseUrl, String apiKeyEnv, boolean simulated, ConnectionPolicy connection,
                       Map<String, Map<String, List<String>>> answers, Map<String, Map<String, List<String>>> verdicts,
                       String type, Map<String, Object> settings) {

    public static final String OPENAI = "openai";
    public static final String SIMULATED = "simulated";

    /** The key of a scripted verdict for any answer without a verdict of its own. */
    public static final String ANY_ANSWER = "*";

    public Endpoint {
        answers = copy(answers);
        verdicts = copy(verdicts);
        type = type != null ? type : simulated ? SIMULATED : OPENAI;
        settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** A built-in type ({@value #OPENAI} or {@value #SIMULATED}, as {@code simulated} says). */
    public Endpoint(String name, URI baseUrl, String apiKeyEnv, boolean simulated, ConnectionPolicy connection,
                    Map<String, Map<String, List<String>>> answers, Map<String, Map<String, List<String>>> verdicts) {
        this(name, baseUrl, apiKeyEnv, simulated, connection, answers, verdicts, null, null);
    }

    /** Whether a model provider serves it (any type but the built-in {@value #OPENAI} and {@value #SIMULATED}). */
    public boolean provided() {
        return !type.equals(OPENAI) && !type.equals(SIMULATED);
    }

    /** Without a scripted judge. */
    public Endpoint(String name, URI baseUrl, String apiKeyEnv, boolean simulated, ConnectionPolicy connection,
                    Map<String, Map<String, List<String>>> answers) {
        this(name, baseUrl, apiKeyEnv, simulated, connection, answers, null);
    }

    private static Map<String, Map<String, List<String>>> copy(Map<String, Map<String, List<String>>> answers) {
        Map<String, Map<String, List<String>>> copy = new LinkedHashMap<>();
        if (answers != null) {
            answers.forEach((model, byPrompt) -> {
                Map<String, List<String>> inner = new LinkedHashMap<>();
                byPrompt.forEach((prompt, texts) -> inner.put(prompt, List.copyOf(texts)));
                copy.put(model, Collections.unmodifiableMap(inner));
            });
        }
        return Collections.unmodifiableMap(copy);
    }

    /** Without scripted answers. */
    public Endpoint(String name, URI baseUrl, String apiKeyEnv, boolean simulated, ConnectionPolicy connection) {
        this(name, baseUrl, apiKeyEnv, simulated, connection, null);
    }

    /** Following the run's connection policy. */
    public Endpoint(String name, URI baseUrl, String apiKeyEnv, boolean simulated) {
        this(name, baseUrl, apiKeyEnv, simulated, null);
    }

    /** The policy its requests use: its own, else the run's. */
    public ConnectionPolicy connection(RunParams run) {
        return connection != null ? connection : run.connection();
    }
}
