package dev.nightbench.alert;

import dev.nightbench.plan.AlertsSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Alerts for every plan, from {@code nightbench.alerts.*} (e.g. {@code NIGHTBENCH_ALERTS_TARGETS_0_KIND=slack},
 * {@code NIGHTBENCH_ALERTS_TARGETS_0_URLENV=SLACK_WEBHOOK_URL}: Spring drops the dashes), and how hard a webhook is
 * tried. A plan's own {@code alerts:} targets are added to these. Bad values fail at startup naming the key; the URL
 * itself is never a setting, only the name of the environment variable that holds it.
 *
 * @param targets     webhooks told about every plan's runs
 * @param attempts    HTTP requests per webhook at most (1 to 10, default 4): retried on 5xx, 429 and connection errors
 * @param backoff     the wait before the first retry, doubled before each further one (default 1s)
 * @param maxBackoff  the longest wait between two attempts, a {@code Retry-After} included (default 30s)
 * @param timeout     connect and response timeout of one request (default 10s)
 */
public record AlertProperties(List<Target> targets, Integer attempts, Duration backoff, Duration maxBackoff,
                              Duration timeout) {

    static final String PREFIX = "nightbench.alerts";
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** No global targets, the default retries. */
    public static final AlertProperties DEFAULTS = new AlertProperties(null, null, null, null, null);

    public AlertProperties {
        targets = targets == null ? List.of() : List.copyOf(targets);
        attempts = attempts == null ? 4 : attempts;
        backoff = backoff == null ? Duration.ofSeconds(1) : backoff;
        maxBackoff = maxBackoff == null ? Duration.ofSeconds(30) : maxBackoff;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException(PREFIX + ".attempts must be from 1 to 10, got " + attempts);
        }
        positive(backoff, "backoff");
        positive(maxBackoff, "max-backoff");
        positive(timeout, "timeout");
        for (int i = 0; i < targets.size(); i++) {
            toSpec(targets.get(i), PREFIX + ".targets[" + i + "]");
        }
    }

    /**
     * One global webhook, as written in the settings.
     *
     * @param kind   generic, slack or teams
     * @param urlEnv the environment variable holding the URL ({@code url-env})
     * @param on     regression, model_failed, run_failed; all when not given
     */
    public record Target(String kind, String urlEnv, List<String> on) {
    }

    /** The global targets as the plan's own type. */
    List<AlertsSpec.Target> specs() {
        List<AlertsSpec.Target> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            out.add(toSpec(targets.get(i), PREFIX + ".targets[" + i + "]"));
        }
        return out;
    }

    private static AlertsSpec.Target toSpec(Target t, String key) {
        if (t == null) {
            throw new IllegalArgumentException(key + " is empty; a target needs kind and url-env");
        }
        AlertsSpec.Kind kind = AlertsSpec.Kind.of(t.kind() == null ? null : t.kind().strip().toLowerCase())
                .orElseThrow(() -> new IllegalArgumentException(key + ".kind must be one of " + AlertsSpec.Kind.names()
                        + ", got " + (t.kind() == null ? "nothing" : "'" + t.kind() + "'")));
        if (t.urlEnv() == null || !VARIABLE_NAME.matcher(t.urlEnv()).matches()) {
            // never echo the value: it may be the webhook URL itself
            throw new IllegalArgumentException(key + ".url-env must be the name of an environment variable (letters, "
                    + "digits, _) that holds the webhook URL, never the URL itself");
        }
        Set<AlertsSpec.Event> on = EnumSet.noneOf(AlertsSpec.Event.class);
        if (t.on() == null || t.on().isEmpty()) {
            on = EnumSet.allOf(AlertsSpec.Event.class);
        } else {
            for (String name : t.on()) {
                String n = name == null ? "" : name.strip().toLowerCase().replace('-', '_');
                on.add(AlertsSpec.Event.of(n).orElseThrow(() -> new IllegalArgumentException(key + ".on must list "
                        + AlertsSpec.Event.names() + ", got '" + name + "'")));
            }
        }
        return new AlertsSpec.Target(kind, t.urlEnv(), on);
    }

    private static void positive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(PREFIX + "." + name + " must be positive, got " + d);
        }
    }
}
