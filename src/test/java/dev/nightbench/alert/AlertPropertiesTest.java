package dev.nightbench.alert;

import dev.nightbench.plan.AlertsSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code nightbench.alerts.*}: defaults, the global targets, and a bad value failing at startup with its key. */
class AlertPropertiesTest {

    @Test
    void defaultsToNoTargetsAndFourAttemptsFromOneSecondUpToThirty() {
        assertThat(AlertProperties.DEFAULTS.targets()).isEmpty();
        assertThat(AlertProperties.DEFAULTS.attempts()).isEqualTo(4);
        assertThat(AlertProperties.DEFAULTS.backoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(AlertProperties.DEFAULTS.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(AlertProperties.DEFAULTS.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void globalTargetsBecomeThePlansTargetsAllEventsWhenOnIsLeftOut() {
        AlertProperties p = new AlertProperties(List.of(
                new AlertProperties.Target("slack", "SLACK_URL", List.of("regression", "run-failed")),
                new AlertProperties.Target("Teams", "TEAMS_URL", null)), null, null, null, null);

        assertThat(p.specs()).containsExactly(
                new AlertsSpec.Target(AlertsSpec.Kind.SLACK, "SLACK_URL",
                        Set.of(AlertsSpec.Event.REGRESSION, AlertsSpec.Event.RUN_FAILED)),
                new AlertsSpec.Target(AlertsSpec.Kind.TEAMS, "TEAMS_URL", EnumSet.allOf(AlertsSpec.Event.class)));
    }

    @Test
    void aBadValueNamesItsKeyAndNeverEchoesAUrl() {
        assertThatThrownBy(() -> targets(new AlertProperties.Target("email", "X", null)))
                .hasMessage("nightbench.alerts.targets[0].kind must be one of generic, slack, teams, got 'email'");
        assertThatThrownBy(() -> targets(new AlertProperties.Target("slack", "https://hooks.slack.com/services/T/B/tok",
                null))).hasMessageStartingWith("nightbench.alerts.targets[0].url-env must be the name of an environment")
                .message().doesNotContain("hooks.slack.com").doesNotContain("tok");
        assertThatThrownBy(() -> targets(new AlertProperties.Target("generic", "HOOK", List.of("always"))))
                .hasMessage("nightbench.alerts.targets[0].on must list regression, model_failed, run_failed, got 'always'");
        assertThatThrownBy(() -> new AlertProperties(null, 0, null, null, null))
                .hasMessage("nightbench.alerts.attempts must be from 1 to 10, got 0");
        assertThatThrownBy(() -> new AlertProperties(null, null, Duration.ZERO, null, null))
                .hasMessage("nightbench.alerts.backoff must be positive, got PT0S");
    }

    @Test
    void bindsFromEnvironmentVariablesAsTheReadmeWritesThem() {
        var env = new org.springframework.core.env.StandardEnvironment();
        env.getPropertySources().replace("systemEnvironment", new org.springframework.core.env.SystemEnvironmentPropertySource(
                "systemEnvironment",
                java.util.Map.of("NIGHTBENCH_ALERTS_TARGETS_0_KIND", "slack",
                        "NIGHTBENCH_ALERTS_TARGETS_0_URLENV", "SLACK_WEBHOOK_URL",
                        "NIGHTBENCH_ALERTS_TARGETS_0_ON_0", "regression",
                        "NIGHTBENCH_ALERTS_MAXBACKOFF", "5s")));
        org.springframework.boot.context.properties.source.ConfigurationPropertySources.attach(env);

        AlertProperties p = org.springframework.boot.context.properties.bind.Binder.get(env)
                .bind(AlertProperties.PREFIX, AlertProperties.class).get();

        assertThat(p.specs()).containsExactly(new AlertsSpec.Target(AlertsSpec.Kind.SLACK, "SLACK_WEBHOOK_URL",
                Set.of(AlertsSpec.Event.REGRESSION)));
        assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(5));
    }

    private static AlertProperties targets(AlertProperties.Target t) {
        return new AlertProperties(List.of(t), null, null, null, null);
    }
}
