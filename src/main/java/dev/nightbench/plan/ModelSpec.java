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
 */
public record ModelSpec(String alias, String endpoint, String model, List<String> capabilities, Integer sizeMb,
                        BigDecimal priceInputPer1k, BigDecimal priceOutputPer1k, Map<String, Object> params) {

    public ModelSpec {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
        params = params == null ? Map.of() : Map.copyOf(params);
        if (model == null) {
            model = alias;
        }
    }
}
