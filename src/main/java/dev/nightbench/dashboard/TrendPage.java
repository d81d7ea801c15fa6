package dev.nightbench.dashboard;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import static dev.nightbench.dashboard.Html.a;
import static dev.nightbench.dashboard.Html.esc;

/**
 * A trend page: one metric of a plan's models over a date range, as an interactive chart (uPlot, drawn by
 * {@code trend.js} from the JSON this page carries; hovering shows each model's value and the run) and as a table
 * of the same numbers, for reading without a script and for copying.
 */
final class TrendPage {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the page shows. {@code models} empty means every model of the plan. */
    record Query(String plan, List<String> models, TrendMetric metric, LocalDate from, LocalDate to) {

        /** This page's address, with every choice spelled out, so a pasted link shows the same later. */
        String link() {
            var b = Html.path("/trend").queryParam("plan", plan);
            models.forEach(m -> b.queryParam("model", m));
            return b.queryParam("metric", metric.key()).queryParam("from", from).queryParam("to", to).encode()
                    .toUriString();
        }

        Query with(List<String> otherModels, TrendMetric otherMetric) {
            return new Query(plan, otherModels, otherMetric, from, to);
        }
    }

    private TrendPage() {
    }

    static String title(Query q) {
        return "Trend: " + q.metric().label() + " (" + q.metric().unit() + ") of plan " + q.plan()
                + (q.models().size() == 1 ? ", " + q.models().getFirst() : "");
    }

    static String body(Query q, List<String> plans, List<String> planModels, List<DashboardQueries.TrendPoint> points) {
        StringBuilder h = new StringBuilder(32 * 1024);
        controls(h, q, plans, planModels);
        // the runs in time order (x), the models in the plan's order (series)
        Map<Long, DashboardQueries.TrendPoint> runs = new LinkedHashMap<>();
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        Map<String, Map<Long, Double>> values = new HashMap<>();
        for (DashboardQueries.TrendPoint p : points) {
            runs.putIfAbsent(p.runId(), p);
            seen.add(p.modelAlias());
            values.computeIfAbsent(p.modelAlias(), k -> new HashMap<>()).put(p.runId(), p.value());
        }
        List<String> models = new ArrayList<>(planModels.stream().filter(seen::contains).toList());
        seen.stream().filter(m -> !models.contains(m)).forEach(models::add);
        h.append("<p class=\"range\">").append(runs.size()).append(" run(s) from ").append(q.from()).append(" to ")
                .append(q.to()).append(" (started, UTC); serial latency cells, all prompts pooled. ")
                .append(q.metric().higherIsBetter() ? "Higher is better." : "Lower is better.")
                .append(" Hover over the chart to read each model's value.</p>\n");
        if (runs.isEmpty()) {
            return h.append("<p class=\"empty\">No run of this plan has this figure in the range.</p>\n").toString();
        }
        h.append("<div id=\"trend-chart\" class=\"chart\"></div>\n<script type=\"application/json\" id=\"trend-data\">")
                .append(json(q, runs, models, values)).append("</script>\n");
        table(h, runs, models, values);
        return h.toString();
    }

    private static void controls(StringBuilder h, Query q, List<String> plans, List<String> planModels) {
        h.append("<form class=\"controls\" method=\"get\" action=\"/trend\">")
                .append("<label>Plan <select name=\"plan\">");
        for (String p : plans) {
            h.append("<option").append(p.equals(q.plan()) ? " selected" : "").append(" value=\"").append(esc(p))
                    .append("\">").append(esc(p)).append("</option>");
        }
        h.append("</select></label> <label>Metric <select name=\"metric\">");
        for (TrendMetric m : TrendMetric.values()) {
            h.append("<option").append(m == q.metric() ? " selected" : "").append(" value=\"").append(m.key())
                    .append("\">").append(esc(m.label() + " (" + m.unit() + ")")).append("</option>");
        }
        h.append("</select></label> <label>From <input type=\"date\" name=\"from\" value=\"").append(q.from())
                .append("\"></label> <label>To <input type=\"date\" name=\"to\" value=\"").append(q.to())
                .append("\"></label>");
        q.models().forEach(m -> h.append("<input type=\"hidden\" name=\"model\" value=\"").append(esc(m)).append("\">"));
        h.append(" <button>Show</button></form>\n<p class=\"choices\">Metric: ");
        for (TrendMetric m : TrendMetric.values()) {
            h.append(m == q.metric() ? "<strong>" + esc(m.label()) + "</strong>" : a(q.with(q.models(), m).link(),
                    m.label())).append(" · ");
        }
        h.setLength(h.length() - 3);
        h.append("</p>\n<p class=\"choices\">Model: ").append(q.models().isEmpty() ? "<strong>all</strong>"
                : a(q.with(List.of(), q.metric()).link(), "all"));
        for (String m : planModels) {
            boolean only = q.models().size() == 1 && q.models().getFirst().equals(m);
            h.append(" · ").append(only ? "<strong>" + esc(m) + "</strong>" : a(q.with(List.of(m), q.metric()).link(), m));
        }
        h.append("</p>\n");
    }

    /** The chart's data; {@code <}, {@code >} and {@code &} as JSON escapes, so no text can close the element. */
    static String json(Query q, Map<Long, DashboardQueries.TrendPoint> runs, List<String> models,
                       Map<String, Map<Long, Double>> values) {
        ObjectNode root = JSON.createObjectNode();
        root.put("metric", q.metric().key()).put("label", q.metric().label()).put("unit", q.metric().unit());
        ArrayNode x = root.putArray("x");
        ArrayNode runList = root.putArray("runs");
        for (DashboardQueries.TrendPoint r : runs.values()) {
            x.add(r.startedAt().toEpochMilli() / 1000.0);
            ObjectNode run = runList.addObject();
            run.put("id", r.runId()).put("night", r.runDate().toString()).put("started", Html.time(r.startedAt()))
                    .put("label", r.label()).put("status", r.status());
        }
        ArrayNode series = root.putArray("series");
        for (String m : models) {
            ObjectNode s = series.addObject();
            s.put("model", m);
            ArrayNode v = s.putArray("values");
            Map<Long, Double> byRun = values.getOrDefault(m, Map.of());
            runs.keySet().forEach(id -> {
                Double d = byRun.get(id);
                if (d == null || d.isNaN() || d.isInfinite()) {
                    v.addNull();
                } else {
                    v.add(d);
                }
            });
        }
        return JSON.writeValueAsString(root).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    private static void table(StringBuilder h, Map<Long, DashboardQueries.TrendPoint> runs, List<String> models,
                              Map<String, Map<Long, Double>> values) {
        h.append("<table class=\"trend\" id=\"trend-table\">\n<thead><tr><th>Run</th><th>Started (UTC)</th>")
                .append("<th>Label</th><th>Status</th>");
        models.forEach(m -> h.append("<th class=\"num\">").append(esc(m)).append("</th>"));
        h.append("</tr></thead>\n<tbody>\n");
        List<DashboardQueries.TrendPoint> newestFirst = new ArrayList<>(runs.values());
        java.util.Collections.reverse(newestFirst);
        for (DashboardQueries.TrendPoint r : newestFirst) {
            h.append("<tr><td class=\"num\">").append(a("/runs/" + r.runId(), String.valueOf(r.runId())))
                    .append("</td><td>").append(Html.time(r.startedAt())).append("</td><td>").append(esc(r.label()))
                    .append("</td><td>").append(esc(r.status())).append("</td>");
            for (String m : models) {
                h.append("<td class=\"num\">").append(Html.number(values.getOrDefault(m, Map.of()).get(r.runId())))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }
}
