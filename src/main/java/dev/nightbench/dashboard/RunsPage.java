package dev.nightbench.dashboard;

import java.util.List;
import java.util.Map;

import static dev.nightbench.dashboard.Html.a;
import static dev.nightbench.dashboard.Html.esc;

/** The runs list: newest first, with status, failed models, regressions, label and the links of each run. */
final class RunsPage {

    /** How many regressions a line names before "and N more". */
    static final int NAMED_REGRESSIONS = 3;

    private RunsPage() {
    }

    /**
     * @param regressions the named regressions of the runs that have some, by run id
     */
    static String body(List<DashboardQueries.RunLine> runs, Map<Long, List<String>> regressions, List<String> plans,
                       String plan, int limit) {
        StringBuilder h = new StringBuilder(32 * 1024);
        h.append("<p class=\"filters\">Plan: ").append(plan == null ? "<strong>all</strong>" : a("/", "all"));
        for (String p : plans) {
            h.append(" · ").append(p.equals(plan) ? "<strong>" + esc(p) + "</strong>"
                    : a(Html.path("/").queryParam("plan", p).encode().toUriString(), p));
        }
        h.append("</p>\n<form class=\"ab\" method=\"get\" action=\"/compare\">A/B of any two runs: A (baseline) "
                + "<input name=\"a\" size=\"6\" inputmode=\"numeric\" required> B (candidate) "
                + "<input name=\"b\" size=\"6\" inputmode=\"numeric\" required> <button>Compare</button></form>\n");
        if (runs.isEmpty()) {
            return h.append("<p class=\"empty\">No runs yet: start one with <code>nightbench run</code>, or give ")
                    .append("<code>serve</code> a schedule.</p>\n").toString();
        }
        h.append("<table class=\"runs\" id=\"runs\">\n<thead><tr><th>Run</th><th>Plan</th><th>Night</th><th>Label</th>")
                .append("<th>Status</th><th>Started (UTC)</th><th>Took</th><th>Failed models</th><th>Regressions</th>")
                .append("<th>Links</th></tr></thead>\n<tbody>\n");
        for (DashboardQueries.RunLine r : runs) {
            String report = "/runs/" + r.runId();
            h.append("<tr data-run=\"").append(r.runId()).append("\"><td class=\"num\">").append(a(report,
                    String.valueOf(r.runId()))).append("</td><td>").append(esc(r.planName()))
                    .append(r.simulated() ? " <span class=\"tag\">simulated</span>" : "").append("</td><td>")
                    .append(esc(r.runDate())).append("</td><td>").append(esc(r.label())).append("</td><td>")
                    .append("<span class=\"status status-").append(esc(r.status().toLowerCase(java.util.Locale.ROOT)))
                    .append("\">").append(esc(r.status())).append("</span></td><td>").append(Html.time(r.startedAt()))
                    .append("</td><td>").append(Html.duration(r.startedAt(), r.finishedAt())).append("</td><td>");
            h.append(r.failedModels().isEmpty() ? "" : "<span class=\"bad\">" + esc(String.join(", ", r.failedModels()))
                    + "</span>").append("</td><td class=\"regressions\">");
            List<String> named = regressions.getOrDefault(r.runId(), List.of());
            if (r.regressions() > 0) {
                h.append("<span class=\"bad\">").append(r.regressions()).append(" regressed</span>");
                if (!named.isEmpty()) {
                    h.append("<ul>");
                    named.stream().limit(NAMED_REGRESSIONS).forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
                    h.append("</ul>");
                    if (named.size() > NAMED_REGRESSIONS) {
                        h.append(a(report, "and " + (named.size() - NAMED_REGRESSIONS) + " more"));
                    }
                }
            } else if (r.baselineRun() != null && "COMPLETED".equals(r.status())) {
                h.append("<span class=\"good\">none</span>");
            }
            h.append("</td><td class=\"links\">").append(a(report, "report"));
            if (r.baselineRun() != null) {
                h.append(" · ").append(a(Html.path("/compare").queryParam("a", r.baselineRun())
                        .queryParam("b", r.runId()).toUriString(), "A/B vs " + r.baselineRun()));
            }
            h.append(" · ").append(a(Html.path("/trend").queryParam("plan", r.planName()).encode().toUriString(),
                    "trends")).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
        if (runs.size() == limit) {
            h.append("<p>").append(a(Html.path("/").queryParamIfPresent("plan", java.util.Optional.ofNullable(plan))
                    .queryParam("limit", limit * 2).encode().toUriString(), "Older runs")).append("</p>\n");
        }
        return h.toString();
    }
}
