package dev.nightbench.run;

import dev.nightbench.client.ModelClient;
import dev.nightbench.measure.Cell;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.TelemetrySpec;
import dev.nightbench.store.TelemetryStore;
import dev.nightbench.telemetry.ModelTelemetry;
import dev.nightbench.telemetry.NvidiaSmi;
import dev.nightbench.telemetry.TelemetrySampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ItemProcessListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Server telemetry beside a cell step (warm-up and measure): starts a {@link TelemetrySampler} when the step starts,
 * tells it when each cell starts and ends (it only queues a sample: nothing is polled on the step's thread), stores
 * every sample as it is taken, and when the step ends stores what each model x source came to, its peak and mean
 * figures summarised from the samples. A {@code @StepScope} bean: each step execution has its own sampler. Nothing
 * here can fail the step: a telemetry problem is logged and stored as such.
 *
 * <p>Not final: the step scope hands it out as a class-based proxy.
 */
class TelemetryListener implements StepExecutionListener, ItemProcessListener<Cell, Object> {

    private static final Logger log = LoggerFactory.getLogger(TelemetryListener.class);
    /** Connect and read timeout of one telemetry poll. */
    static final Duration POLL_TIMEOUT = Duration.ofSeconds(2);

    private final RunSession session;
    private final TelemetryStore store;
    private final Clock clock;
    private final String path;
    private TelemetrySampler sampler;
    private long runId;

    /** @param path the {@code PATH} searched for {@code nvidia-smi} */
    TelemetryListener(RunSession session, TelemetryStore store, Clock clock, String path) {
        this.session = session;
        this.store = store;
        this.clock = clock;
        this.path = path;
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        Plan plan = session.plan();
        TelemetrySpec spec = plan.telemetry();
        if (!spec.enabled()) {
            return;
        }
        try {
            runId = session.runId();
            List<TelemetrySampler.Target> targets = TelemetrySampler.targets(plan, this::baseUrl);
            NvidiaSmi smi = spec.nvidiaSmi() ? NvidiaSmi.onPath(path).map(p -> new NvidiaSmi(p, POLL_TIMEOUT))
                    .orElse(null) : null;
            long id = runId;
            sampler = new TelemetrySampler(targets, spec.interval(), smi, POLL_TIMEOUT, clock,
                    samples -> store.insertSamples(TelemetryRows.samples(id, samples))).start();
        } catch (RuntimeException e) {
            log.warn("Server telemetry is off for this step: {}", e.toString());
            sampler = null;
        }
    }

    private URI baseUrl(String alias) {
        ModelClient client = session.client(alias);
        return client == null ? null : client.baseUrl();
    }

    @Override
    public void beforeProcess(Cell cell) {
        if (sampler != null) {
            sampler.cellStarted(cell.modelAlias());
        }
    }

    @Override
    public void afterProcess(Cell cell, Object result) {
        if (sampler != null) {
            sampler.cellEnded(cell.modelAlias());
        }
    }

    @Override
    public void onProcessError(Cell cell, Exception e) {
        afterProcess(cell, null);
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        if (sampler == null) {
            return null;
        }
        try {
            for (ModelTelemetry m : sampler.finish()) {
                store.record(TelemetryRows.model(runId, m, clock.instant()));
            }
        } catch (RuntimeException e) {
            log.warn("Storing the server telemetry of run {} failed: {}", runId, e.toString());
        } finally {
            sampler = null;
        }
        return null;
    }
}
