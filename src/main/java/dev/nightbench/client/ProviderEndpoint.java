package dev.nightbench.client;

import java.net.URI;
import java.util.List;

/**
 * One endpoint of the plan, as a {@link ModelProvider} opens it.
 *
 * @param name       the endpoint's name in the plan
 * @param type       its {@code type:}
 * @param settings   its {@code settings:} block, already validated (a getter that would report a problem throws)
 * @param baseUrl    its {@code base_url}, or null (only for a provider that {@link ModelProvider#takesBaseUrl takes one})
 * @param apiKey     the key read from its {@code api_key_env} variable, or null; never log or store it
 * @param models     the model names of the plan's models on this endpoint ({@code model:}, or the alias), in plan order
 * @param timeouts   the run's request limits
 * @param connection the endpoint's connection policy, for a provider that talks HTTP
 * @param clock      the nano-time source every timestamp reported to a {@link ResponseObserver} must come from
 */
public record ProviderEndpoint(String name, String type, ProviderSettings settings, URI baseUrl, String apiKey,
                               List<String> models, Timeouts timeouts, ConnectionPolicy connection, NanoClock clock) {

    public ProviderEndpoint {
        models = List.copyOf(models);
    }

    @Override
    public String toString() { // never the key
        return "ProviderEndpoint[" + name + ", type " + type + (baseUrl == null ? "" : ", " + baseUrl) + "]";
    }
}
