package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.TableBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.ArrayList;
import java.util.List;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Lengths" section, only for a run with prompts made for a length ({@code synthetic:}, issue 14): per
 * model and prompt source, the output length asked for (each prompt's {@code max_tokens}) against the one written
 * (mean, p50, p95, and the share of answers that reached their target), and the input length asked for against the
 * one counted, saying how each was counted (a model's tokenizer, or the characters-per-token estimate). Reads the
 * {@code output_lengths} view (V22), so SQL sees what the report shows. Inserted before the trends.
 */
final class LengthsContent {

    static final String HEADING = "Lengths";

    private LengthsContent() {
    }

    /** One row of {@code output_lengths}. */
    record Row(String modelAlias, String source, long requests, Double targetOutputMean, Double outputMean,
               Double outputP50, Double outputP95, Double reachedShare, String tokensSources, Double targetInputMean,
               Double inputMean, String lengthSources, Double promptTokensMean, String promptTokensSources) {
    }

    static List<Row> load(JdbcClient jdbc, long runId) {
        return jdbc.sql("""
                        SELECT model_alias, source, requests, target_output_mean, output_mean, output_p50, output_p95,
                               reached_share, tokens_sources, target_input_mean, input_mean, length_sources,
                               prompt_tokens_mean, prompt_tokens_sources
                        FROM output_lengths WHERE run_id = ? ORDER BY model_alias, source""")
                .param(runId).query(Row.class).list();
    }

    /** Adds the section before the "Trends" heading (else at the end); nothing without prompts made for a length. */
    static void insert(ReportDocument doc, long runId, List<Row> rows) {
        if (!rows.isEmpty()) {
            doc.insertBeforeTrends(blocks(runId, rows));
        }
    }

    static List<ReportDocument.Block> blocks(long runId, List<Row> rows) {
        List<ReportDocument.Block> out = new ArrayList<>();
        out.add(new ReportDocument.Heading(2, HEADING));
        out.add(new ReportDocument.Paragraph(List.of(text("Prompts made for a length (synthetic: sources), over "
                + "successful measured requests. Output: the length asked for (sent as max_tokens, with ignore_eos / "
                + "min_tokens where the plan says the server takes them) against output_tokens as counted (usage = "
                + "the server's; tokenizer = the model's tokenizer where the server sent none; chunks = one per "
                + "content chunk, a lower bound); reached = answers at least as long as their target. Input: the "
                + "length asked for against the prompt as counted when it was made (tokenizer:<name>, or "
                + "estimate:<characters per token>, which is no token count), and prompt_tokens as the server counted "
                + "it (its chat template included). SQL: "),
                code("SELECT * FROM output_lengths WHERE run_id = " + runId))));
        TableBuilder t = new TableBuilder().text("Model").text("Source").number("Requests").number("Output asked")
                .number("Output mean").number("p50 / p95").number("Reached").text("Counted by")
                .number("Input asked").number("Input made").text("Made by").number("prompt_tokens");
        for (Row r : rows) {
            t.row(r.modelAlias(), r.source() == null ? Format.NONE : r.source(), String.valueOf(r.requests()),
                    Format.num(r.targetOutputMean()), Format.num(r.outputMean()),
                    Format.num(r.outputP50()) + " / " + Format.num(r.outputP95()), Format.share(r.reachedShare()),
                    orNone(r.tokensSources()), Format.num(r.targetInputMean()), Format.num(r.inputMean()),
                    orNone(r.lengthSources()), Format.num(r.promptTokensMean())
                            + (r.promptTokensSources() == null ? "" : " (" + r.promptTokensSources() + ")"));
        }
        out.add(t.build());
        return out;
    }

    private static String orNone(String s) {
        return s == null ? Format.NONE : s;
    }
}
