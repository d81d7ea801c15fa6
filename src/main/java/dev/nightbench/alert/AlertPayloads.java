package dev.nightbench.alert;

import dev.nightbench.plan.AlertsSpec;
import dev.nightbench.store.AlertStore;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three payloads of a {@link RunAlert}, as JSON text:
 * <ul>
 *   <li>generic: Nightbench's own schema, {@code nightbench.alert/1} (README "Alerts"), every figure as a number;</li>
 *   <li>Slack: an incoming webhook's {@code {"text", "blocks"}} (the text is the notification's fallback), mrkdwn
 *       escaped as Slack asks ({@code & < >});</li>
 *   <li>Microsoft Teams: the {@code {"type": "message", "attachments": [...]}} envelope with one Adaptive Card
 *       (1.4), which the Teams Workflows "post to a channel when a webhook request is received" template accepts (the
 *       Office 365 connectors' MessageCard is retired with those connectors).</li>
 * </ul>
 * Lists are cut at {@link #MAX_LINES} lines in the chat payloads (Slack limits a section to 3,000 characters); the
 * generic payload carries them all.
 */
final class AlertPayloads {

    static final String SCHEMA = "nightbench.alert/1";
    static final int MAX_LINES = 15;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AlertPayloads() {
    }

    static String of(AlertsSpec.Kind kind, RunAlert alert) {
        return switch (kind) {
            case GENERIC -> generic(alert);
            case SLACK -> slack(alert);
            case TEAMS -> teams(alert);
        };
    }

    static String generic(RunAlert a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("run_id", a.runId());
        m.put("plan", a.plan());
        m.put("label", a.label());
        m.put("run_date", a.runDate() == null ? null : a.runDate().toString());
        m.put("status", a.status());
        m.put("events", a.events().stream().sorted().map(AlertsSpec.Event::value).toList());
        List<Map<String, Object>> regressions = new ArrayList<>();
        for (AlertStore.Regression r : a.regressions()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", r.modelAlias());
            row.put("prompt", r.promptId());
            row.put("load_mode", r.loadMode());
            row.put("load_level", r.loadLevel());
            row.put("metric", r.metric());
            row.put("criterion", r.criterion());
            row.put("baseline", r.baseline());
            row.put("current", r.current());
            row.put("change_pct", r.changePct());
            row.put("p_value", r.pValue());
            regressions.add(row);
        }
        m.put("regressions", regressions);
        List<Map<String, Object>> failed = new ArrayList<>();
        for (RunAlert.FailedModel f : a.failedModels()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", f.model());
            row.put("availability", f.availability());
            row.put("reason", f.reason());
            failed.add(row);
        }
        m.put("failed_models", failed);
        m.put("failure", a.failure());
        m.put("report_path", a.reportPath());
        m.put("summary", a.headline());
        return JSON.writeValueAsString(m);
    }

    static String slack(RunAlert a) {
        List<Object> blocks = new ArrayList<>();
        blocks.add(Map.of("type", "header", "text", Map.of("type", "plain_text",
                "text", cut(a.headline(), 150), "emoji", false)));
        blocks.add(section(fields(a).entrySet().stream()
                .map(e -> "*" + e.getKey() + ":* " + slackEscape(e.getValue())).toList(), ""));
        if (a.failure() != null) {
            blocks.add(section(List.of(slackEscape(cut(a.failure(), 2_500))), "*Run failed*\n"));
        }
        if (!a.regressions().isEmpty()) {
            blocks.add(section(bullets(a.regressions().stream().map(RunAlert::spoken).toList(), "• ",
                    AlertPayloads::slackEscape), "*Regressions*\n"));
        }
        if (!a.failedModels().isEmpty()) {
            blocks.add(section(bullets(a.failedModels().stream().map(AlertPayloads::failedLine).toList(), "• ",
                    AlertPayloads::slackEscape), "*Failed models*\n"));
        }
        if (a.reportPath() != null) {
            blocks.add(Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn",
                    "text", "Report: `" + slackEscape(a.reportPath()) + "`"))));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", a.headline());
        m.put("blocks", blocks);
        return JSON.writeValueAsString(m);
    }

    static String teams(RunAlert a) {
        List<Object> body = new ArrayList<>();
        body.add(Map.of("type", "TextBlock", "text", a.headline(), "size", "Large", "weight", "Bolder",
                "wrap", true, "style", "heading"));
        body.add(Map.of("type", "FactSet", "facts", fields(a).entrySet().stream()
                .map(e -> Map.of("title", e.getKey(), "value", e.getValue())).toList()));
        if (a.failure() != null) {
            body.add(heading("Run failed"));
            body.add(text(cut(a.failure(), 2_500)));
        }
        if (!a.regressions().isEmpty()) {
            body.add(heading("Regressions"));
            body.add(text(String.join("\n", bullets(a.regressions().stream().map(RunAlert::spoken).toList(), "- ",
                    s -> s))));
        }
        if (!a.failedModels().isEmpty()) {
            body.add(heading("Failed models"));
            body.add(text(String.join("\n", bullets(a.failedModels().stream().map(AlertPayloads::failedLine).toList(),
                    "- ", s -> s))));
        }
        if (a.reportPath() != null) {
            body.add(Map.of("type", "TextBlock", "text", "Report: " + a.reportPath(), "wrap", true,
                    "isSubtle", true, "size", "Small"));
        }
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        card.put("body", body);
        card.put("msteams", Map.of("width", "Full"));
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.put("contentUrl", null);
        attachment.put("content", card);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "message");
        m.put("summary", a.headline());
        m.put("attachments", List.of(attachment));
        return JSON.writeValueAsString(m);
    }

    /** The facts both chat payloads show: plan, run, label, date, status. */
    private static Map<String, String> fields(RunAlert a) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Plan", a.plan());
        f.put("Run", String.valueOf(a.runId()));
        if (a.label() != null) {
            f.put("Label", a.label());
        }
        if (a.runDate() != null) {
            f.put("Date", a.runDate().toString());
        }
        f.put("Status", a.status());
        return f;
    }

    private static String failedLine(RunAlert.FailedModel f) {
        return f.model() + " (" + f.availability() + (f.reason() == null ? "" : ": " + cut(f.reason(), 300)) + ")";
    }

    private static List<String> bullets(List<String> lines, String mark, java.util.function.UnaryOperator<String> esc) {
        List<String> out = new ArrayList<>();
        lines.stream().limit(MAX_LINES).forEach(l -> out.add(mark + esc.apply(l)));
        if (lines.size() > MAX_LINES) {
            out.add(mark + "and " + (lines.size() - MAX_LINES) + " more (see the report)");
        }
        return out;
    }

    private static Map<String, Object> section(List<String> lines, String title) {
        return Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", title + String.join("\n", lines)));
    }

    private static Map<String, Object> heading(String text) {
        return Map.of("type", "TextBlock", "text", text, "weight", "Bolder", "wrap", true, "spacing", "Medium");
    }

    private static Map<String, Object> text(String text) {
        return Map.of("type", "TextBlock", "text", text, "wrap", true);
    }

    /** Slack's mrkdwn control characters, escaped as its documentation asks. */
    static String slackEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
