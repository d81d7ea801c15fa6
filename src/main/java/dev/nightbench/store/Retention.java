package dev.nightbench.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retention: deletes the history of runs that started before a cutoff, in batches of at most {@code batchSize}
 * requests, each batch its own transaction, so a prune killed half-way has committed whole batches and left every
 * row it had not reached consistent; the next prune finds the rest (a run's remaining requests, or a run marked but
 * not yet deleted) and finishes it.
 *
 * <p>Two modes. {@link Mode#KEEP_SUMMARIES} deletes a run's per-request rows only (see {@link #REQUEST_TABLES} and
 * {@code telemetry_samples}) and marks the run ({@code runs.requests_pruned_at}, V28) before the first batch; the run
 * keeps everything the report and the trend views read (runs, run_models, run_prompts, summaries, comparisons,
 * load_phases, run_model_telemetry, the plan tables). {@link Mode#WHOLE_RUNS} deletes the runs themselves: the
 * requests batch by batch as above, then the run row, whose other tables go by {@code ON DELETE CASCADE}. Spring
 * Batch's own job tables are never touched.
 *
 * <p>A run whose status is still {@code STARTED} is never touched: it is running, or it crashed and
 * {@code nightbench restart} may still finish it.
 */
@Repository
public class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    /** The tables keyed by request, children first: what a batch deletes, in this order. */
    public static final List<String> REQUEST_TABLES = List.of("judge_scores", "human_scores", "pipeline_judgements",
            "judge_verdicts", "answers", "check_results", "requests");

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    public Retention(JdbcClient jdbc, PlatformTransactionManager transactions, Clock clock) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    public enum Mode { KEEP_SUMMARIES, WHOLE_RUNS }

    private static final java.util.regex.Pattern AGE = java.util.regex.Pattern.compile("(\\d{1,6})([dwh])");

    /**
     * An age such as {@code 180d} (days), {@code 26w} (weeks) or {@code 12h} (hours), more than zero.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static Duration age(String text) {
        var m = text == null ? null : AGE.matcher(text.trim());
        if (m == null || !m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("'" + text + "' is not an age like 180d (days), 26w (weeks) or 12h (hours)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "d" -> Duration.ofDays(n);
            case "w" -> Duration.ofDays(7 * n);
            default -> Duration.ofHours(n);
        };
    }

    /**
     * @param olderThan  runs that started more than this long ago
     * @param batchSize  requests per transaction
     * @param maxBatches stop after this many request batches (0: no limit); the rest waits for the next prune
     */
    public record Request(Duration olderThan, Mode mode, boolean dryRun, int batchSize, long maxBatches) {
    }

    /**
     * What a prune did (or, dry, would do).
     *
     * @param runs     the runs it pruned (or found to prune)
     * @param left     runs old enough but still STARTED, left alone
     * @param deleted  rows per table, in deletion order
     * @param finished false when {@code maxBatches} stopped it before the end
     */
    public record Result(Instant cutoff, List<Long> runs, List<Long> left, Map<String, Long> deleted, boolean finished) {

        public long total() {
            return deleted.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public Result prune(Request request) {
        Instant cutoff = clock.instant().minus(request.olderThan());
        boolean whole = request.mode() == Mode.WHOLE_RUNS;
        List<Long> runs = jdbc.sql("""
                        SELECT run_id FROM runs r
                        WHERE started_at < ? AND status <> 'STARTED'
                          AND (? OR requests_pruned_at IS NULL
                               OR EXISTS (SELECT 1 FROM requests q WHERE q.run_id = r.run_id)
                               OR EXISTS (SELECT 1 FROM telemetry_samples t WHERE t.run_id = r.run_id))
                        ORDER BY run_id""")
                .params(Timestamp.from(cutoff), whole).query(Long.class).list();
        List<Long> left = jdbc.sql("SELECT run_id FROM runs WHERE started_at < ? AND status = 'STARTED' ORDER BY run_id")
                .param(Timestamp.from(cutoff)).query(Long.class).list();
        Map<String, Long> deleted = new LinkedHashMap<>();
        REQUEST_TABLES.forEach(t -> deleted.put(t, 0L));
        deleted.put("telemetry_samples", 0L);
        if (whole) {
            deleted.put("summaries", 0L);
            deleted.put("comparisons", 0L);
            deleted.put("runs", 0L);
        }
        if (request.dryRun()) {
            for (long run : runs) {
                count(run, whole).forEach((t, n) -> deleted.merge(t, n, Long::sum));
            }
            return new Result(cutoff, runs, left, deleted, true);
        }
        long[] batches = {0};
        List<Long> done = new ArrayList<>();
        for (long run : runs) {
            if (!whole) {
                jdbc.sql("UPDATE runs SET requests_pruned_at = coalesce(requests_pruned_at, ?) WHERE run_id = ?")
                        .params(Timestamp.from(clock.instant()), run).update();
            }
            if (!pruneRequests(run, request, batches, deleted)) {
                return new Result(cutoff, done, left, deleted, false);
            }
            long telemetry;
            do { // no key of its own: by ctid, a batch at a time
                telemetry = tx.execute(s -> (long) jdbc.sql("""
                        DELETE FROM telemetry_samples WHERE ctid = ANY (ARRAY(
                            SELECT ctid FROM telemetry_samples WHERE run_id = ? LIMIT ?))""")
                        .params(run, request.batchSize()).update());
                deleted.merge("telemetry_samples", telemetry, Long::sum);
            } while (telemetry > 0);
            if (whole) {
                tx.executeWithoutResult(s -> {
                    deleted.merge("summaries", (long) jdbc.sql("DELETE FROM summaries WHERE run_id = ?").param(run).update(),
                            Long::sum);
                    deleted.merge("comparisons", (long) jdbc.sql("DELETE FROM comparisons WHERE run_id = ?").param(run)
                            .update(), Long::sum);
                    deleted.merge("runs", (long) jdbc.sql("DELETE FROM runs WHERE run_id = ?").param(run).update(),
                            Long::sum);
                });
            }
            done.add(run);
            log.debug("Pruned run {} ({})", run, request.mode());
        }
        return new Result(cutoff, done, left, deleted, true);
    }

    /** The run's requests, a batch per transaction, keyset by request_id; false when the batch limit stopped it. */
    private boolean pruneRequests(long run, Request request, long[] batches, Map<String, Long> deleted) {
        Long from = jdbc.sql("SELECT min(request_id) FROM requests WHERE run_id = ?").param(run)
                .query(Long.class).optional().orElse(null);
        while (from != null) {
            if (request.maxBatches() > 0 && batches[0] >= request.maxBatches()) {
                return false;
            }
            long start = from;
            from = tx.execute(s -> {
                List<Long> ids = jdbc.sql("""
                                SELECT request_id FROM requests WHERE run_id = ? AND request_id >= ?
                                ORDER BY request_id LIMIT ?""")
                        .params(run, start, request.batchSize()).query(Long.class).list();
                if (ids.isEmpty()) {
                    return null;
                }
                Long[] keys = ids.toArray(Long[]::new);
                for (String table : REQUEST_TABLES) {
                    deleted.merge(table, (long) jdbc.sql(deleteSql(table)).param(keys).update(), Long::sum);
                }
                return ids.size() < request.batchSize() ? null : ids.getLast() + 1;
            });
            batches[0]++;
        }
        return true;
    }

    private static String deleteSql(String table) {
        return switch (table) {
            case "check_results" -> """
                    DELETE FROM check_results c USING requests r
                    WHERE r.request_id = ANY (?) AND c.run_id = r.run_id AND c.phase = r.phase
                      AND c.cell_index = r.cell_index AND c.request_index = r.request_index AND c.attempt = r.attempt""";
            default -> "DELETE FROM " + table + " WHERE request_id = ANY (?)";
        };
    }

    /** What pruning the run would delete, per table. */
    private Map<String, Long> count(long run, boolean whole) {
        Map<String, Long> n = new LinkedHashMap<>();
        for (String table : REQUEST_TABLES) {
            n.put(table, jdbc.sql("SELECT count(*) FROM " + table + " WHERE run_id = ?").param(run).query(Long.class).single());
        }
        n.put("telemetry_samples", jdbc.sql("SELECT count(*) FROM telemetry_samples WHERE run_id = ?").param(run)
                .query(Long.class).single());
        if (whole) {
            n.put("summaries", jdbc.sql("SELECT count(*) FROM summaries WHERE run_id = ?").param(run).query(Long.class).single());
            n.put("comparisons", jdbc.sql("SELECT count(*) FROM comparisons WHERE run_id = ?").param(run)
                    .query(Long.class).single());
            n.put("runs", 1L);
        }
        return n;
    }
}
