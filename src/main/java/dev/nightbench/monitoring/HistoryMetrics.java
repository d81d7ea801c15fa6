package dev.nightbench.monitoring;

import dev.nightbench.monitoring.HistoryTally.RequestKey;
import dev.nightbench.monitoring.HistoryTally.Snapshot;
import dev.nightbench.monitoring.HistoryTally.StepTotal;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code serve}'s Prometheus metrics over the whole history, whichever process wrote it:
 * <ul>
 *   <li>{@code nightbench_runs{status}}: runs by status (a gauge);</li>
 *   <li>{@code nightbench_requests_total{model,status}}: measured requests (measure phase, final attempt) by model
 *       and status (a counter);</li>
 *   <li>{@code nightbench_step_duration_seconds{step}}: ended step executions ({@code _count}, {@code _sum});</li>
 *   <li>{@code nightbench_last_success_timestamp_seconds{plan}}: when each plan's newest completed run finished.</li>
 * </ul>
 * A background thread reads the database every {@code nightbench.monitoring.refresh} ({@link HistoryTally} keeps it
 * bounded); a scrape only reads the last figures, so it never waits for the database nor multiplies its load. The
 * metrics appear after the first refresh; a refresh that fails is logged and the previous figures stay.
 */
final class HistoryMetrics implements MeterBinder, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HistoryMetrics.class);

    private final HistoryQueries queries;
    private final MonitoringProperties properties;
    private final HistoryTally tally = new HistoryTally();
    private final List<Registered> registries = new ArrayList<>();
    private volatile Snapshot current;
    private ScheduledExecutorService refresher;
    private boolean failing;

    HistoryMetrics(HistoryQueries queries, MonitoringProperties properties) {
        this.queries = queries;
        this.properties = properties;
    }

    /** The meters of one registry, so new label values can be added and vanished ones removed. */
    private static final class Registered {
        final MeterRegistry registry;
        final MultiGauge runs;
        final MultiGauge lastSuccess;
        final Map<RequestKey, Meter> requests = new HashMap<>();
        final Map<String, Meter> steps = new HashMap<>();

        Registered(MeterRegistry registry) {
            this.registry = registry;
            this.runs = MultiGauge.builder("nightbench.runs").description("Runs in the history by status")
                    .register(registry);
            this.lastSuccess = MultiGauge.builder("nightbench.last.success.timestamp").baseUnit("seconds")
                    .description("When the newest completed run of each plan finished (Unix time)").register(registry);
        }
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Registered r = new Registered(registry);
        registries.add(r);
        if (current != null) {
            publish(r, current);
        }
    }

    /** Reads the database once and publishes the figures; the background thread calls it, and so may a test. */
    synchronized void refresh() {
        long t0 = System.nanoTime();
        Snapshot s = tally.refresh(queries.runs(), queries::counts, properties.batch());
        current = s;
        registries.forEach(r -> publish(r, s));
        log.debug("Metrics read from the database in {} ms ({} ended runs remembered)",
                (System.nanoTime() - t0) / 1_000_000, tally.endedRuns());
    }

    Snapshot snapshot() {
        return current;
    }

    private void publish(Registered r, Snapshot s) {
        r.runs.register(s.runsByStatus().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("status", e.getKey().value()), e.getValue()))
                .toList(), true);
        r.lastSuccess.register(s.lastSuccessByPlan().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("plan", e.getKey()), e.getValue().toEpochMilli() / 1000.0))
                .toList(), true);
        for (RequestKey key : s.requests().keySet()) {
            r.requests.computeIfAbsent(key, k -> FunctionCounter.builder("nightbench.requests", this,
                            m -> m.current.requests().getOrDefault(k, 0L))
                    .description("Measured requests (measure phase, final attempt) by model and status")
                    .tags("model", k.model(), "status", k.status()).register(r.registry));
        }
        for (String step : s.steps().keySet()) {
            r.steps.computeIfAbsent(step, k -> FunctionTimer.builder("nightbench.step.duration", this,
                            m -> m.step(k).count(), m -> m.step(k).seconds(), TimeUnit.SECONDS)
                    .description("Ended Spring Batch step executions of Nightbench's job").tags("step", k)
                    .register(r.registry));
        }
        r.requests.entrySet().removeIf(e -> !s.requests().containsKey(e.getKey()) && r.registry.remove(e.getValue()) != null);
        r.steps.entrySet().removeIf(e -> !s.steps().containsKey(e.getKey()) && r.registry.remove(e.getValue()) != null);
    }

    private StepTotal step(String name) {
        return current.steps().getOrDefault(name, new StepTotal(0, 0));
    }

    private void refreshQuietly() {
        try {
            refresh();
            if (failing) {
                log.info("Metrics: the database answers again");
            }
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Metrics: cannot read the history ({}); the last figures stay until it answers", e.toString());
            }
            failing = true;
        }
    }

    @Override
    public synchronized void start() {
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nightbench-metrics");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refreshQuietly, 0, properties.refresh().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
            refresher = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return refresher != null;
    }

    /** Stopped before the data source closes, started after it. */
    @Override
    public int getPhase() {
        return 0;
    }
}
