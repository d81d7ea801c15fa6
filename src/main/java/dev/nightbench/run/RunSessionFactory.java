package dev.nightbench.run;

import dev.nightbench.client.ModelProviders;
import dev.nightbench.client.NanoClock;
import dev.nightbench.measure.AnswerChecks;
import dev.nightbench.measure.CellExecutor;
import dev.nightbench.measure.CircuitBreakers;
import dev.nightbench.measure.ClientCalibration;
import dev.nightbench.measure.ConversationHistory;
import dev.nightbench.measure.RetryPolicy;
import dev.nightbench.measure.SweepState;
import dev.nightbench.plan.LoadedPlan;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PlanLoader;
import dev.nightbench.quality.QualityChecks;
import dev.nightbench.store.ClientCalibrationStore;
import dev.nightbench.store.ConversationStore;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Builds the {@link RunSession} of a job execution: reads the plan from its file, checks it, and builds the
 * clients, breakers and cell executor. On a restart the plan is read again and must hash as it did when the run
 * started: a restart finishes the same cells, so it refuses a changed plan rather than mixing two.
 */
@Component
class RunSessionFactory {

    private final Clock clock;
    private final ClientFactory clientFactory;
    private final ClientCalibrationStore calibrations;
    private final ConversationStore conversations;
    private final ModelProviders providers;

    RunSessionFactory(Clock clock, ClientFactory clientFactory, ClientCalibrationStore calibrations,
                      ConversationStore conversations, ModelProviders providers) {
        this.conversations = conversations;
        this.providers = providers;
        this.clock = clock;
        this.clientFactory = clientFactory;
        this.calibrations = calibrations;
    }

    /**
     * @param planHash   the hash the plan had when the run started
     * @param jobContext the job execution context, where the run keeps its id ({@link RunContext})
     */
    RunSession open(Path planPath, String planHash, ExecutionContext jobContext) {
        return open(planPath, planHash, jobContext, null);
    }

    /** @param workers the run's {@code --workers} ({@link JobParams#workers()}), null for the plan's own {@code scale:} */
    RunSession open(Path planPath, String planHash, ExecutionContext jobContext, Integer workers) {
        LoadedPlan loaded = PlanLoader.with(providers).loadWithSnapshot(planPath);
        Plan plan = loaded.plan();
        if (!plan.hash().equals(planHash)) {
            throw new IllegalStateException("The plan " + planPath + " changed since this run started (hash "
                    + abbreviate(planHash) + " then, " + abbreviate(plan.hash()) + " now). Restore it to "
                    + "finish this run, or start a new run with the changed plan.");
        }
        ClientFactory.Clients clients = clientFactory.create(plan);
        var tokenizers = RunTokenizers.servers(clients.tokenizers());
        if (RunTokenizers.needsServers(plan)) {
            loaded = RunTokenizers.refit(PlanLoader.with(providers), planPath, tokenizers);
            plan = loaded.plan();
            if (!plan.hash().equals(planHash)) {
                throw new IllegalStateException("The plan " + planPath + " changed while the run started; start again");
            }
        }
        if (workers != null) {
            plan = plan.withScale(plan.scale().withWorkers(workers));
        }
        Plan session = plan;
        CircuitBreakers breakers = new CircuitBreakers(plan.run().failAfter());
        SweepState sweeps = new SweepState();
        CellExecutor executor = new CellExecutor(plan, clients.byModel()::get, breakers, RetryPolicy.from(plan.retry()),
                clock, d -> Thread.sleep(d), new SecureRandom(), NanoClock.SYSTEM, sweeps,
                new ClientCalibration(ClientCalibration.Key.current(Version.current()), StoreRows.calibrationCache(calibrations),
                        () -> new CalibrationTarget(session.run().timeouts()), clock), answerChecks(plan),
                PipelineJudge.of(plan, clients.judge()), conversationHistory(jobContext))
                .countTokensWith(dev.nightbench.plan.ModelTokenizers.of(plan, tokenizers));
        return new RunSession(plan, snapshot(loaded), clients.byModel(), clients.judge(), clients.resources(), breakers, sweeps, executor,
                jobContext);
    }

    /** The model's stored answers to a conversation's earlier turns in this run (the run id read when asked). */
    private ConversationHistory conversationHistory(ExecutionContext jobContext) {
        return (model, promptId) -> conversations.answersByRound(RunContext.runId(jobContext).orElseThrow(
                () -> new IllegalStateException("the run is not registered yet")), model, promptId);
    }

    /** Whether an answer passes all its prompt's checks ({@code quality}), for pipelines' {@code check_fails}. */
    static AnswerChecks answerChecks(Plan plan) {
        QualityChecks checks = QualityChecks.of(plan);
        return checks.isEmpty() ? AnswerChecks.NONE
                : (promptId, answer) -> checks.check(promptId, answer).stream().allMatch(QualityChecks.Result::passed);
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
