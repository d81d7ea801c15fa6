package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawSelection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the plan's {@code selection:} section: every constraint names a known dimension
 * ({@link SelectionSpec#CONSTRAINT_DIMENSIONS}) with {@code min}/{@code max} numbers (min not above max) or, for
 * {@code licence}, an {@code allow} list; {@code optimise} is one goal ({@link SelectionSpec#GOALS}) or
 * {@code weights} map goals to numbers 0 or more, not both, not all 0.
 */
final class SelectionValidator {

    private final Source plan;
    private final Problems problems;

    SelectionValidator(Source plan, Problems problems) {
        this.plan = plan;
        this.problems = problems;
    }

    /** The section, or null when the plan has none (or it has problems, which are reported). */
    SelectionSpec selection(RawSelection raw) {
        if (raw == null) {
            return null;
        }
        FieldPath at = FieldPath.of("selection");
        int before = problems.size();
        Map<String, SelectionSpec.Constraint> constraints = constraints(raw.constraints(), at.child("constraints"));
        String optimise = null;
        if (raw.optimise() != null) {
            optimise = goal(raw.optimise(), at.child("optimise"));
        }
        Map<String, Double> weights = weights(raw.weights(), at.child("weights"));
        if (raw.optimise() != null && raw.weights() != null) {
            problems.add(plan, at.child("weights"), "give either optimise: (one goal) or weights: (several), not both");
        }
        return problems.size() > before ? null : new SelectionSpec(constraints, optimise, weights);
    }

    private Map<String, SelectionSpec.Constraint> constraints(Object raw, FieldPath at) {
        Map<String, SelectionSpec.Constraint> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        if (!(raw instanceof Map<?, ?> map)) {
            problems.add(plan, at, "expected a mapping of dimension to {min:, max:} or {allow: [...]}, got "
                    + CheckValidator.describe(raw));
            return out;
        }
        map.forEach((k, v) -> {
            String name = String.valueOf(k);
            FieldPath cp = at.child(name);
            if (!SelectionSpec.CONSTRAINT_DIMENSIONS.contains(name)) {
                problems.add(plan, cp, "unknown dimension '" + name + "'; known: "
                        + String.join(", ", SelectionSpec.CONSTRAINT_DIMENSIONS));
                return;
            }
            if (!(v instanceof Map<?, ?> c) || c.isEmpty()) {
                problems.add(plan, cp, "licence".equals(name) ? "expected {allow: [mit, apache-2.0, ...]}, got "
                        + CheckValidator.describe(v) : "expected {min: N} and/or {max: N}, got " + CheckValidator.describe(v));
                return;
            }
            SelectionSpec.Constraint constraint = "licence".equals(name) ? licence(c, cp) : range(c, cp);
            if (constraint != null) {
                out.put(name, constraint);
            }
        });
        return out;
    }

    private SelectionSpec.Constraint licence(Map<?, ?> c, FieldPath at) {
        boolean ok = true;
        for (Object key : c.keySet()) {
            if (!"allow".equals(key)) {
                problems.add(plan, at.child(String.valueOf(key)), "licence takes only allow: [...], the licences"
                        + " acceptable here (min/max are for numbers)");
                ok = false;
            }
        }
        Object allow = c.get("allow");
        List<String> allowed = new ArrayList<>();
        if (allow instanceof List<?> list && !list.isEmpty()) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof String s && !s.isBlank()) {
                    allowed.add(s.strip().toLowerCase(Locale.ROOT));
                } else {
                    problems.add(plan, at.child("allow").index(i), "expected a licence such as mit, got "
                            + CheckValidator.describe(list.get(i)));
                    ok = false;
                }
            }
        } else if (allow != null || ok) {
            problems.add(plan, at.child("allow"), "expected a non-empty list of licences, got "
                    + CheckValidator.describe(allow));
            ok = false;
        }
        return ok ? new SelectionSpec.Constraint(null, null, allowed) : null;
    }

    private SelectionSpec.Constraint range(Map<?, ?> c, FieldPath at) {
        boolean ok = true;
        for (Object key : c.keySet()) {
            if (!"min".equals(key) && !"max".equals(key)) {
                problems.add(plan, at.child(String.valueOf(key)), "unknown key '" + key + "'; expected min and/or max"
                        + ("allow".equals(key) ? " (allow: is for licence)" : ""));
                ok = false;
            }
        }
        Double min = number(c.get("min"), at.child("min"));
        Double max = number(c.get("max"), at.child("max"));
        ok &= (c.get("min") == null || min != null) && (c.get("max") == null || max != null);
        if (min != null && max != null && min > max) {
            problems.add(plan, at.child("min"), "min " + min + " is above max " + max + "; no model could meet it");
            ok = false;
        }
        return ok ? new SelectionSpec.Constraint(min, max, null) : null;
    }

    private Map<String, Double> weights(Object raw, FieldPath at) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        if (!(raw instanceof Map<?, ?> map) || map.isEmpty()) {
            problems.add(plan, at, "expected a mapping of goal to weight, e.g. {latency: 2, quality: 3, cost: 1}, got "
                    + CheckValidator.describe(raw));
            return out;
        }
        map.forEach((k, v) -> {
            String name = String.valueOf(k);
            FieldPath wp = at.child(name);
            if (!SelectionSpec.GOALS.contains(name)) {
                problems.add(plan, wp, "unknown goal '" + name + "'; known: " + String.join(", ", SelectionSpec.GOALS));
                return;
            }
            Double w = number(v, wp);
            if (w != null && w < 0) {
                problems.add(plan, wp, "must be 0 or more, got " + v);
            } else if (w != null) {
                out.put(name, w);
            }
        });
        if (!out.isEmpty() && out.values().stream().allMatch(w -> w == 0)) {
            problems.add(plan, at, "every weight is 0; give at least one a positive weight");
        }
        return out;
    }

    private String goal(Object raw, FieldPath at) {
        if (raw instanceof String s && SelectionSpec.GOALS.contains(s.strip())) {
            return s.strip();
        }
        problems.add(plan, at, "expected one of " + String.join(", ", SelectionSpec.GOALS) + ", got "
                + CheckValidator.describe(raw));
        return null;
    }

    private Double number(Object v, FieldPath at) {
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        problems.add(plan, at, "expected a number, got " + CheckValidator.describe(v));
        return null;
    }
}
