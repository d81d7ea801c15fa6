package dev.nightbench.run;

import dev.nightbench.client.NanoClock;
import dev.nightbench.measure.CellExecutor;
import dev.nightbench.measure.ClientCalibration;
import dev.nightbench.measure.CircuitBreakers;
import dev.nightbench.measure.RetryPolicy;
import dev.nightbench.measure.SweepState;
import dev.nightbench.plan.LoadedPlan;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PlanLoader;
import dev.nightbench.store.ClientCalibrationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens a {@link RunSession} when a job execution starts and closes it when it ends. On a restart the plan
 * is read again from its file and must hash as it did when the run started: a restart finishes the same
 * cells, so it refuses a changed plan rather than mixing two.
 */
@Component
public class RunSessions {

    private static final Logger log = LoggerFactory.getLogger(RunSessions.class);

    private final Map<Long, RunSession> sessions = new ConcurrentHashMap<>();
    private final Clock clock;
    private final ClientFactory clientFactory = new ClientFactory(System::getenv);

    private final ClientCalibrationStore calibrations;

    RunSessions(Clock clock, ClientCalibrationStore calibrations) {
        this.clock = clock;
        this.calibrations = calibrations;
    }

    RunSession open(long jobExecutionId, JobParams params) {
        LoadedPlan loaded = new PlanLoader().loadWithSnapshot(params.planPath());
        Plan plan = loaded.plan();
        if (!plan.hash().equals(params.planHash())) {
            throw new IllegalStateException("The plan " + params.planPath() + " changed since this run started (hash "
                    + abbreviate(params.planHash()) + " then, " + abbreviate(plan.hash()) + " now). Restore it to "
                    + "finish this run, or start a new run with the changed plan.");
        }
        ClientFactory.Clients clients = clientFactory.create(plan);
        CircuitBreakers breakers = new CircuitBreakers(plan.run().failAfter());
        SweepState sweeps = new SweepState();
        CellExecutor executor = new CellExecutor(plan, clients.byModel()::get, breakers, RetryPolicy.from(plan.retry()),
                clock, d -> Thread.sleep(d), new SecureRandom(), NanoClock.SYSTEM, sweeps,
                new ClientCalibration(ClientCalibration.Key.current(Version.current()), StoreRows.calibrationCache(calibrations),
                        () -> new CalibrationTarget(plan.run().timeouts()), clock));
        RunSession session = new RunSession(plan, snapshot(loaded), clients.byModel(), clients.resources(), breakers,
                sweeps, executor);
        sessions.put(jobExecutionId, session);
        return session;
    }

    RunSession get(long jobExecutionId) {
        RunSession s = sessions.get(jobExecutionId);
        if (s == null) {
            throw new IllegalStateException("no run session for job execution " + jobExecutionId);
        }
        return s;
    }

    void close(long jobExecutionId) {
        RunSession s = sessions.remove(jobExecutionId);
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                log.warn("Closing the run's clients failed: {}", e.toString());
            }
        }
    }

    /** The plan text as written (before ${ENV} interpolation, so without secret values), included files appended. */
    static String snapshot(LoadedPlan loaded) {
        StringBuilder sb = new StringBuilder(loaded.rawText());
        for (LoadedPlan.IncludedFile f : loaded.includedFiles()) {
            sb.append("\n# ---- ").append(f.key()).append(": ").append(f.path()).append(" ----\n").append(f.rawText());
        }
        return sb.toString();
    }

    private static String abbreviate(String hash) {
        return hash == null ? "none" : hash.substring(0, Math.min(12, hash.length()));
    }
}
