package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.TableBuilder;

import java.util.List;

import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Per prompt" section: the latency cells' figures per model and prompt.
 */
final class PromptsContent {

    private PromptsContent() {
    }

    static void prompts(ReportDocument doc, ReportData data) {
        doc.add(new ReportDocument.Heading(2, "Per prompt"));
        if (!data.loadLevels().isEmpty()) {
            doc.add(new ReportDocument.Paragraph(List.of(text("Latency cells; each load level's share per prompt is "
                    + "in summary.csv."))));
        }
        TableBuilder t = new TableBuilder().text("Model").text("Prompt").number("Avg Latency").number("p95")
                .number("TTFT p50").number("TPOT p50").number("decode_tps p50").number("Success");
        for (ReportData.ModelRow r : data.prompts()) {
            if (!r.serial()) {
                continue;
            }
            t.row(r.modelAlias() + Format.load(r.loadMode(), r.loadLevel()), r.promptId(), Format.ms(r.e2eMsMean()),
                    Format.ms(r.e2eMsP95()), Format.ms(r.ttftMsP50()), Format.ms(r.tpotMsP50()),
                    Format.num(r.decodeTpsP50()), Format.pct(r.successRate()));
        }
        doc.add(t.build());
    }
}
