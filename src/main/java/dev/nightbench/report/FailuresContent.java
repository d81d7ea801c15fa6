package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.TableBuilder;

import static dev.nightbench.report.ModelsContent.availability;

/**
 * The report's "Failed and skipped models" section: one row per model that failed or was skipped, with its counts
 * and reason; absent when every model ran.
 */
final class FailuresContent {

    private FailuresContent() {
    }

    static void failures(ReportDocument doc, ReportData data) {
        if (data.failures().isEmpty()) {
            return;
        }
        doc.add(new ReportDocument.Heading(2, "Failed and skipped models"));
        TableBuilder t = new TableBuilder().text("Model").text("Status").number("Failed requests")
                .number("Skipped requests").text("Reason");
        for (ReportData.Failure f : data.failures()) {
            t.row(f.modelAlias(), availability(f.availability()), String.valueOf(f.failedRequests()),
                    String.valueOf(f.skippedRequests()), f.reason());
        }
        doc.add(t.build());
    }
}
