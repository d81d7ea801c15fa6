package dev.nightbench.plan;

import dev.nightbench.client.ModelProvider;
import dev.nightbench.client.ModelProviders;
import dev.nightbench.client.ProviderSettings;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model provider's part of the plan: its endpoint's {@code settings:} block and the names of the models that run on
 * it, each checked by the provider itself ({@link ModelProvider#checkSettings}, {@link ModelProvider#checkModel}) and
 * reported with the plan's file, line and field like every other problem.
 */
final class ProviderChecks {

    private final Source plan;
    private final Problems problems;
    private final ModelProviders registry;

    ProviderChecks(Source plan, Problems problems, ModelProviders registry) {
        this.plan = plan;
        this.problems = problems;
        this.registry = registry;
    }

    ModelProviders registry() {
        return registry;
    }

    /** ", or a model provider's: gguf (...), ..." for the unknown-type message; empty without providers. */
    String typesText() {
        if (registry.types().isEmpty()) {
            return "";
        }
        List<String> types = registry.all().stream().map(p -> p.type()
                + (p.description().isBlank() ? "" : " (" + p.description() + ")")).toList();
        return ", or a model provider's: " + String.join(", ", types);
    }

    private Path planDir() {
        return plan.file() == null ? null : plan.file().toAbsolutePath().getParent();
    }

    /** The endpoint's settings as the provider accepts them, or null after a problem. */
    Map<String, Object> settings(Object raw, ModelProvider provider, FieldPath at) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (raw != null) {
            if (!(raw instanceof Map<?, ?> map)) {
                problems.add(plan, at, "expected a mapping of " + provider.type() + " settings, got "
                        + CheckValidator.describe(raw));
                return null;
            }
            map.forEach((k, v) -> values.put(String.valueOf(k), v));
        }
        ProviderSettings settings = settings(values, at);
        provider.checkSettings(settings);
        List<String> unknown = settings.unread();
        for (String key : unknown) {
            problems.add(plan, at.child(key), "unknown setting of an endpoint of type '" + provider.type() + "'"
                    + (provider.description().isBlank() ? "" : " (" + provider.description() + ")"));
        }
        return settings.failed() || !unknown.isEmpty() ? null : values;
    }

    private ProviderSettings settings(Map<String, Object> values, FieldPath at) {
        return new ProviderSettings(values, planDir(), (key, message) -> problems.add(plan,
                key == null ? at : at.child(key), message));
    }

    /** Each model on a provider's endpoint is one the provider can run ({@link ModelProvider#checkModel}). */
    void models(RawPlan raw, List<Endpoint> endpoints, List<ModelSpec> models) {
        for (ModelSpec m : models) {
            Endpoint e = endpoints.stream().filter(x -> x.name().equals(m.endpoint())).findFirst().orElse(null);
            ModelProvider provider = e == null || !e.provided() ? null : registry.get(e.type()).orElse(null);
            if (provider == null) {
                continue;
            }
            String problem = provider.checkModel(m.model(), new ProviderSettings(e.settings(), planDir(),
                    ProviderSettings.Problems.THROW));
            if (problem != null) {
                problems.add(plan, modelField(raw, m.alias()), "model '" + m.model() + "' on endpoint '" + e.name()
                        + "' (type " + e.type() + "): " + problem);
            }
        }
    }

    private static FieldPath modelField(RawPlan raw, String alias) {
        List<RawPlan.RawModel> list = raw.models() == null ? List.of() : raw.models();
        for (int i = 0; i < list.size(); i++) {
            RawPlan.RawModel m = list.get(i);
            if (m != null && alias.equals(m.alias())) {
                return FieldPath.of("models").index(i).child(m.model() == null ? "alias" : "model");
            }
        }
        return FieldPath.of("models_file");
    }
}
