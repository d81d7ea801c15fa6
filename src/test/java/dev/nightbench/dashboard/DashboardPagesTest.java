package dev.nightbench.dashboard;

import dev.nightbench.run.ServeProperties;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The dashboard's HTML and chart data as plain Java: what the database says can never become markup or script. */
class DashboardPagesTest {

    static final String HOSTILE = "</script><script>alert(1)</script><b>x</b>&amp;";

    @Test
    void chartDataCannotCloseItsScriptElement() {
        var run = new DashboardQueries.TrendPoint(7, LocalDate.of(2026, 12, 6), Instant.parse("2026-12-06T02:00:00Z"),
                HOSTILE, "COMPLETED", HOSTILE, 12.5);
        Map<Long, DashboardQueries.TrendPoint> runs = new LinkedHashMap<>(Map.of(7L, run));
        var query = new TrendPage.Query("demo", List.of(), TrendMetric.TTFT_MS_P50, LocalDate.of(2026, 12, 1),
                LocalDate.of(2026, 12, 6));

        String json = TrendPage.json(query, runs, List.of(HOSTILE), Map.of(HOSTILE, Map.of(7L, 12.5)));

        assertThat(json).doesNotContain("<", ">", "&").contains("\\u003c/script\\u003e", "12.5", "\"id\":7");
    }

    @Test
    void theTrendPageShowsNamesAndLabelsAsText() {
        var run = new DashboardQueries.TrendPoint(7, LocalDate.of(2026, 12, 6), Instant.parse("2026-12-06T02:00:00Z"),
                HOSTILE, "COMPLETED", HOSTILE, 12.5);
        var query = new TrendPage.Query(HOSTILE, List.of(HOSTILE), TrendMetric.SUCCESS_RATE, LocalDate.of(2026, 12, 1),
                LocalDate.of(2026, 12, 6));

        String body = TrendPage.body(query, List.of(HOSTILE), List.of(HOSTILE), List.of(run));

        assertThat(body).doesNotContain("<b>x</b>", "<script>alert").contains("&lt;b&gt;x&lt;/b&gt;&amp;amp;");
        assertThat(query.link()).startsWith("/trend?plan=%3C/script%3E").doesNotContain("<", ">", "\"");
    }

    @Test
    void theRunsListShowsLabelsPlansAndFailedModelsAsText() {
        var line = new DashboardQueries.RunLine(3, HOSTILE, LocalDate.of(2026, 12, 6), HOSTILE, "FAILED", true,
                Instant.parse("2026-12-06T02:00:00Z"), Instant.parse("2026-12-06T02:01:05Z"), List.of(HOSTILE + " (failed)"),
                1, 2L);

        String body = RunsPage.body(List.of(line), Map.of(3L, List.of(HOSTILE)), List.of(HOSTILE), null, 50);

        assertThat(body).doesNotContain("<b>x</b>", "<script>alert").contains("1 min 5 s", "A/B vs 2",
                "href=\"/compare?a=2&amp;b=3\"", "status-failed");
    }

    @Test
    void theTokenIsNeverInTheSettingsText() {
        var serve = new ServeProperties(List.of(), "127.0.0.1", 0, "s3cret-value");
        var dashboard = new DashboardSettings(serve.bind(), serve.port(), serve.token());

        assertThat(serve.toString()).doesNotContain("s3cret-value").contains("token=(set)");
        assertThat(dashboard.toString()).doesNotContain("s3cret-value").contains("token=(set)");
        assertThat(new ServeProperties(List.of(), null, 8090, "  ").token()).isNull();
    }

    @Test
    void aPortOutOfRangeNamesTheSetting() {
        assertThatThrownBy(() -> new ServeProperties(List.of(), "127.0.0.1", 70000, null))
                .hasMessageContaining("NIGHTBENCH_SERVE_PORT").hasMessageContaining("70000");
    }
}
