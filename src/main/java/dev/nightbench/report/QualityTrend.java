package dev.nightbench.report;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The quality figures of the trend window, per run and model: the answer checks' pass rate ({@code model_quality},
 * V10) and the judge's mean score per criterion ({@code model_scores}, V12). What {@link TrendCharts} draws beside
 * the latency trend; empty for a plan without checks or judge, whose report then has no quality charts.
 */
final class QualityTrend {

    /**
     * One run's figure for one model: the check pass rate (0-1) when {@code criterion} is null, else the mean judge
     * score of that criterion (1-5).
     */
    record Point(String modelAlias, long runId, LocalDate runDate, Instant startedAt, String criterion, double value) {
    }

    private QualityTrend() {
    }

    /** The same window as {@link ReportRepository#trend}: the run and the COMPLETED runs of its plan before it. */
    static List<Point> load(JdbcClient jdbc, ReportData.Run run, int limit) {
        return jdbc.sql("""
                        WITH w AS (SELECT r.run_id, r.run_date, r.started_at FROM runs r
                                   WHERE r.plan_name = ? AND (r.status = 'COMPLETED' OR r.run_id = ?)
                                     AND (r.started_at, r.run_id) <= (?, ?)
                                   ORDER BY r.started_at DESC, r.run_id DESC
                                   LIMIT ?)
                        SELECT x.model_alias, x.run_id, w.run_date, w.started_at, x.criterion, x.value
                        FROM (SELECT q.run_id, q.model_alias, NULL::text AS criterion, q.pass_rate AS value
                              FROM model_quality q WHERE q.run_id IN (SELECT run_id FROM w) AND q.pass_rate IS NOT NULL
                              UNION ALL
                              SELECT s.run_id, s.model_alias, s.criterion, s.mean
                              FROM model_scores s WHERE s.run_id IN (SELECT run_id FROM w)) x
                        JOIN w ON w.run_id = x.run_id
                        LEFT JOIN run_criteria rc ON rc.run_id = x.run_id AND rc.criterion = x.criterion
                        ORDER BY x.model_alias, w.started_at, x.run_id, rc.position NULLS FIRST, x.criterion""")
                .params(run.planName(), run.runId(), Timestamp.from(run.startedAt()), run.runId(), limit)
                .query(Point.class).list();
    }
}
