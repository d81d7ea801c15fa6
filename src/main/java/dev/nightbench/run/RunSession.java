package dev.nightbench.run;

import dev.nightbench.client.ModelClient;
import dev.nightbench.measure.CellExecutor;
import dev.nightbench.measure.CircuitBreakers;
import dev.nightbench.measure.SweepState;
import dev.nightbench.plan.Plan;
import dev.nightbench.quality.QualityChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import java.util.Map;

/**
 * What one job execution works with: the plan, a client per model, the circuit breakers and the state of the
 * load sweeps; the run id lives in the job execution context ({@link RunContext}), read through here.
 * A {@code @JobScope} bean ({@link RunSessionConfiguration}), built by {@link RunSessionFactory} when the job
 * starts (or restarts) and closed by Spring Batch when the job scope ends, which closes the clients.
 *
 * <p>Not final, with public methods: the job scope hands out a class-based proxy that resolves to the current
 * job execution's session.
 */
public class RunSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunSession.class);

    private final Plan plan;
    private final String snapshot;
    private final Map<String, ModelClient> clients;
    private final AutoCloseable resources;
    private final CircuitBreakers breakers;
    private final SweepState sweeps;
    private final CellExecutor executor;
    private final ExecutionContext jobContext;
    private final QualityChecks checks;
    private final ModelClient judge;

    RunSession(Plan plan, String snapshot, Map<String, ModelClient> clients, ModelClient judge, AutoCloseable resources,
               CircuitBreakers breakers, SweepState sweeps, CellExecutor executor, ExecutionContext jobContext) {
        this.judge = judge;
        this.plan = plan;
        this.snapshot = snapshot;
        this.clients = Map.copyOf(clients);
        this.resources = resources;
        this.breakers = breakers;
        this.sweeps = sweeps;
        this.executor = executor;
        this.jobContext = jobContext;
        this.checks = QualityChecks.of(plan);
    }

    /** The plan's answer checks, ready to run (regexes compiled, schemas loaded once per run). */
    public QualityChecks checks() {
        return checks;
    }

    public Plan plan() {
        return plan;
    }

    /** The plan text to store with the run: as written, before ${ENV} interpolation. */
    public String snapshot() {
        return snapshot;
    }

    public ModelClient client(String alias) {
        return clients.get(alias);
    }

    /** The judge's client (its own, with the judge's timeouts), or null when the plan has no judge. */
    public ModelClient judgeClient() {
        return judge;
    }

    public CircuitBreakers breakers() {
        return breakers;
    }

    public SweepState sweeps() {
        return sweeps;
    }

    public CellExecutor executor() {
        return executor;
    }

    /** The run id from the job execution context. */
    public long runId() {
        return RunContext.runId(jobContext)
                .orElseThrow(() -> new IllegalStateException("the run is not registered yet"));
    }

    /** Keeps the registered run's id and plan hash in the job execution context (saved by the caller). */
    public void registered(long runId) {
        RunContext.registered(jobContext, runId, plan.hash());
    }

    /** Closes the run's clients (and the simulated endpoint, when the plan uses it); a failure is only logged. */
    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            log.warn("Closing the run's clients failed: {}", e.toString());
        }
    }
}
