package dev.nightbench.report;

import java.util.List;

import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Sample answers" section: one stored answer per model, cut short and shown as the untrusted plain text
 * it is.
 */
final class SamplesContent {

    /** Sample answers are cut to this many characters. */
    static final int SAMPLE_CHARS = 600;

    private SamplesContent() {
    }

    static void samples(ReportDocument doc, ReportData data) {
        if (data.samples().isEmpty()) {
            return;
        }
        doc.add(new ReportDocument.Heading(2, "Sample answers"));
        doc.add(new ReportDocument.Paragraph(List.of(text("One answer per model (its first successful measured "
                + "request, as stored: a prefix, cut here to " + SAMPLE_CHARS + " characters). Model output is "
                + "untrusted and shown as plain text."))));
        for (ReportData.SampleAnswer s : data.samples()) {
            String answer = s.responsePrefix();
            if (answer.length() > SAMPLE_CHARS) {
                answer = answer.substring(0, SAMPLE_CHARS) + " …";
            }
            doc.add(new ReportDocument.Quote(s.modelAlias() + " on prompt " + s.promptId(), answer));
        }
    }
}
