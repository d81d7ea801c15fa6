package dev.nightbench.alert;

import dev.nightbench.plan.AlertsSpec;
import dev.nightbench.store.AlertStore;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The payloads' text for a person: untrusted text escaped or encoded, long lists cut in the chat payloads only. */
class AlertPayloadsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static RunAlert alert(int regressions, String reason) {
        List<AlertStore.Regression> rows = IntStream.range(0, regressions).mapToObj(i -> new AlertStore.Regression(
                "m" + i, i % 2 == 0 ? null : "p" + i, i == 0 ? "concurrency" : "serial", 4, "e2e_ms", null, 100.0,
                150.5, 50.5, 0.001)).toList();
        return new RunAlert(9, "nightly", null, LocalDate.of(2026, 12, 6), "FAILED",
                Set.of(AlertsSpec.Event.RUN_FAILED, AlertsSpec.Event.REGRESSION, AlertsSpec.Event.MODEL_FAILED), rows,
                List.of(new RunAlert.FailedModel("ghost", "failed", reason)), "models failed: ghost", null);
    }

    @Test
    void slackTextEscapesItsControlCharactersAndCutsLongListsWhileTheGenericPayloadKeepsEveryRow() {
        RunAlert a = alert(20, "HTTP 500 <b>&</b> from <!channel>");

        JsonNode slack = JSON.readTree(AlertPayloads.slack(a));
        JsonNode generic = JSON.readTree(AlertPayloads.generic(a));

        String failed = slack.get("blocks").get(4).get("text").get("text").asString();
        assertThat(failed).isEqualTo("*Failed models*\n• ghost (failed: HTTP 500 &lt;b&gt;&amp;&lt;/b&gt; from "
                + "&lt;!channel&gt;)");
        String regressions = slack.get("blocks").get(3).get("text").get("text").asString();
        assertThat(regressions.lines()).hasSize(1 + AlertPayloads.MAX_LINES + 1)
                .contains("• m0 @ concurrency 4 e2e_ms 100 -&gt; 150.5 (+50.5 %)", "• m1 prompt p1 e2e_ms 100 -&gt; "
                        + "150.5 (+50.5 %)", "• and 5 more (see the report)");
        assertThat(generic.get("regressions").size()).isEqualTo(20);
        assertThat(generic.get("failed_models").get(0).get("reason").asString())
                .isEqualTo("HTTP 500 <b>&</b> from <!channel>");
        assertThat(generic.get("label").isNull()).isTrue();
        assertThat(generic.get("report_path").isNull()).isTrue();
        assertThat(generic.get("events").toString()).isEqualTo("[\"regression\",\"model_failed\",\"run_failed\"]");
        assertThat(slack.get("text").asString()).isEqualTo("Nightbench: plan nightly run 9: failed, 20 regressions, "
                + "1 model failed");
    }

    @Test
    void teamsCardListsTheFailureAndTheFailedModels() {
        JsonNode card = JSON.readTree(AlertPayloads.teams(alert(1, "circuit breaker open")))
                .get("attachments").get(0).get("content");

        List<String> texts = card.get("body").valueStream().filter(n -> n.has("text"))
                .map(n -> n.get("text").asString()).toList();
        assertThat(texts).containsSequence("Run failed", "models failed: ghost").containsSequence("Failed models",
                "- ghost (failed: circuit breaker open)");
    }
}
