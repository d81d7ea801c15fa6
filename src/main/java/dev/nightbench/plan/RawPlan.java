package dev.nightbench.plan;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The plan file exactly as written: every field nullable, nothing checked yet. Record components map to
 * snake_case keys, and the keys a record declares are the only ones allowed in its section; so adding a
 * section such as {@code slo:} is one record here plus one component on {@code RawPlan}, and it is
 * parsed, located and checked for unknown keys without further change.
 */
record RawPlan(String name, String description, List<RawEndpoint> endpoints, List<RawModel> models,
               String modelsFile, String modelsEndpoint, List<RawPrompt> prompts, String promptsFile, RawRun run,
               RawLoad load, RawSlo slo, RawRetry retry, RawJudge judge, RawTelemetry telemetry, RawCost cost,
               RawSelection selection, List<RawPipeline> pipelines, Object promptsFrom, Object synthetic,
               Object sharedPrefix, RawAlerts alerts, RawScale scale) {

    /** {@code answers} and {@code verdicts} (simulated endpoints only) stay untyped: checked by {@link EndpointValidator}. */
    record RawEndpoint(String name, String type, String baseUrl, String apiKeyEnv, String connection, Object answers,
                       Object verdicts, RawCost cost, Object settings) {
    }

    record RawModel(String alias, String endpoint, String model, List<String> capabilities, Integer sizeMb,
                    RawPrice price, Map<String, Object> params, RawLoad load, String licence, RawCost cost,
                    String tokenizer) {
    }

    /** One entry of a workshop {@code models.json}; the alias is its key, the endpoint the plan's models_endpoint. */
    record RawFileModel(String model, List<String> capabilities, Integer sizeMb, RawPrice price,
                        Map<String, Object> params, String licence) {

        RawModel withAlias(String alias) {
            return new RawModel(alias, null, model, capabilities, sizeMb, price, params, null, licence, null, null);
        }
    }

    record RawPrice(@JsonProperty("input_per_1k") BigDecimal inputPer1k,
                    @JsonProperty("output_per_1k") BigDecimal outputPer1k) {
    }

    /** {@code expect} stays untyped: its entries have a shape per check kind, checked by {@link CheckValidator}. */
    record RawPrompt(String id, String text, String system, List<RawMessage> messages, Object expect, Object context,
                     Object reference, Object turns) {
    }

    record RawMessage(String role, String content) {
    }

    record RawRun(Integer warmup, Integer rounds, Integer maxTokens, Double temperature, Long seed, Boolean stream,
                  Integer failAfter, RawTimeouts timeouts, String connection, String answerMaxBytes) {
    }

    /** Durations stay text here so a bad one is reported with its line rather than failing the parse. */
    record RawTimeouts(String connect, String firstToken, String idle, String total) {
    }

    /** {@code load:} of the plan or of one model; durations stay text, as in {@link RawTimeouts}. */
    record RawLoad(List<Integer> concurrency, List<Double> rates, Integer requests, String duration, RawSweep sweep,
                   String promptsFrom) {
    }

    record RawSweep(String mode, Double start, Double factor, Double max, Integer requests, String duration) {
    }

    record RawSlo(Double ttftMs, Double tpotMs, Double e2eMs, Double maxErrorRate, Double percentile) {
    }

    /**
     * {@code retry:} by failure class. {@code http_4xx} is read only to say that it is never retried.
     */
    record RawRetry(@JsonProperty("default") RawRetryRule defaults, @JsonProperty("http_429") RawRetryRule http429,
                    @JsonProperty("http_5xx") RawRetryRule http5xx, RawRetryRule timeout, RawRetryRule connectError,
                    RawRetryRule truncatedStream, RawRetryRule invalidResponse,
                    @JsonProperty("http_4xx") Object http4xx) {
    }

    /** {@code judge:}; {@code sample} and {@code max_tokens} stay untyped so a wrong type is reported with its line. */
    record RawJudge(String model, String endpoint, Object sample, Object maxTokens, RawTimeouts timeouts,
                    List<RawCriterion> criteria) {
    }

    record RawCriterion(String name, String description) {
    }

    /** {@code telemetry:}; values stay untyped so a wrong type is reported with its line ({@link TelemetryValidator}). */
    record RawTelemetry(Object enabled, Object interval, Object nvidiaSmi) {
    }

    /** {@code cost:} of the plan, an endpoint or a model; untyped so a wrong type is reported with its line ({@link CostValidator}). */
    record RawCost(Object hardwarePerHour, Object powerWatts, Object energyPerKwh, Object currency) {
    }

    /** {@code selection:}; untyped below its keys, checked by {@link SelectionValidator}. */
    record RawSelection(Object constraints, Object optimise, Object weights) {
    }

    /** One of {@code pipelines:}; {@code escalate} stays untyped: a rule name, a mapping or a list ({@link PipelineValidator}). */
    record RawPipeline(String name, String draft, String refine, Object escalate, String refinePrompt) {
    }

    /** {@code scale:}; {@code workers} and {@code parallel_endpoints} untyped so a wrong type is reported with its line. */
    record RawScale(String partitionBy, Object workers, Object parallelEndpoints) {
    }

    record RawRetryRule(Integer attempts, String backoff, String maxBackoff) {
    }

    /** {@code alerts:}; values stay untyped so a wrong type is reported with its line ({@link AlertValidator}). */
    record RawAlerts(List<RawAlertTarget> targets) {
    }

    record RawAlertTarget(Object kind, Object urlEnv, Object on) {
    }
}
