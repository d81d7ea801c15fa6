package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.TableBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Conversations" section, only for a run with conversations (issue 14): per model × turn the TTFT,
 * TPOT and prompt length (the context the turn sent: earlier turns and the model's own answers), over every
 * conversation that has that turn; then per model how TTFT grew from the first turn to the last, as a ratio and,
 * when the server (or a tokenizer) counted prompt tokens, in ms per 1,000 more prompt tokens. Inserted before the
 * trends.
 */
final class ConversationContent {

    static final String HEADING = "Conversations";

    private ConversationContent() {
    }

    /** One model × turn over the run's conversations (measure phase, latency cells, final attempts). */
    record Turn(String model, int turn, int conversations, int requests, int okRequests, int historyMissing,
                Double ttftMsMean, Double ttftMsP50, Double tpotMsMean, Double promptTokensMean) {
    }

    /** How a model's TTFT grew from its first turn to its last answered one. */
    record Growth(String model, int firstTurn, int lastTurn, double ttftFirst, double ttftLast, Double ratio,
                  Double msPerThousandTokens) {
    }

    static List<Turn> load(JdbcClient jdbc, long runId) {
        return jdbc.sql("""
                        SELECT r.model_alias AS model, p.turn,
                               count(DISTINCT (p.source, p.conversation_id))::int AS conversations,
                               count(*)::int AS requests,
                               count(*) FILTER (WHERE r.status = 'ok')::int AS ok_requests,
                               count(*) FILTER (WHERE r.error_type = 'history_missing')::int AS history_missing,
                               avg(r.ttft_ms) FILTER (WHERE r.status = 'ok') AS ttft_ms_mean,
                               percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ttft_ms)
                                   FILTER (WHERE r.status = 'ok') AS ttft_ms_p50,
                               avg(r.tpot_ms) FILTER (WHERE r.status = 'ok') AS tpot_ms_mean,
                               avg(r.prompt_tokens) FILTER (WHERE r.status = 'ok')::double precision
                                   AS prompt_tokens_mean
                        FROM requests r
                        JOIN run_prompts p ON p.run_id = r.run_id AND p.prompt_id = r.prompt_id
                        WHERE r.run_id = ? AND r.phase = 'measure' AND r.is_final AND r.load_mode = 'serial'
                          AND p.conversation_id IS NOT NULL
                        GROUP BY r.model_alias, p.turn
                        ORDER BY min(r.cell_index), p.turn""")
                .param(runId).query(Turn.class).list();
    }

    /** Per model, first answered turn against last answered turn; none for a model with fewer than two. */
    static List<Growth> growth(List<Turn> turns) {
        Map<String, List<Turn>> byModel = new LinkedHashMap<>();
        for (Turn t : turns) {
            if (t.ttftMsMean() != null) {
                byModel.computeIfAbsent(t.model(), m -> new ArrayList<>()).add(t);
            }
        }
        List<Growth> out = new ArrayList<>();
        byModel.forEach((model, answered) -> {
            if (answered.size() < 2) {
                return;
            }
            Turn first = answered.getFirst();
            Turn last = answered.getLast();
            Double ratio = first.ttftMsMean() > 0 ? last.ttftMsMean() / first.ttftMsMean() : null;
            Double perThousand = null;
            if (first.promptTokensMean() != null && last.promptTokensMean() != null
                    && last.promptTokensMean() > first.promptTokensMean()) {
                perThousand = (last.ttftMsMean() - first.ttftMsMean())
                        / ((last.promptTokensMean() - first.promptTokensMean()) / 1000.0);
            }
            out.add(new Growth(model, first.turn(), last.turn(), first.ttftMsMean(), last.ttftMsMean(), ratio,
                    perThousand));
        });
        return out;
    }

    /** Adds the section before the "Trends" heading (else at the end); nothing without conversations. */
    static void insert(ReportDocument doc, long runId, List<Turn> turns) {
        if (turns.isEmpty()) {
            return;
        }
        doc.insertBeforeTrends(blocks(runId, turns));
    }

    static List<ReportDocument.Block> blocks(long runId, List<Turn> turns) {
        List<ReportDocument.Block> out = new ArrayList<>();
        out.add(new ReportDocument.Heading(2, HEADING));
        out.add(new ReportDocument.Paragraph(List.of(text("Each round of a conversation sends turn k with the earlier "
                + "turns and the model's own answers to them in that round, so the context grows turn by turn. "
                + "Per model × turn over every conversation that has that turn: requests answered, those not sent "
                + "because an earlier turn of their round had no answer (history missing), TTFT and TPOT of the "
                + "answered ones, and their mean prompt tokens (the context length, as counted by the server or "
                + "tokenizer). SQL: "), code("SELECT * FROM conversation_turns WHERE run_id = " + runId))));
        TableBuilder t = new TableBuilder().text("Model").number("Turn").number("Conversations").number("Answered")
                .number("History missing").number("TTFT mean").number("TTFT p50").number("TPOT mean")
                .number("Prompt tokens");
        for (Turn r : turns) {
            t.row(r.model(), r.turn(), r.conversations(), r.okRequests() + " / " + r.requests(), r.historyMissing(),
                    Format.ms(r.ttftMsMean()), Format.ms(r.ttftMsP50()), Format.ms(r.tpotMsMean()),
                    r.promptTokensMean() == null ? Format.NONE : String.format(Locale.ROOT, "%.0f",
                            r.promptTokensMean()));
        }
        out.add(t.build());
        List<Growth> growth = growth(turns);
        if (!growth.isEmpty()) {
            out.add(new ReportDocument.Paragraph(List.of(text("TTFT growth from the first answered turn to the last: "
                    + "the ratio of their mean TTFTs, and the TTFT added per 1,000 more prompt tokens (when prompt "
                    + "tokens are known and grew)."))));
            TableBuilder g = new TableBuilder().text("Model").text("Turns").number("TTFT first").number("TTFT last")
                    .number("Ratio").number("ms per 1k prompt tokens");
            for (Growth r : growth) {
                g.row(r.model(), r.firstTurn() + " → " + r.lastTurn(), Format.ms(r.ttftFirst()),
                        Format.ms(r.ttftLast()),
                        r.ratio() == null ? Format.NONE : String.format(Locale.ROOT, "%.2f×", r.ratio()),
                        r.msPerThousandTokens() == null ? Format.NONE : Format.ms(r.msPerThousandTokens()));
            }
            out.add(g.build());
        }
        return out;
    }
}
