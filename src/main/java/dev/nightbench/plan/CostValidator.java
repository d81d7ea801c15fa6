package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawCost;
import dev.nightbench.plan.RawPlan.RawEndpoint;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the {@code cost:} sections (of the plan, of an endpoint, of a model) and gives each model its effective one:
 * the plan's, with its endpoint's keys and then its own replacing the plan's. Numbers are 0 or more; a model's
 * power draw needs an energy price; all models' costs are in one currency, as a cheaper model must be cheaper in
 * the same money.
 */
final class CostValidator {

    private final Source plan;
    private final Problems problems;

    CostValidator(Source plan, Problems problems) {
        this.plan = plan;
        this.problems = problems;
    }

    /** One section as written, or null when it has problems (reported at {@code at}'s fields). */
    CostSpec section(RawCost raw, FieldPath at) {
        if (raw == null) {
            return null;
        }
        int before = problems.size();
        BigDecimal hardware = amount(raw.hardwarePerHour(), at.child("hardware_per_hour"));
        BigDecimal power = amount(raw.powerWatts(), at.child("power_watts"));
        BigDecimal energy = amount(raw.energyPerKwh(), at.child("energy_per_kwh"));
        String currency = null;
        if (raw.currency() != null) {
            if (raw.currency() instanceof String s && !s.isBlank() && s.strip().length() <= 12) {
                currency = s.strip();
            } else {
                problems.add(plan, at.child("currency"), "expected a currency such as EUR or USD, got "
                        + CheckValidator.describe(raw.currency()));
            }
        }
        return problems.size() > before ? null
                : new CostSpec(hardware, power == null ? null : power.doubleValue(), energy, currency);
    }

    /** The models with their effective cost; problems of the merged sections are reported at the plan's fields. */
    List<ModelSpec> effective(RawCost planCost, List<RawEndpoint> rawEndpoints, List<ModelSpec> models) {
        CostSpec global = section(planCost, FieldPath.of("cost"));
        Map<String, CostSpec> byEndpoint = new LinkedHashMap<>();
        Map<String, FieldPath> endpointAt = new LinkedHashMap<>();
        for (int i = 0; rawEndpoints != null && i < rawEndpoints.size(); i++) {
            RawEndpoint e = rawEndpoints.get(i);
            if (e != null && e.name() != null && e.cost() != null) {
                FieldPath at = FieldPath.of("endpoints", i, "cost");
                byEndpoint.put(e.name(), section(e.cost(), at));
                endpointAt.put(e.name(), at);
            }
        }
        List<ModelSpec> out = new ArrayList<>();
        Map<String, String> currencies = new LinkedHashMap<>();
        for (ModelSpec m : models) {
            CostSpec c = (global == null ? CostSpec.NONE : global).overriddenBy(byEndpoint.get(m.endpoint()))
                    .overriddenBy(m.cost());
            if (c.powerWatts() != null && c.energyPerKwh() == null && !m.priced()) {
                problems.add(plan, where(m, endpointAt), "model '" + m.alias() + "' has power_watts "
                        + c.powerWatts() + " but no energy_per_kwh to price it; give energy_per_kwh in a cost: section");
            }
            if (c.currency() != null && (m.priced() || c.costsTime())) {
                currencies.put(m.alias(), c.currency());
            }
            out.add(m.withCost(c));
        }
        if (currencies.values().stream().distinct().count() > 1) {
            problems.add(plan, FieldPath.of("cost", "currency"), "models are costed in different currencies ("
                    + currencies + "); costs are compared, so give one currency");
        }
        return out;
    }

    /** The plan's own cost section, else the endpoint's, for a problem of a merged section. */
    private FieldPath where(ModelSpec m, Map<String, FieldPath> endpointAt) {
        return plan.has(FieldPath.of("cost")) ? FieldPath.of("cost")
                : endpointAt.getOrDefault(m.endpoint(), FieldPath.of("models"));
    }

    private BigDecimal amount(Object value, FieldPath at) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            BigDecimal d = new BigDecimal(n.toString());
            if (d.signum() >= 0) {
                return d;
            }
            problems.add(plan, at, "must be 0 or more, got " + d.toPlainString());
            return null;
        }
        problems.add(plan, at, "expected a number, got " + CheckValidator.describe(value));
        return null;
    }
}
