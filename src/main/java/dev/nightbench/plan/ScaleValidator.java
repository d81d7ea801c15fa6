package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawScale;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks the plan's {@code scale:} section: {@code partition_by} is endpoint, model or cell (endpoint when
 * omitted), {@code workers} a whole number from 1 to {@value #MAX_WORKERS}, and {@code parallel_endpoints} names
 * endpoints of the plan, each once.
 */
final class ScaleValidator {

    static final int MAX_WORKERS = 256;

    private final Source plan;
    private final Problems problems;

    ScaleValidator(Source plan, Problems problems) {
        this.plan = plan;
        this.problems = problems;
    }

    ScaleSpec scale(RawScale raw, List<Endpoint> endpoints) {
        if (raw == null) {
            return ScaleSpec.NONE;
        }
        FieldPath at = FieldPath.of("scale");
        ScaleSpec.PartitionBy by = ScaleSpec.PartitionBy.ENDPOINT;
        if (raw.partitionBy() != null) {
            String v = String.valueOf(raw.partitionBy()).strip().toLowerCase(Locale.ROOT);
            if (ScaleSpec.PartitionBy.NAMES.contains(v)) {
                by = ScaleSpec.PartitionBy.valueOf(v.toUpperCase(Locale.ROOT));
            } else {
                problems.add(plan, at.child("partition_by"), "must be one of " + String.join(", ",
                        ScaleSpec.PartitionBy.NAMES) + ", got " + CheckValidator.describe(raw.partitionBy()));
            }
        }
        int workers = 1;
        if (raw.workers() != null) {
            if (raw.workers() instanceof Integer n && n >= 1 && n <= MAX_WORKERS) {
                workers = n;
            } else {
                problems.add(plan, at.child("workers"), "must be a whole number from 1 to " + MAX_WORKERS + ", got "
                        + CheckValidator.describe(raw.workers()));
            }
        }
        Set<String> parallel = new LinkedHashSet<>();
        if (raw.parallelEndpoints() != null) {
            if (!(raw.parallelEndpoints() instanceof List<?> names)) {
                problems.add(plan, at.child("parallel_endpoints"), "must be a list of endpoint names, got "
                        + CheckValidator.describe(raw.parallelEndpoints()));
            } else {
                List<String> known = endpoints.stream().map(Endpoint::name).toList();
                for (int i = 0; i < names.size(); i++) {
                    Object n = names.get(i);
                    FieldPath np = at.child("parallel_endpoints").index(i);
                    if (!(n instanceof String s) || !known.contains(s)) {
                        problems.add(plan, np, "no endpoint is named " + (n instanceof String s ? "'" + s + "'"
                                : CheckValidator.describe(n)) + "; endpoints: "
                                + String.join(", ", known));
                    } else if (!parallel.add(s)) {
                        problems.add(plan, np, "names endpoint '" + s + "' twice");
                    }
                }
            }
        }
        return new ScaleSpec(by, workers, parallel);
    }
}
