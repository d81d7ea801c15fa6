package dev.nightbench.plan;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * One model to benchmark.
 *
 * @param alias               the name Nightbench stores and reports (unique in a plan)
 * @param endpoint            the endpoint name
 * @param model               the model id sent to the server (defaults to the alias)
 * @param capabilities        free-form tags from the plan (e.g. "chat", "code")
 * @param sizeMb              model size in MB, if known
 * @param priceInputPer1k     price per 1K prompt tokens, if known (for cost estimates)
 * @param priceOutputPer1k    price per 1K output tokens, if known
 * @param params              per-model request parameters overriding the run's (max_tokens, temperature, …)
 * @param load                the model's effective load: the plan's {@code load:} with the model's own keys
 *                            replacing the plan's; {@link LoadSpec#NONE} for no load cells
 */
public record ModelSpec(String alias, String endpoint, String model, List<String> capabilities, Integer sizeMb,
                        BigDecimal priceInputPer1k, BigDecimal priceOutputPer1k, Map<String, Object> params,
                        LoadSpec load) {

    public ModelSpec {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
        params = params == null ? Map.of() : Map.copyOf(params);
        if (model == null) {
            model = alias;
        }
        load = load == null ? LoadSpec.NONE : load;
    }

    /** A model without load cells. */
    public ModelSpec(String alias, String endpoint, String model, List<String> capabilities, Integer sizeMb,
                     BigDecimal priceInputPer1k, BigDecimal priceOutputPer1k, Map<String, Object> params) {
        this(alias, endpoint, model, capabilities, sizeMb, priceInputPer1k, priceOutputPer1k, params, null);
    }

    /** The temperature its requests are sent with: its own {@code params.temperature}, else the run's. */
    public double temperature(RunParams run) {
        return params.containsKey("temperature") ? ((Number) params.get("temperature")).doubleValue() : run.temperature();
    }

    /** The seed its requests are sent with: its own {@code params.seed}, else the run's; null when none is sent. */
    public Long seed(RunParams run) {
        return params.containsKey("seed") ? ((Number) params.get("seed")).longValue() : run.seed();
    }

    /** The same model with this load. */
    public ModelSpec withLoad(LoadSpec load) {
        return new ModelSpec(alias, endpoint, model, capabilities, sizeMb, priceInputPer1k, priceOutputPer1k, params,
                load);
    }
}
