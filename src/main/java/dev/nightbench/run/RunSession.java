package dev.nightbench.run;

import dev.nightbench.client.ModelClient;
import dev.nightbench.measure.CellExecutor;
import dev.nightbench.measure.CircuitBreakers;
import dev.nightbench.measure.SweepState;
import dev.nightbench.plan.Plan;

import java.util.Map;

/**
 * What one job execution works with: the plan, its run id, a client per model, the circuit breakers and the
 * state of the load sweeps.
 * Created when the job starts (or restarts) and closed when it ends.
 */
public final class RunSession implements AutoCloseable {

    private final Plan plan;
    private final String snapshot;
    private final Map<String, ModelClient> clients;
    private final AutoCloseable resources;
    private final CircuitBreakers breakers;
    private final SweepState sweeps;
    private final CellExecutor executor;
    private volatile long runId = -1;

    RunSession(Plan plan, String snapshot, Map<String, ModelClient> clients, AutoCloseable resources, CircuitBreakers breakers,
               SweepState sweeps, CellExecutor executor) {
        this.plan = plan;
        this.snapshot = snapshot;
        this.clients = Map.copyOf(clients);
        this.resources = resources;
        this.breakers = breakers;
        this.sweeps = sweeps;
        this.executor = executor;
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

    public CircuitBreakers breakers() {
        return breakers;
    }

    public SweepState sweeps() {
        return sweeps;
    }

    public CellExecutor executor() {
        return executor;
    }

    public long runId() {
        if (runId < 0) {
            throw new IllegalStateException("the run is not registered yet");
        }
        return runId;
    }

    void runId(long id) {
        this.runId = id;
    }

    @Override
    public void close() throws Exception {
        resources.close();
    }
}
