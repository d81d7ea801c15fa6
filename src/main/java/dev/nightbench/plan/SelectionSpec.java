package dev.nightbench.plan;

import java.util.List;
import java.util.Map;

/**
 * The plan's {@code selection:} section: which models are acceptable for the scenario (constraints on the
 * dimensions of the report's "Model selection" table) and how the acceptable ones are ranked (one dimension to
 * optimise, or weights over several). The dimensions' meaning (which column, whether lower is better) lives in the
 * report; the plan only keeps the vocabulary so a typo is found with its line before a night is spent.
 *
 * @param constraints by dimension (a {@link #CONSTRAINT_DIMENSIONS} name), in plan order
 * @param optimise    the goal (a {@link #GOALS} name) ranking the acceptable models, or null with weights
 * @param weights     by goal, or empty with {@code optimise}; neither given means every goal weighs 1
 */
public record SelectionSpec(Map<String, Constraint> constraints, String optimise, Map<String, Double> weights) {

    /** Constraint names: the table's columns. {@code licence} takes {@code allow:}, the others {@code min:}/{@code max:}. */
    public static final List<String> CONSTRAINT_DIMENSIONS = List.of("mean_e2e_ms", "p95_e2e_ms", "decode_tps",
            "memory_mb", "pass_rate", "judge_score", "disk_mb", "licence", "cost_per_1k");

    /** What can be optimised or weighted: the five numeric dimensions and cost. */
    public static final List<String> GOALS = List.of("latency", "throughput", "memory", "quality", "footprint", "cost");

    public SelectionSpec {
        constraints = constraints == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(constraints));
        weights = weights == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(weights));
    }

    /** One constraint: a range for a number ({@code min}/{@code max}, either may be null) or the licences allowed. */
    public record Constraint(Double min, Double max, List<String> allow) {
        public Constraint {
            allow = allow == null ? List.of() : List.copyOf(allow);
        }
    }
}
