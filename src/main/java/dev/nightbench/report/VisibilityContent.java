package dev.nightbench.report;

import dev.nightbench.measure.Plausibility;
import dev.nightbench.report.ReportDocument.Span;
import dev.nightbench.report.ReportDocument.TableBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.strong;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Retries and plausibility" section ({@link Visibility}): retries per model and load level with the
 * models that needed a retry on most requests called out even when every request ended ok, the requests flagged as
 * not measured truthfully, TTFO beside TTFT for reasoning models, and why a model has no cold start. Inserted before
 * the failures (or the trends) so it sits right after the figures it qualifies.
 */
final class VisibilityContent {

    static final String HEADING = "Retries and plausibility";

    /** The start of run/RunSteps' cold_start_note for a plan without warm-up. */
    private static final String NOT_PLANNED = "no warm-up requests planned";

    private VisibilityContent() {
    }

    /** Adds the section to {@code doc} before its "Failed and skipped models" or "Trends" heading (else at the end). */
    static void insert(ReportDocument doc, Visibility v) {
        List<ReportDocument.Block> blocks = doc.blocks();
        int at = blocks.size();
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i) instanceof ReportDocument.Heading h && h.level() == 2
                    && (h.text().equals("Failed and skipped models") || h.text().equals("Trends"))) {
                at = i;
                break;
            }
        }
        blocks.addAll(at, blocks(v));
    }

    static List<ReportDocument.Block> blocks(Visibility v) {
        List<ReportDocument.Block> out = new ArrayList<>();
        out.add(new ReportDocument.Heading(2, HEADING));
        retries(out, v.retries());
        flags(out, v.flags());
        reasoning(out, v.reasoning());
        if (!v.coldStarts().isEmpty() && v.coldStarts().stream().allMatch(c -> c.note().startsWith(NOT_PLANNED))) {
            out.add(new ReportDocument.Paragraph(List.of(strong("Cold start: "), text("none, as no warm-up requests "
                    + "were planned (run.warmup: 0)."))));
        } else if (!v.coldStarts().isEmpty()) {
            List<List<Span>> items = new ArrayList<>();
            for (Visibility.ColdStartNote c : v.coldStarts()) {
                items.add(List.of(strong(c.modelAlias()), text(": no cold start: " + c.note())));
            }
            out.add(new ReportDocument.Paragraph(List.of(strong("Cold start"), text(" is the TTFT of the first warm-up "
                    + "request that succeeded; these models have none:"))));
            out.add(new ReportDocument.Bullets(items));
        }
        return out;
    }

    private static void retries(List<ReportDocument.Block> out, List<Visibility.Retries> rows) {
        out.add(new ReportDocument.Paragraph(List.of(strong("Retries: "), text("every attempt is stored and a retried "
                + "request counts once, by its final attempt, in the figures above; here is what the requests went "
                + "through, per model and load (the retry_summary view): attempts per request, requests retried, "
                + "the failed attempts that were retried by error type, the backoff actually waited, and reconnects "
                + "(a stale pooled connection re-sent at once, not a failure of the model)."))));
        List<String> mostly = new ArrayList<>();
        for (Visibility.Retries r : rows) {
            if (r.mostlyRetried()) {
                mostly.add(String.format(Locale.ROOT, "%s%s: %d of %d requests retried (%s), %s waited in backoff%s",
                        r.modelAlias(), Format.load(r.loadMode(), r.loadLevel()), r.retriedRequests(), r.requests(),
                        r.retriesByError().isEmpty() ? "—" : r.retriesByError(), seconds(r.backoffMsTotal()),
                        r.retriedThenOk() == r.retriedRequests() ? ", and every one of them then ended ok" : ""));
            }
        }
        if (!mostly.isEmpty()) {
            out.add(new ReportDocument.Note(List.of(strong("Most requests needed a retry"), text(": "
                    + String.join("; ", mostly) + ". A success rate of 100 % hides this; the latencies above are those "
                    + "of the final attempts, and the load levels' throughput includes the time lost to backoff.")),
                    true));
        }
        List<Visibility.Retries> retried = rows.stream().filter(r -> r.retriedRequests() > 0 || r.reconnects() > 0).toList();
        if (retried.isEmpty()) {
            long requests = rows.stream().mapToLong(Visibility.Retries::requests).sum();
            out.add(new ReportDocument.Paragraph(List.of(text("No request of this run was retried or re-sent on a "
                    + "fresh connection (" + requests + " requests sent, one attempt each)."))));
            return;
        }
        out.add(new ReportDocument.Paragraph(List.of(text("Models and loads without any retry or reconnect are left "
                + "out of this table."))));
        TableBuilder t = new TableBuilder().text("Model").text("Load").number("Requests").number("Attempts/request")
                .number("Retried").text("Retries by error").number("Backoff").number("Backoff/request")
                .number("Reconnects");
        for (Visibility.Retries r : retried) {
            t.row(r.modelAlias(), "serial".equals(r.loadMode()) ? "serial" : Format.describeLoad(r.loadMode(), r.loadLevel()),
                    String.valueOf(r.requests()),
                    r.attemptsPerRequest() == null ? Format.NONE : String.format(Locale.ROOT, "%.2f", r.attemptsPerRequest()),
                    r.mostlyRetried() ? new Span(r.retriedRequests() + " (" + Format.share(r.retriedShare()) + ")",
                            ReportDocument.Style.BAD) : text(r.retriedRequests() + " (" + Format.share(r.retriedShare()) + ")"),
                    r.retriesByError().isEmpty() ? Format.NONE : r.retriesByError(), seconds(r.backoffMsTotal()),
                    Format.ms(r.backoffMsPerRequest()), String.valueOf(r.reconnects()));
        }
        out.add(t.build());
    }

    private static void flags(List<ReportDocument.Block> out, List<Visibility.Flags> rows) {
        out.add(new ReportDocument.Paragraph(List.of(strong("Plausibility: "), text("a request is flagged when its "
                + "figures describe the client's reading rather than the server: "), code(Plausibility.BURST),
                text(" = most of the answer (more than half its text, at least " + Plausibility.BURST_MIN_TOKENS
                        + " tokens) arrived in one read after a stall, so TTFT ≈ E2E; "), code(Plausibility.IMPLAUSIBLE_DECODE),
                text(" = decode_tps above tokens per chunk × " + String.format(Locale.ROOT, "%,.0f", 1000 / Plausibility.MIN_CHUNK_GAP_MS)
                        + " per second (no server "
                        + "emits the chunks of one answer faster). Flagged rows stay stored (requests.flags, the "
                        + "flagged_requests view); their TTFT and E2E count in the figures above, their TPOT and "
                        + "decode_tps are left out of every TPOT and decode figure and of the comparisons."))));
        if (rows.isEmpty()) {
            out.add(new ReportDocument.Paragraph(List.of(text("No request of this run was flagged."))));
            return;
        }
        TableBuilder t = new TableBuilder().text("Model").text("Load").number("Flagged / ok").number("burst")
                .number("implausible_decode");
        for (Visibility.Flags f : rows) {
            t.row(f.modelAlias(), "serial".equals(f.loadMode()) ? "serial" : Format.describeLoad(f.loadMode(), f.loadLevel()),
                    new Span(f.flagged() + " / " + f.okRequests(), ReportDocument.Style.BAD), String.valueOf(f.burst()),
                    String.valueOf(f.implausibleDecode()));
        }
        out.add(t.build());
    }

    private static void reasoning(List<ReportDocument.Block> out, List<Visibility.Reasoning> rows) {
        if (rows.isEmpty()) {
            return;
        }
        out.add(new ReportDocument.Paragraph(List.of(strong("Reasoning models: "), text("TTFT runs to the first "
                + "token of any kind (reasoning_content or content), TTFO to the first content token, the answer "
                + "itself; between them the model was thinking. Over the successful requests of each model and load "
                + "that produced reasoning content first."))));
        TableBuilder t = new TableBuilder().text("Model").text("Load").number("Reasoning requests")
                .number("TTFT p50 / p95").number("TTFO p50 / p95");
        for (Visibility.Reasoning r : rows) {
            t.row(r.modelAlias(), "serial".equals(r.loadMode()) ? "serial" : Format.describeLoad(r.loadMode(), r.loadLevel()),
                    String.valueOf(r.reasoningRequests()), Format.msPair(r.ttftMsP50(), r.ttftMsP95()),
                    Format.msPair(r.ttfoMsP50(), r.ttfoMsP95()));
        }
        out.add(t.build());
    }

    private static String seconds(double ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }
}
