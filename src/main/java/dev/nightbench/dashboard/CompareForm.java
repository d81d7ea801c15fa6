package dev.nightbench.dashboard;

import java.util.List;

import static dev.nightbench.dashboard.Html.esc;

/** The A/B page before two runs are chosen: two lists of recent runs, A the baseline and B the candidate. */
final class CompareForm {

    private CompareForm() {
    }

    static String body(List<DashboardQueries.RunLine> runs) {
        if (runs.size() < 2) {
            return "<p class=\"empty\">An A/B comparison needs two runs; there are " + runs.size() + ".</p>\n";
        }
        StringBuilder h = new StringBuilder(16 * 1024);
        h.append("<p>Compares run B (the candidate) with run A (the baseline) with the nightly comparison's statistics, ")
                .append("on the models and prompts both runs have, as <code>nightbench compare A B</code> does. ")
                .append("The page's address is a link to paste.</p>\n<form class=\"ab\" method=\"get\" action=\"/compare\">");
        select(h, "a", "A (baseline)", runs, runs.get(1).runId());
        select(h, "b", "B (candidate)", runs, runs.get(0).runId());
        return h.append(" <button>Compare</button></form>\n").toString();
    }

    private static void select(StringBuilder h, String name, String label, List<DashboardQueries.RunLine> runs,
                               long selected) {
        h.append("<label>").append(esc(label)).append(" <select name=\"").append(name).append("\">");
        for (DashboardQueries.RunLine r : runs) {
            h.append("<option value=\"").append(r.runId()).append('"').append(r.runId() == selected ? " selected" : "")
                    .append('>').append(esc("run " + r.runId() + " · " + r.planName() + " · " + Html.time(r.startedAt())
                            + " · " + r.status() + (r.label() == null ? "" : " · " + r.label()))).append("</option>");
        }
        h.append("</select></label> ");
    }
}
