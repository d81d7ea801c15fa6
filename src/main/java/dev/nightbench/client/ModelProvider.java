package dev.nightbench.client;

import java.util.List;

/**
 * A model provider: what an endpoint's {@code type:} names. Nightbench has two built into its run wiring ({@code openai}:
 * any OpenAI-compatible server; {@code simulated}: its loopback simulator); every other type is a provider found at
 * start, either as a {@link java.util.ServiceLoader} service (a jar on the classpath with
 * {@code META-INF/services/dev.nightbench.client.ModelProvider}) or as a Spring bean of this type. Nightbench ships
 * {@code gguf} (a GGUF file run in-process through llama.cpp) the same way.
 *
 * <p>A provider reads its own {@code settings:} block of the endpoint through {@link ProviderSettings}: the same code
 * runs when the plan is validated (every problem is reported with the plan file, line and field, and nothing is loaded
 * or connected) and when the run opens the endpoint. Its {@link ModelClient} reports every response through the
 * {@link ResponseObserver} exactly as the built-in clients do, and throws {@link ModelClientException} with a
 * {@link FailureClass} on failure, so every figure of METRICS.md, the retries, the circuit breaker, restarts and
 * reports work for it unchanged. It must not retry on its own.
 */
public interface ModelProvider {

    /** The endpoint type it serves: lower-case letters, digits, '-' and '_', e.g. {@code gguf}. */
    String type();

    /** One line for {@code nightbench validate} and the error that lists the known types. */
    default String description() {
        return "";
    }

    /** Whether its endpoints take a {@code base_url} (and may take {@code api_key_env}); false: they must not. */
    default boolean takesBaseUrl() {
        return false;
    }

    /**
     * Reads the endpoint's settings, reporting each problem through {@link ProviderSettings#problem} (the typed getters
     * do so themselves). A setting it never reads is reported as unknown. Must not load a model or open a connection.
     */
    void checkSettings(ProviderSettings settings);

    /**
     * Checks one model of the plan that runs on an endpoint of this type ({@code model:} as the plan gives it, or its
     * alias); returns the problem, or null when there is none. The default takes any name.
     */
    default String checkModel(String model, ProviderSettings settings) {
        return null;
    }

    /** The client of one endpoint, shared by the endpoint's models; closed at the end of the run. */
    ModelClient open(ProviderEndpoint endpoint);

    /** The type names a provider may take: not the built-in ones. */
    List<String> BUILT_IN = List.of("openai", "simulated");
}
