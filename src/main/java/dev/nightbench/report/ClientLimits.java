package dev.nightbench.report;

import dev.nightbench.measure.ClientLimitRules;

import java.util.List;
import java.util.Optional;

import static dev.nightbench.report.ReportDocument.Span;
import static dev.nightbench.report.ReportDocument.strong;
import static dev.nightbench.report.ReportDocument.text;

/**
 * The load section's account of client-limited levels (load_phases.client_limited): a warning naming them, a mark
 * in the level's requests/s cell, the reason per level, and a footnote saying what the mark means and how it is decided
 * ({@link ClientLimitRules}). A level whose figures describe the benchmark's own client must never read as the
 * server's.
 */
final class ClientLimits {

    static final String MARK = "client-limited";

    private ClientLimits() {
    }

    /** The warning at the top of the load section; empty when no level was client-limited. */
    static Optional<ReportDocument.Note> note(List<ReportData.LoadLevel> levels) {
        List<String> limited = levels.stream().filter(ReportData.LoadLevel::limitedByClient)
                .map(l -> l.modelAlias() + " at " + Format.describeLoad(l.loadMode(), l.loadLevel())).toList();
        if (limited.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ReportDocument.Note(List.of(strong("The client was the limit"), text(" at "
                + String.join(", ", limited) + ": Nightbench itself, not the server, set the pace, so these levels' "
                + "latencies and throughput describe the client on this host (reasons below each table; see the "
                + "note on client-limited levels at the end of this section). Rerun them on a quieter host or with "
                + "more cores.")), true));
    }

    /** The level's requests/s cell in the load table, marked when client-limited: that figure is the client's. */
    static Object throughputCell(ReportData.LoadLevel l, String throughput) {
        return l.limitedByClient() ? new Span(throughput + " " + MARK + "¹", ReportDocument.Style.BAD) : throughput;
    }

    /** "concurrency 16 client-limited: scheduling lag p95 …". */
    static List<Span> reasonLine(String at, ReportData.LoadLevel l) {
        return List.of(new Span(at + " " + MARK, ReportDocument.Style.BAD),
                text(l.clientLimitReason() == null ? "." : ": " + l.clientLimitReason() + "."));
    }

    /** The footnote: what client-limited means and the rules, with how many of the run's levels it marked. */
    static ReportDocument.Paragraph footnote(List<ReportData.LoadLevel> levels) {
        long measured = levels.stream().filter(l -> l.clientLimited() != null).count();
        long limited = levels.stream().filter(ReportData.LoadLevel::limitedByClient).count();
        String count = measured == 0 ? "No level of this run was checked (run before the check existed, or skipped)."
                : limited + " of the " + measured + " levels checked " + (limited == 1 ? "was" : "were") + " client-limited.";
        return new ReportDocument.Paragraph(List.of(strong("¹ Client-limited"), text(": the benchmark's own client, "
                + "not the server, set the level's pace. During every level Nightbench records its process's CPU use "
                + "(share of the cores it may run on), how long its workers waited for a core while their requests were "
                + "in flight (Linux run-queue wait), a probe thread's scheduling lag (how late a "
                + "2 ms sleep wakes: the time a ready thread waits for a core), the requests truly on the wire (t0 to "
                + "response closed) and, for a closed loop, compares the throughput with the client's own ceiling at "
                + "that concurrency, measured against the built-in zero-delay endpoint and cached per host, JVM and "
                + "version (table client_calibrations). A level is marked when the CPU use reached "
                + pct(ClientLimitRules.CPU_SHARE) + ", the workers waited for a core "
                + pct(ClientLimitRules.WORKER_WAIT_SHARE) + " of their requests' time, the lag p95 exceeded " + pct(ClientLimitRules.SCHED_LAG_SHARE)
                + " of the fast requests' time (total_ms p10; at least " + Format.level(ClientLimitRules.SCHED_LAG_FLOOR_MS)
                + " ms), fewer than " + pct(ClientLimitRules.IN_FLIGHT_SHARE) + " of the concurrency were on the wire "
                + "while every worker had work, the throughput reached " + pct(ClientLimitRules.CEILING_SHARE)
                + " of the ceiling, or (open loop) the scheduled lag p95 exceeded "
                + pct(ClientLimitRules.OPEN_LOOP_LAG_SHARE) + " of the mean time between arrivals. The figures are in "
                + "load_phases and the load_summaries view. " + count)));
    }

    private static String pct(double share) {
        return Math.round(share * 100) + " %";
    }
}
