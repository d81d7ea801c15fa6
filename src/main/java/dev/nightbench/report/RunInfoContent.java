package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.TableBuilder;

import java.util.List;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.strong;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The top of a run's report, right under its title: the SIMULATED banner when the run measured the built-in
 * simulator, then the run metadata table (plan, hash, dates, status, host, endpoints, exit message). Kept apart
 * from {@link ReportContent} so the assembler only says what comes in which order.
 */
final class RunInfoContent {

    private RunInfoContent() {
    }

    /** The SIMULATED banner, when the run measured the built-in simulator. */
    static void banner(ReportDocument doc, ReportData.Run run) {
        if (run.simulated()) {
            doc.add(new ReportDocument.Note(List.of(strong("SIMULATED"), text(": measured against Nightbench's "
                    + "built-in simulated endpoint, not a real model server.")), true));
        }
    }

    static void metadata(ReportDocument doc, ReportData data) {
        ReportData.Run run = data.run();
        TableBuilder t = new TableBuilder().text(" ").text(" ");
        t.row("Plan", List.of(text(run.planName() + " "), code(run.planPath())));
        t.row("Plan hash", code(Format.shortHash(run.planHash())));
        t.row("Run date", run.runDate().toString());
        if (run.label() != null) {
            t.row("Label", run.label());
        }
        t.row("Status", run.status());
        t.row("Started", String.valueOf(run.startedAt()));
        t.row("Finished", run.finishedAt() == null ? Format.NONE : run.finishedAt().toString());
        t.row("Host", run.host());
        t.row("Nightbench", run.nightbenchVersion());
        t.row("Simulated", run.simulated() ? strong("yes: built-in simulated endpoint") : text("no"));
        for (ReportData.EndpointRow e : data.endpoints()) {
            t.row("Endpoint " + e.endpointName(), List.of(
                    e.baseUrl() == null ? text(e.simulated() ? "built-in simulated endpoint" : e.type() != null
                            ? "type " + e.type() : "—") : code(e.baseUrl()),
                    text(" (models: " + e.models() + (e.loadTimes() == null ? "" : "; model load time: " + e.loadTimes())
                            + ")")));
        }
        if (run.exitMessage() != null) {
            t.row("Exit message", run.exitMessage());
        }
        doc.add(t.build());
    }
}
