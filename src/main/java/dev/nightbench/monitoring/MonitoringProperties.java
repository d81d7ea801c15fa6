package dev.nightbench.monitoring;

import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How {@code serve}'s Prometheus metrics read the history, from {@code nightbench.monitoring.*}, e.g.
 * {@code NIGHTBENCH_MONITORING_REFRESH=30s}. Bound as a branch of the application's one settings tree and handed to
 * {@link HistoryMetrics} as a bean of its own.
 *
 * @param refresh how often the figures are read again from the database (default 15 s); a scrape never waits for it
 * @param batch   how many runs one counting statement covers (default 200): bounds each statement on a long history
 */
public record MonitoringProperties(@DefaultValue("15s") Duration refresh, @DefaultValue("200") int batch) {

    public MonitoringProperties {
        refresh = refresh == null ? Duration.ofSeconds(15) : refresh;
        if (refresh.isNegative() || refresh.isZero()) {
            throw new IllegalArgumentException("nightbench.monitoring.refresh must be a positive duration such as 15s, not "
                    + refresh);
        }
        batch = batch == 0 ? 200 : batch;
        if (batch < 1) {
            throw new IllegalArgumentException("nightbench.monitoring.batch must be at least 1, not " + batch);
        }
    }

    public static MonitoringProperties defaults() {
        return new MonitoringProperties(null, 0);
    }
}
