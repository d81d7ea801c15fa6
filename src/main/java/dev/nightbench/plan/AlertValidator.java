package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawAlertTarget;
import dev.nightbench.plan.RawPlan.RawAlerts;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the plan's {@code alerts:} section: at least one target; each with a {@code kind} (generic, slack or
 * teams), a {@code url_env} that names an environment variable (a URL written there is refused without echoing it:
 * webhook URLs are secrets) and an optional {@code on:} list of events (all of them when left out).
 */
final class AlertValidator {

    private final Source plan;
    private final Problems problems;

    AlertValidator(Source plan, Problems problems) {
        this.plan = plan;
        this.problems = problems;
    }

    AlertsSpec alerts(RawAlerts raw) {
        if (raw == null) {
            return AlertsSpec.NONE;
        }
        FieldPath at = FieldPath.of("alerts", "targets");
        if (raw.targets() == null || raw.targets().isEmpty()) {
            problems.add(plan, at, "needs at least one target ({ kind: generic|slack|teams, url_env: NAME, on: ["
                    + AlertsSpec.Event.names() + "] }); remove alerts: for none");
            return AlertsSpec.NONE;
        }
        List<AlertsSpec.Target> targets = new ArrayList<>();
        for (int i = 0; i < raw.targets().size(); i++) {
            AlertsSpec.Target t = target(raw.targets().get(i), at.index(i));
            if (t != null) {
                targets.add(t);
            }
        }
        return new AlertsSpec(targets);
    }

    private AlertsSpec.Target target(RawAlertTarget raw, FieldPath at) {
        if (raw == null) {
            problems.add(plan, at, "is empty; a target needs kind and url_env");
            return null;
        }
        AlertsSpec.Kind kind = null;
        if (raw.kind() == null) {
            problems.add(plan, at.child("kind"), "is missing; one of " + AlertsSpec.Kind.names());
        } else {
            kind = AlertsSpec.Kind.of(String.valueOf(raw.kind())).orElse(null);
            if (kind == null) {
                problems.add(plan, at.child("kind"), "must be one of " + AlertsSpec.Kind.names() + ", got "
                        + CheckValidator.describe(raw.kind()));
            }
        }
        String urlEnv = urlEnv(raw.urlEnv(), at.child("url_env"));
        Set<AlertsSpec.Event> on = events(raw.on(), at.child("on"));
        return kind == null || urlEnv == null || on == null ? null : new AlertsSpec.Target(kind, urlEnv, on);
    }

    private String urlEnv(Object value, FieldPath at) {
        if (value == null) {
            problems.add(plan, at, "is missing: the name of the environment variable that holds the webhook URL");
            return null;
        }
        if (!(value instanceof String name) || !EnvInterpolator.VARIABLE_NAME.matcher(name).matches()) {
            // never echo the value: it may be the webhook URL itself, which is a secret
            problems.add(plan, at, "must be the name of an environment variable (letters, digits, _), not the URL: "
                    + "webhook URLs are secrets and are read from the environment only");
            return null;
        }
        return name;
    }

    private Set<AlertsSpec.Event> events(Object value, FieldPath at) {
        if (value == null) {
            return EnumSet.allOf(AlertsSpec.Event.class);
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            problems.add(plan, at, "must be a non-empty list of " + AlertsSpec.Event.names() + ", got "
                    + CheckValidator.describe(value));
            return null;
        }
        Set<AlertsSpec.Event> events = EnumSet.noneOf(AlertsSpec.Event.class);
        boolean ok = true;
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            AlertsSpec.Event e = item instanceof String s ? AlertsSpec.Event.of(s).orElse(null) : null;
            if (e == null) {
                problems.add(plan, at.index(i), "must be one of " + AlertsSpec.Event.names() + ", got "
                        + CheckValidator.describe(item));
                ok = false;
            } else {
                events.add(e);
            }
        }
        return ok ? events : null;
    }
}
