package dev.nightbench.alert;

import dev.nightbench.plan.AlertsSpec;
import dev.nightbench.store.AlertStore;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * What an alert after a run says, whatever the payload: the run, what happened ({@link AlertsSpec.Event}s), its
 * regressions, its failed models and where its report is.
 *
 * @param status      the run's status as {@code runs.status} has it (COMPLETED, FAILED)
 * @param failure     why the run failed, or null
 * @param reportPath  the run's report directory, or null when no report was written (a failed run)
 */
record RunAlert(long runId, String plan, String label, LocalDate runDate, String status, Set<AlertsSpec.Event> events,
                List<AlertStore.Regression> regressions, List<FailedModel> failedModels, String failure,
                String reportPath) {

    RunAlert {
        events = Set.copyOf(events);
        regressions = List.copyOf(regressions);
        failedModels = List.copyOf(failedModels);
    }

    /**
     * A model that did not run to the end.
     *
     * @param availability unavailable (its endpoint did not list it) or failed (its circuit breaker opened)
     */
    record FailedModel(String model, String availability, String reason) {
    }

    /** One line for a person: "Nightbench: plan P run 12 (label) regressed, 1 model failed". */
    String headline() {
        StringBuilder s = new StringBuilder("Nightbench: plan ").append(plan).append(" run ").append(runId);
        if (label != null) {
            s.append(" (").append(label).append(')');
        }
        List<String> parts = new java.util.ArrayList<>();
        if (events.contains(AlertsSpec.Event.RUN_FAILED)) {
            parts.add("failed");
        }
        if (!regressions.isEmpty()) {
            parts.add(regressions.size() + (regressions.size() == 1 ? " regression" : " regressions"));
        }
        if (!failedModels.isEmpty()) {
            parts.add(failedModels.size() + (failedModels.size() == 1 ? " model failed" : " models failed"));
        }
        return s.append(": ").append(String.join(", ", parts)).toString();
    }

    /** "sim-medium prompt sum ttft_ms 12.1 -> 30.4 (+151.2 %)", with the load level when not serial. */
    static String spoken(AlertStore.Regression r) {
        StringBuilder s = new StringBuilder(r.modelAlias());
        if (r.promptId() != null) {
            s.append(" prompt ").append(r.promptId());
        }
        if (!"serial".equals(r.loadMode())) {
            s.append(" @ ").append(r.loadMode()).append(' ').append(number(r.loadLevel()));
        }
        s.append(' ').append(r.metric());
        if (r.criterion() != null) {
            s.append(' ').append(r.criterion());
        }
        s.append(' ').append(number(r.baseline())).append(" -> ").append(number(r.current()));
        if (r.changePct() != null) {
            s.append(" (").append(r.changePct() >= 0 ? "+" : "").append(String.format(java.util.Locale.ROOT, "%.1f",
                    r.changePct())).append(" %)");
        }
        return s.toString();
    }

    /** A figure as a person reads it: four significant digits, no trailing zeros (150.5, 12.35, 0.25, 1235). */
    static String number(Double d) {
        if (d == null) {
            return "n/a";
        }
        if (d.isNaN() || d.isInfinite()) {
            return d.toString();
        }
        return new java.math.BigDecimal(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
