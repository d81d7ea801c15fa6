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
 * @param licence             the model's licence as the plan states it (an SPDX id such as mit), or null
 * @param cost                the model's effective {@code cost:} (plan, endpoint and model sections merged),
 *                            {@link CostSpec#NONE} when none is given
 * @param tokenizer           {@code tokenizer:}: how the model counts tokens ({@code server}: its server's
 *                            {@code /tokenize}; {@code cl100k_base}, {@code o200k_base}: OpenAI's encodings), used
 *                            where the server sends no usage ({@code tokens_source = 'tokenizer'}); null when unknown
 */
public record ModelSpec(String alias, String endpoint, String model, List<String> capabilities, Integer sizeMb,
                        BigDecimal priceInputPer1k, BigDecimal priceOutputPer1k, Map<String, Object> params,
                        LoadSpec load, String licence, CostSpec cost, String tokenizer) {

    /** {@code tokenizer: server}: the model's server counts with its own {@code POST /tokenize} (llama.cpp). */
    public static final String SERVER_TOKENIZER = "server";

    /** Without a {@code tokenizer:} (the constructor before it was added). */
    public ModelSpec(String alias, String endpoint, String model, List<String> capabilities, Integer sizeMb,
                     BigDecimal priceInputPer1k, BigDecimal priceOutputPer1k, Map<String, Object> params,
                     LoadSpec load, String licence, CostSpec cost) {
        this(alias, endpoint, model, capabilities, sizeMb, priceInputPer1k, priceOutputPer1k, params, load, licence,
                cost, null);
    }

    public ModelSpec {
        cost = cost == null ? CostSpec.NONE : cost;
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
        params = params == null ? Map.of() : Map.copyOf(params);
        if (model == null) {
            model = alias;
        }
        load = load == null ? LoadSpec.NONE : load;
    }

    /** A model without licence or cost (the constructor before they were added). */
    public ModelSpec(String alias, String endpoint, String model, List<String> capabilities, Integer sizeMb,
                     BigDecimal priceInputPer1k, BigDecimal priceOutputPer1k, Map<String, Object> params,
                     LoadSpec load) {
        this(alias, endpoint, model, capabilities, sizeMb, priceInputPer1k, priceOutputPer1k, params, load, null, null);
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
                load, licence, cost, tokenizer);
    }

    /** The same model with this effective cost section. */
    public ModelSpec withCost(CostSpec newCost) {
        return new ModelSpec(alias, endpoint, model, capabilities, sizeMb, priceInputPer1k, priceOutputPer1k, params,
                load, licence, newCost, tokenizer);
    }

    /** True when its cost comes from a price per token (a cloud model): the plan's hardware cost is not its. */
    public boolean priced() {
        return priceInputPer1k != null || priceOutputPer1k != null;
    }
}
