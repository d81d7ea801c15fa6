package dev.nightbench.plan;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The plan's {@code alerts:} section: where a notification goes after a run, and for which events. A target names the
 * environment variable that holds its webhook URL ({@code url_env}), never the URL itself: Slack and Teams webhook URLs
 * are secrets, so they are read from the environment when the alert is sent and are never logged or stored.
 *
 * @param targets the plan's targets, in plan order; empty without an {@code alerts:} section
 */
public record AlertsSpec(List<Target> targets) {

    /** A plan without {@code alerts:}: no plan targets (the global {@code nightbench.alerts.*} still apply). */
    public static final AlertsSpec NONE = new AlertsSpec(List.of());

    public AlertsSpec {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** The payload a target receives. */
    public enum Kind {
        /** Nightbench's own JSON (README "Alerts", schema {@code nightbench.alert/1}). */
        GENERIC,
        /** A Slack incoming webhook: {@code {"text": ..., "blocks": [...]}}. */
        SLACK,
        /** A Microsoft Teams Workflows webhook: an Adaptive Card in a {@code "type": "message"} envelope. */
        TEAMS;

        /** The name a plan writes ({@code generic}, {@code slack}, {@code teams}). */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Kind> of(String value) {
            return Arrays.stream(values()).filter(k -> k.value().equals(value)).findFirst();
        }

        public static String names() {
            return Arrays.stream(values()).map(Kind::value).collect(Collectors.joining(", "));
        }
    }

    /** What happened in a run that a target may be told about. */
    public enum Event {
        /** A comparison with the baseline regressed ({@code run_regressions}). */
        REGRESSION,
        /** A model was unavailable or failed ({@code run_models.availability}). */
        MODEL_FAILED,
        /** The run itself ended FAILED. */
        RUN_FAILED;

        /** The name a plan writes ({@code regression}, {@code model_failed}, {@code run_failed}). */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Event> of(String value) {
            return Arrays.stream(values()).filter(e -> e.value().equals(value)).findFirst();
        }

        public static String names() {
            return Arrays.stream(values()).map(Event::value).collect(Collectors.joining(", "));
        }
    }

    /**
     * One webhook.
     *
     * @param kind   the payload it gets
     * @param urlEnv the environment variable holding its URL
     * @param on     the events it is told about (all of them when the plan does not say)
     */
    public record Target(Kind kind, String urlEnv, Set<Event> on) {

        public Target {
            if (kind == null || urlEnv == null || on == null || on.isEmpty()) {
                throw new IllegalArgumentException("an alert target needs a kind, url_env and at least one event");
            }
            on = Set.copyOf(EnumSet.copyOf(on));
        }

        /** True when any of {@code events} is one this target is told about. */
        public boolean wants(Set<Event> events) {
            return events.stream().anyMatch(on::contains);
        }
    }
}
