package dev.nightbench.run;

import dev.nightbench.client.ModelClientException;
import dev.nightbench.measure.Cell;
import dev.nightbench.measure.CellExecutor.Attempt;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.measure.CellPlanner;
import dev.nightbench.measure.SweepState;
import dev.nightbench.plan.Endpoint;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.report.ReportService;
import dev.nightbench.store.AnswerStore;
import dev.nightbench.store.CheckStore;
import dev.nightbench.store.EnvironmentStore;
import dev.nightbench.store.JudgeStore;
import dev.nightbench.store.LoadPhaseStore;
import dev.nightbench.store.ModelAvailability;
import dev.nightbench.store.PipelineStore;
import dev.nightbench.store.AnswerRow;
import dev.nightbench.store.RequestRow;
import dev.nightbench.store.RequestStore;
import dev.nightbench.store.RunStatus;
import dev.nightbench.store.RunStore;
import dev.nightbench.store.SummaryStore;
import dev.nightbench.telemetry.HostEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What each step of the nightly job does, as plain calls; the job configuration only wires these into
 * Spring Batch steps.
 */
@Component
class RunSteps {

    private static final Logger log = LoggerFactory.getLogger(RunSteps.class);

    private final RunStore runs;
    private final RequestStore requests;
    private final AnswerStore answers;
    private final SummaryStore summaries;
    private final LoadPhaseStore loadPhases;
    private final ReportService reports;
    private final Clock clock;
    private final CheckStore checks;
    private final JudgeStore judges;
    private final EnvironmentStore environments;
    private final PipelineStore pipelines;

    RunSteps(RunStore runs, RequestStore requests, AnswerStore answers, SummaryStore summaries,
             LoadPhaseStore loadPhases, ReportService reports, Clock clock, CheckStore checks, JudgeStore judges,
             EnvironmentStore environments, PipelineStore pipelines) {
        this.environments = environments;
        this.pipelines = pipelines;
        this.checks = checks;
        this.judges = judges;
        this.runs = runs;
        this.requests = requests;
        this.answers = answers;
        this.summaries = summaries;
        this.loadPhases = loadPhases;
        this.reports = reports;
        this.clock = clock;
    }

    /**
     * Step 1: the runs row, with the plan snapshot (text before ${ENV} interpolation), models and prompts, the prompts'
     * checks, and the judge with its rubric when the plan has one.
     */
    long register(RunSession session, long jobInstanceId, JobParams params) {
        Plan plan = session.plan();
        int pairs = plan.models().size() * plan.latencyPrompts().size();
        HostEnvironment host = HostEnvironment.probe(System.getenv("PATH")); // before the insert: nvidia-smi may take a moment
        CrashPoints.reached("registerRun.before-insert");
        long runId = runs.register(new RunStore.NewRun(jobInstanceId, plan, session.snapshot(), params.runDate(), params.label(),
                hostName(), Version.current(), clock.instant(), pairs));
        checks.register(StoreRows.plannedChecks(runId, plan));
        if (plan.hasJudge()) {
            judges.register(runId, plan.judge(), plan.prompts());
        }
        // the host, JVM, GPU and plan settings, so `nightbench compare` can say what differed (V16)
        environments.record(EnvironmentRows.environment(runId, host, clock.instant()), EnvironmentRows.settings(plan));
        pipelines.register(runId, plan.pipelines());
        CrashPoints.reached("registerRun.after-insert");
        session.registered(runId);
        RunMdc.run(runId);
        long loadCells = CellPlanner.measureCells(plan).stream().filter(Cell::isLoad).count();
        log.info("Run {} of plan '{}' ({} models x {} prompts x {} rounds{}{}{})", runId, plan.name(),
                plan.models().size(), plan.prompts().size(), plan.run().rounds(),
                loadCells == 0 ? "" : ", " + loadCells + " load cells",
                plan.pipelines().isEmpty() ? "" : ", " + plan.pipelines().size() + " pipeline"
                        + (plan.pipelines().size() == 1 ? "" : "s"), plan.simulated() ? ", SIMULATED endpoint" : "");
        return runId;
    }

    /** Step 2: GET /v1/models per endpoint; a model the server does not list is unavailable, with the reason. */
    void probe(RunSession session) {
        Plan plan = session.plan();
        long runId = session.runId();
        for (Endpoint endpoint : plan.endpoints()) {
            List<ModelSpec> models = plan.models().stream().filter(m -> m.endpoint().equals(endpoint.name())).toList();
            if (models.isEmpty()) {
                continue;
            }
            String where = endpoint.simulated() ? "the simulated endpoint" : endpoint.baseUrl() != null
                    ? endpoint.baseUrl().toString() : "type " + endpoint.type();
            List<String> listed;
            try {
                listed = session.client(models.getFirst().alias()).listModels();
            } catch (ModelClientException e) {
                for (ModelSpec m : models) {
                    markUnavailable(session, runId, m.alias(), "endpoint '" + endpoint.name() + "' (" + where
                            + ") did not answer GET /models: " + e.failure().code() + ": " + e.getMessage());
                }
                continue;
            }
            for (ModelSpec m : models) {
                if (listed.contains(m.model())) {
                    runs.setAvailability(runId, m.alias(), ModelAvailability.AVAILABLE, null);
                } else {
                    markUnavailable(session, runId, m.alias(), "endpoint '" + endpoint.name() + "' (" + where
                            + ") does not list model '" + m.model() + "'; it lists: " + abbreviated(listed));
                }
            }
        }
    }

    private void markUnavailable(RunSession session, long runId, String alias, String reason) {
        log.warn("Model {} is unavailable: {}", alias, reason);
        runs.setAvailability(runId, alias, ModelAvailability.UNAVAILABLE, reason);
        session.breakers().open(alias, "unavailable: " + reason);
    }

    /**
     * Restores what an earlier execution of this run learned: unavailable and failed models stay skipped, and a
     * sweep that broke at some level keeps its higher levels skipped. A model whose weights file (an in-process
     * provider's, {@code run_models.model_sha256}) changed since then is skipped too, and fails with that reason: one
     * run never mixes two models under one alias (as a changed dataset file makes the plan hash refuse the restart).
     */
    void restoreModelStates(RunSession session) {
        for (RunStore.ModelState m : runs.models(session.runId())) {
            if (m.availability().isFailure()) {
                session.breakers().open(m.modelAlias(), m.availability() + ": " + m.failureReason());
            } else if (m.modelSha256() != null) {
                ModelSpec spec = session.plan().model(m.modelAlias()).orElse(null);
                String now = spec == null ? null : session.client(m.modelAlias()).modelSha256(spec.model());
                if (now != null && !now.equals(m.modelSha256())) {
                    log.warn("Model {}: its weights file {} changed since this run began", m.modelAlias(), spec.model());
                    session.breakers().open(m.modelAlias(), "its weights file " + spec.model() + " changed since this"
                            + " run began (sha256 " + m.modelSha256().substring(0, 12) + " then, " + now.substring(0, 12)
                            + " now): a restart does not mix two models in one run");
                }
            }
        }
        for (LoadPhaseStore.BrokenLevel b : loadPhases.brokenSweepLevels(session.runId())) {
            session.sweeps().stop(b.modelAlias(), SweepState.reason(b.sloBroken(), b.loadMode(), b.loadLevel()));
        }
    }

    /**
     * Step 3 (processor): a model's warm-up cell, unless an earlier execution already committed it. Cold start = the
     * TTFT of the first warm-up request that succeeded ({@link #coldStart}); a model without one (its breaker is
     * open, or no request succeeded) gets the reason instead.
     */
    WarmUp warmUp(RunSession session, Cell cell) {
        long runId = session.runId();
        if (requests.cellStored(runId, cell.phase(), cell.index())) {
            return null;
        }
        var open = session.breakers().openReason(cell.modelAlias());
        if (open.isPresent()) {
            return new WarmUp(cell, null, new ColdStart(null, "not warmed up: " + open.get()), null);
        }
        ModelLoad loaded;
        try {
            loaded = load(session, cell.modelAlias());
        } catch (ModelClientException e) {
            unloadable(session, runId, cell.modelAlias(), e);
            return new WarmUp(cell, null, new ColdStart(null, "not warmed up: the model could not be loaded"), null);
        }
        CellResult result = session.executor().execute(cell);
        return new WarmUp(cell, result, coldStart(result.attempts()), loaded);
    }

    /** A model its provider could not load is unavailable, its breaker open, with the load's failure as the reason. */
    private void unloadable(RunSession session, long runId, String alias, ModelClientException e) {
        markUnavailable(session, runId, alias, "could not be loaded: " + e.failure().code() + ": " + e.getMessage());
    }

    /**
     * A provider that runs the model itself (in-process) loads it now, before its first request, and says how long
     * that took ({@link dev.nightbench.client.ModelClient#load}) or why it loaded nothing (already loaded in the
     * process); null for a server.
     */
    private static ModelLoad load(RunSession session, String alias) {
        ModelSpec model = session.plan().model(alias).orElseThrow();
        dev.nightbench.client.ModelClient client = session.client(alias);
        java.time.Duration took = client.load(model.model());
        String note = took == null ? client.loadNote(model.model()) : null;
        if (took != null) {
            log.info("Model {} loaded in {} ms", alias, took.toMillis());
        } else if (note != null) {
            log.info("Model {} not loaded: {}", alias, note);
        }
        String sha256 = client.modelSha256(model.model());
        return took == null && note == null && sha256 == null ? null
                : new ModelLoad(took == null ? null : took.toNanos() / 1e6, note, sha256);
    }

    /**
     * What loading a model took ({@code run_models.load_ms}), or why nothing was loaded ({@code load_note}), and the
     * SHA-256 of its weights file ({@code model_sha256}); each null when the provider has none.
     */
    record ModelLoad(Double ms, String note, String sha256) {
    }

    /**
     * Step 3 (writer): the warm-up cells' rows, stored as the measure step's writer stores a cell ({@link #write}),
     * and each model's cold start, in the chunk's transaction.
     */
    void writeWarmUps(RunSession session, List<? extends WarmUp> warmUps) {
        write(session, warmUps.stream().map(WarmUp::result).filter(Objects::nonNull).toList());
        for (WarmUp w : warmUps) {
            runs.setColdStart(session.runId(), w.cell().modelAlias(), w.coldStart().ms(), w.coldStart().note());
            if (w.load() != null) {
                runs.setLoad(session.runId(), w.cell().modelAlias(), w.load().ms(), w.load().note(), w.load().sha256());
            }
        }
    }

    /** Step 3 with {@code run.warmup: 0}: no warm-up cells, so every model gets the note instead of a cold start. */
    void noWarmUpPlanned(RunSession session) {
        if (session.plan().run().warmup() > 0) {
            return;
        }
        long runId = session.runId();
        for (ModelSpec m : session.plan().models()) {
            runs.setColdStart(runId, m.alias(), null, "no warm-up requests planned (run.warmup: 0)");
            if (session.breakers().openReason(m.alias()).isPresent()) {
                continue;
            }
            try {
                ModelLoad loaded = load(session, m.alias());
                if (loaded != null) {
                    runs.setLoad(runId, m.alias(), loaded.ms(), loaded.note(), loaded.sha256());
                }
            } catch (ModelClientException e) {
                unloadable(session, runId, m.alias(), e);
            }
        }
    }

    /**
     * A warm-up cell's outcome: its result (null when it was not run), its model's cold start, and what a provider's
     * load of the model took (null for a server).
     */
    record WarmUp(Cell cell, CellResult result, ColdStart coldStart, ModelLoad load) {
    }

    /** A model's cold start, or why it has none. */
    record ColdStart(Double ms, String note) {
    }

    /**
     * The TTFT (E2E when not streamed) of the first warm-up attempt that succeeded, in request and attempt order;
     * failed attempts never count, even when they reached a first token. Null with the reason when none succeeded.
     */
    static ColdStart coldStart(List<Attempt> attempts) {
        for (Attempt a : attempts) {
            if (a.measurement().ok()) {
                Double ms = a.measurement().ttftMs() != null ? a.measurement().ttftMs() : a.measurement().e2eMs();
                return ms != null ? new ColdStart(ms, null)
                        : new ColdStart(null, "the first successful warm-up request had no first token");
            }
        }
        if (attempts.isEmpty()) {
            return new ColdStart(null, "no warm-up request was sent");
        }
        Attempt last = attempts.getLast();
        return new ColdStart(null, "no warm-up request succeeded (" + attempts.size() + " attempt"
                + (attempts.size() == 1 ? "" : "s") + "; last: " + last.measurement().errorType() + ": "
                + last.measurement().errorMessage() + ")");
    }

    /** Step 4 (processor): runs a cell unless an earlier execution already committed it. */
    CellResult measure(RunSession session, Cell cell) {
        if (requests.cellStored(session.runId(), cell.phase(), cell.index())) {
            log.info("Cell {} ({} / {}) was committed before the restart; not repeated", cell.index(),
                    cell.modelAlias(), cell.isLoad() ? cell.describeLoad() : cell.promptId());
            return null;
        }
        return session.executor().execute(cell);
    }

    /**
     * Step 4 (writer): the cells' request rows, their whole answers, the check results of their answers and, for load
     * cells, their phases, in the chunk's transaction.
     */
    void write(RunSession session, List<? extends CellResult> results) {
        List<RequestRow> rows = new ArrayList<>();
        List<AnswerRow> answerRows = new ArrayList<>();
        List<CheckStore.CheckResultRow> checked = new ArrayList<>();
        for (CellResult r : results) {
            rows.addAll(rows(session, r));
            answerRows.addAll(StoreRows.answers(session.runId(), r));
            checked.addAll(StoreRows.checkResults(session.runId(), r, session.checks()));
        }
        requests.insert(rows);
        answers.insert(answerRows);
        checks.insert(checked);
        for (CellResult r : results) {
            pipelines.insertJudgements(StoreRows.judgements(session.runId(), r));
            if (r.load() != null) {
                loadPhases.insert(StoreRows.loadPhase(session.runId(), r.cell(), r.load()));
            }
        }
    }

    /** After the measure step: a model whose breaker opened is marked failed with its reason. */
    void markFailedModels(RunSession session) {
        long runId = session.runId();
        Map<String, ModelAvailability> states = runs.models(runId).stream()
                .collect(Collectors.toMap(RunStore.ModelState::modelAlias, RunStore.ModelState::availability));
        for (ModelSpec m : session.plan().models()) {
            session.breakers().openReason(m.alias()).ifPresent(reason -> {
                if (states.get(m.alias()) != ModelAvailability.UNAVAILABLE) {
                    runs.setAvailability(runId, m.alias(), ModelAvailability.FAILED, reason);
                }
            });
        }
    }

    /** Step 5. */
    int aggregate(long runId) {
        return summaries.aggregate(runId);
    }

    /** Step 6: the last step, so the run is complete as far as the report can tell. */
    Path report(long runId) {
        runs.finish(runId, RunStatus.COMPLETED, null, clock.instant());
        return reports.write(runId);
    }

    /**
     * After the job: the run's results.json again, if its report step wrote one, so the file carries the status and
     * end time the job finally recorded (a --fail-on-model-failure run ends FAILED after its report was written).
     */
    void refreshResults(long runId) {
        reports.refreshResultsJson(runId);
    }

    private static List<RequestRow> rows(RunSession session, CellResult result) {
        Cell cell = result.cell();
        boolean simulated = session.plan().model(cell.modelAlias())
                .flatMap(m -> session.plan().endpoint(m.endpoint())).map(Endpoint::simulated).orElse(false);
        return StoreRows.requests(session.runId(), result, simulated);
    }

    private static String abbreviated(List<String> items) {
        if (items.isEmpty()) {
            return "(none)";
        }
        String joined = String.join(", ", items.subList(0, Math.min(10, items.size())));
        return items.size() > 10 ? joined + ", … (" + items.size() + " in all)" : joined;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
