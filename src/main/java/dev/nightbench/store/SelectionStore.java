package dev.nightbench.store;

import dev.nightbench.plan.CostSpec;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.SelectionSpec;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.Map;

/**
 * What the plan says about choosing a model, kept with the run (V17): each model's licence and effective cost
 * section on its {@code run_models} row, and the {@code selection:} section as {@code selection_rules}. Written in
 * the run's registration, so the report of any run can be regenerated with the scenario its plan had.
 */
final class SelectionStore {

    private SelectionStore() {
    }

    /** Called by {@link RunStore#register} once the run's models are inserted, in the same transaction. */
    static void register(JdbcClient jdbc, long runId, Plan plan) {
        for (ModelSpec m : plan.models()) {
            CostSpec c = m.cost();
            jdbc.sql("""
                            UPDATE run_models SET licence = ?, hardware_per_hour = ?, power_watts = ?, energy_per_kwh = ?,
                                cost_currency = ?
                            WHERE run_id = ? AND model_alias = ?""")
                    .params(m.licence(), c.hardwarePerHour(), c.powerWatts(), c.energyPerKwh(), c.currency(), runId,
                            m.alias())
                    .update();
        }
        SelectionSpec s = plan.selection();
        if (s == null) {
            return;
        }
        int ordinal = 0;
        for (Map.Entry<String, SelectionSpec.Constraint> e : s.constraints().entrySet()) {
            SelectionSpec.Constraint c = e.getValue();
            insert(jdbc, runId, "constraint", e.getKey(), c.min(), c.max(),
                    c.allow().isEmpty() ? null : c.allow().toArray(String[]::new), null, ordinal++);
        }
        if (s.optimise() != null) {
            insert(jdbc, runId, "optimise", s.optimise(), null, null, null, null, ordinal++);
        }
        for (Map.Entry<String, Double> w : s.weights().entrySet()) {
            insert(jdbc, runId, "weight", w.getKey(), null, null, null, w.getValue(), ordinal++);
        }
    }

    private static void insert(JdbcClient jdbc, long runId, String rule, String dimension, Double min, Double max,
                               String[] allowed, Double weight, int ordinal) {
        jdbc.sql("""
                        INSERT INTO selection_rules (run_id, rule, dimension, min_value, max_value, allowed, weight, ordinal)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(runId, rule, dimension, min, max, allowed, weight, ordinal).update();
    }
}
