package dev.nightbench.report;


import java.util.Locale;

/** Renders a run's report as Markdown. Every figure is named as in METRICS.md. */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(ReportData data) {
        ReportData.Run run = data.run();
        StringBuilder md = new StringBuilder();
        md.append("# Nightbench run ").append(run.runId()).append(": ").append(cell(run.planName())).append("\n\n");
        if (run.simulated()) {
            md.append("> **SIMULATED**: measured against Nightbench's built-in simulated endpoint, not a real model server.\n\n");
        }
        md.append("| | |\n|---|---|\n");
        md.append("| Plan | `").append(cell(run.planPath())).append("` |\n");
        md.append("| Plan hash | `").append(run.planHash(), 0, Math.min(16, run.planHash().length())).append("` |\n");
        md.append("| Run date | ").append(run.runDate()).append(" |\n");
        if (run.label() != null) {
            md.append("| Label | ").append(cell(run.label())).append(" |\n");
        }
        md.append("| Status | ").append(run.status()).append(" |\n");
        md.append("| Started | ").append(run.startedAt()).append(" |\n");
        md.append("| Finished | ").append(run.finishedAt() == null ? "—" : run.finishedAt()).append(" |\n");
        md.append("| Host | ").append(cell(run.host())).append(" |\n");
        md.append("| Nightbench | ").append(cell(run.nightbenchVersion())).append(" |\n\n");

        md.append("## Models\n\n");
        md.append("Latencies over successful measured requests (warm-up excluded); p = percentile (linear interpolation).\n\n");
        md.append("|Model|Avg Latency (e2e_ms mean)|p95 (e2e_ms)|TPS (decode_tps p50)|TTFT p50|TTFT p95|TPOT p50|e2e_tps mean|Success|Requests|Output tokens|Est. cost|Cold start|Status|\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (ReportData.ModelRow r : data.models()) {
            md.append('|').append(cell(r.modelAlias())).append(load(r))
                    .append('|').append(ms(r.e2eMsMean())).append('|').append(ms(r.e2eMsP95()))
                    .append('|').append(num(r.decodeTpsP50())).append('|').append(ms(r.ttftMsP50()))
                    .append('|').append(ms(r.ttftMsP95())).append('|').append(ms(r.tpotMsP50()))
                    .append('|').append(num(r.e2eTpsMean())).append('|').append(pct(r.successRate()))
                    .append('|').append(r.okRequests()).append('/').append(r.requests())
                    .append('|').append(r.outputTokens() == null ? "—" : r.outputTokens())
                    .append('|').append(cost(r.costEstimate())).append('|').append(ms(r.coldStartMs()))
                    .append('|').append(status(r.availability())).append("|\n");
        }
        md.append('\n');

        if (!data.failures().isEmpty()) {
            md.append("## Failed and skipped models\n\n|Model|Status|Failed requests|Skipped requests|Reason|\n|---|---|---:|---:|---|\n");
            for (ReportData.Failure f : data.failures()) {
                md.append('|').append(cell(f.modelAlias())).append('|').append(status(f.availability()))
                        .append('|').append(f.failedRequests()).append('|').append(f.skippedRequests())
                        .append('|').append(cell(f.reason())).append("|\n");
            }
            md.append('\n');
        }

        md.append("## Per prompt\n\n|Model|Prompt|Avg Latency|p95|TTFT p50|TPOT p50|decode_tps p50|Success|\n|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (ReportData.ModelRow r : data.prompts()) {
            md.append('|').append(cell(r.modelAlias())).append(load(r)).append('|').append(cell(r.promptId()))
                    .append('|').append(ms(r.e2eMsMean())).append('|').append(ms(r.e2eMsP95()))
                    .append('|').append(ms(r.ttftMsP50())).append('|').append(ms(r.tpotMsP50()))
                    .append('|').append(num(r.decodeTpsP50())).append('|').append(pct(r.successRate())).append("|\n");
        }
        md.append("\nFigures are defined in METRICS.md: TTFT = t0 to the first content token; TPOT = (e2e − TTFT) / (output tokens − 1); "
                + "decode_tps = its inverse in tokens/s; e2e_tps = output tokens / e2e.\n");
        return md.toString();
    }

    private static String load(ReportData.ModelRow r) {
        return "serial".equals(r.loadMode()) ? "" : " @ " + r.loadMode() + " " + num(r.loadLevel());
    }

    private static String status(String availability) {
        return switch (availability == null ? "" : availability) {
            case "failed" -> "**FAILED**";
            case "unavailable" -> "**UNAVAILABLE**";
            case "available" -> "ok";
            default -> availability;
        };
    }

    /** Escapes text for a Markdown table cell (and HTML that a renderer might pass through). */
    static String cell(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
                .replace("\r", " ").replace("\n", " ");
    }

    static String ms(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.1f ms", v);
    }

    static String num(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String num(double v) {
        return String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f" : "%.2f", v);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.0f%%", v * 100);
    }

    static String cost(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.4f", v);
    }

}
