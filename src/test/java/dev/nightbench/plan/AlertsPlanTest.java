package dev.nightbench.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The plan's {@code alerts:} section: targets by kind, their URL's variable, the events they want. */
class AlertsPlanTest {

    @TempDir
    Path dir;

    private final PlanLoader loader = PlanLoader.withEnvironment(Map.of());

    private Path plan(String alerts) throws IOException {
        return Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: p, text: "Hi"}]
                """ + alerts);
    }

    private List<String> problems(String alerts) throws IOException {
        Path plan = plan(alerts);
        return catchThrowableOfType(PlanException.class, () -> loader.load(plan)).problems().stream()
                .map(PlanProblem::toString).toList();
    }

    @Test
    void noTargetsWhenNotGiven() throws IOException {
        assertThat(loader.load(plan("")).alerts()).isEqualTo(AlertsSpec.NONE);
    }

    @Test
    void readsEachTargetsKindVariableAndEventsAllEventsWhenOnIsLeftOut() throws IOException {
        AlertsSpec alerts = loader.load(plan("""
                alerts:
                  targets:
                    - {kind: slack, url_env: SLACK_WEBHOOK_URL, on: [regression, run_failed]}
                    - {kind: teams, url_env: TEAMS_WEBHOOK_URL}
                    - {kind: generic, url_env: HOOK, on: [model_failed]}
                """)).alerts();

        assertThat(alerts.targets()).containsExactly(
                new AlertsSpec.Target(AlertsSpec.Kind.SLACK, "SLACK_WEBHOOK_URL",
                        Set.of(AlertsSpec.Event.REGRESSION, AlertsSpec.Event.RUN_FAILED)),
                new AlertsSpec.Target(AlertsSpec.Kind.TEAMS, "TEAMS_WEBHOOK_URL", EnumSet.allOf(AlertsSpec.Event.class)),
                new AlertsSpec.Target(AlertsSpec.Kind.GENERIC, "HOOK", Set.of(AlertsSpec.Event.MODEL_FAILED)));
        assertThat(alerts.targets().get(2).wants(Set.of(AlertsSpec.Event.REGRESSION))).isFalse();
        assertThat(alerts.targets().get(2).wants(Set.of(AlertsSpec.Event.REGRESSION, AlertsSpec.Event.MODEL_FAILED)))
                .isTrue();
    }

    @Test
    void reportsEachBadFieldWithItsFileLineAndField() throws IOException {
        List<String> problems = problems("""
                alerts:
                  targets:
                    - {kind: email, url_env: HOOK}
                    - {kind: slack, url_env: "https://hooks.slack.com/services/T000/B000/secret-token"}
                    - {kind: teams, url_env: TEAMS, on: [regression, disaster]}
                    - {url_env: HOOK, on: []}
                """);

        assertThat(problems).hasSize(5);
        assertThat(problems.get(0)).contains("plan.yaml:6", "alerts.targets[0].kind",
                "must be one of generic, slack, teams, got text 'email'");
        assertThat(problems.get(1)).contains(":7", "alerts.targets[1].url_env",
                "must be the name of an environment variable").doesNotContain("hooks.slack.com", "secret-token");
        assertThat(problems.get(2)).contains(":8", "alerts.targets[2].on[1]",
                "must be one of regression, model_failed, run_failed, got text 'disaster'");
        assertThat(problems.get(3)).contains(":9", "alerts.targets[3].kind", "is missing");
        assertThat(problems.get(4)).contains(":9", "alerts.targets[3].on", "must be a non-empty list");
    }

    @Test
    void anEmptySectionAnUnknownKeyAndAMissingVariableAreProblems() throws IOException {
        assertThat(problems("alerts: {}\n")).singleElement()
                .satisfies(p -> assertThat(p).contains("alerts.targets", "needs at least one target"));
        assertThat(problems("alerts: {targets: [{kind: slack, url_env: S, channel: x}]}\n")).singleElement()
                .satisfies(p -> assertThat(p).contains("channel"));
        assertThat(problems("alerts: {targets: [{kind: slack}]}\n")).singleElement()
                .satisfies(p -> assertThat(p).contains("alerts.targets[0].url_env", "is missing"));
    }
}
