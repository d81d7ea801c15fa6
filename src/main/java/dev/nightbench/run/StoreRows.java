package dev.nightbench.run;

import dev.nightbench.measure.Cell;
import dev.nightbench.measure.CellExecutor.Attempt;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.measure.CellExecutor.LoadPhase;
import dev.nightbench.measure.ClientCalibration;
import dev.nightbench.measure.ClientLoad;
import dev.nightbench.measure.DraftJudge;
import dev.nightbench.measure.Measurement;
import dev.nightbench.store.AnswerRow;
import dev.nightbench.plan.CheckSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.quality.QualityChecks;
import dev.nightbench.store.CheckStore;
import dev.nightbench.store.ClientCalibrationStore;
import dev.nightbench.store.LoadPhaseStatus;
import dev.nightbench.store.LoadPhaseStore;
import dev.nightbench.store.PipelineStore;
import dev.nightbench.store.RequestRow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place where what {@code measure} produced becomes what {@code store} writes, and where the calibration
 * cache that {@code measure} asks for is answered by {@code store}: so {@code store} knows its tables and nothing of
 * measurement, and {@code measure} knows its records and nothing of SQL.
 */
public final class StoreRows {

    private StoreRows() {
    }

    /** Every attempt of a cell, as {@code requests} rows of the run. */
    public static List<RequestRow> requests(long runId, CellResult result, boolean simulated) {
        List<RequestRow> rows = new ArrayList<>(result.attempts().size());
        for (Attempt a : result.attempts()) {
            rows.add(request(runId, result.cell(), a, simulated));
        }
        return rows;
    }

    /**
     * One attempt of a cell as its {@code requests} row; the attempt's prompt and model (a pipeline stage's), or else
     * the cell's.
     */
    public static RequestRow request(long runId, Cell cell, Attempt a, boolean simulated) {
        Measurement m = a.measurement();
        return new RequestRow(runId, cell.phase(), cell.index(), a.requestIndex(), a.attempt(), a.isFinal(),
                a.modelAlias() != null ? a.modelAlias() : cell.modelAlias(), a.promptId() != null ? a.promptId() : cell.promptId(), a.round(), cell.loadMode(),
                cell.loadLevel(), m.status(), m.errorType(), m.errorMessage(), m.httpStatus(), m.retryAfterMs(),
                m.startedAt(), a.scheduledLagMs(), m.streamed(), simulated, m.prepMs(), m.ttftMs(), m.ttfoMs(),
                m.e2eMs(), m.totalMs(), m.promptTokens(), m.outputTokens(), m.tokensSource(),
                m.outputTokensEstimate(), m.tokensDiffPct(), m.tpotMs(), m.decodeTps(), m.e2eTps(), m.chunkCount(),
                m.gapMeanMs(), m.gapP50Ms(), m.gapP95Ms(), m.gapMaxMs(), m.finishReason(), prefix(m.responseText()),
                m.reconnects(), m.backoffMs(), m.flags(), cell.pipeline(), a.stage(), m.cachedTokens(),
                m.promptTokensSource(), WorkerHost.name());
    }

    /** What {@code requests.response_prefix} keeps of an answer: its first {@link Measurement#PREFIX_CHARS} chars. */
    static String prefix(String answer) {
        return answer == null || answer.length() <= Measurement.PREFIX_CHARS ? answer
                : answer.substring(0, Measurement.PREFIX_CHARS);
    }

    /**
     * The whole answers of a cell's attempts, as {@code answers} rows: every attempt that succeeded (an empty answer
     * too: it is what the model said), and a failed attempt that received some content before it failed (a cut
     * stream's partial answer, flagged by its request's status); never a skipped request.
     */
    public static List<AnswerRow> answers(long runId, CellResult result) {
        List<AnswerRow> rows = new ArrayList<>();
        Cell cell = result.cell();
        for (Attempt a : result.attempts()) {
            Measurement m = a.measurement();
            String text = m.responseText();
            if (m.ok() ? text != null : m.failure() != null && text != null && !text.isEmpty()) {
                rows.add(new AnswerRow(runId, cell.phase(), cell.index(), a.requestIndex(), a.attempt(), text,
                        m.responseTruncated()));
            }
        }
        return rows;
    }

    /** What the judge said of a pipeline cell's drafts ({@code judge_below}), as {@code pipeline_judgements} rows. */
    public static List<PipelineStore.Judgement> judgements(long runId, CellResult result) {
        List<PipelineStore.Judgement> rows = new ArrayList<>();
        for (DraftJudge.Judgement j : result.judgements()) {
            DraftJudge.Opinion o = j.opinion();
            rows.add(new PipelineStore.Judgement(runId, result.cell().index(), j.requestIndex(), j.attempt(), o.status(),
                    o.meanScore(), o.reason(), o.reply(), o.latencyMs(), o.attempts()));
        }
        return rows;
    }

    /** The plan's checks as the run's {@code run_checks} rows. */
    public static List<CheckStore.PlannedCheck> plannedChecks(long runId, Plan plan) {
        List<CheckStore.PlannedCheck> rows = new ArrayList<>();
        for (PromptSpec p : plan.prompts()) {
            for (int i = 0; i < p.expect().size(); i++) {
                CheckSpec c = p.expect().get(i);
                rows.add(new CheckStore.PlannedCheck(runId, p.id(), i, c.kind(), c.describe()));
            }
        }
        return rows;
    }

    /**
     * The checks of every measured answer of a cell that succeeded, as {@code check_results} rows; a pipeline's stages
     * too (phase {@code pipeline}, kept out of the models' own quality by V18's views); warm-up cells and
     * failed or skipped attempts get none. The answer is {@link Measurement#responseText()}.
     */
    public static List<CheckStore.CheckResultRow> checkResults(long runId, CellResult result, QualityChecks checks) {
        Cell cell = result.cell();
        List<CheckStore.CheckResultRow> rows = new ArrayList<>();
        if (!(RequestRow.MEASURE.equals(cell.phase()) || RequestRow.PIPELINE.equals(cell.phase())) || checks.isEmpty()) {
            return rows;
        }
        for (Attempt a : result.attempts()) {
            Measurement m = a.measurement();
            if (!m.ok()) {
                continue;
            }
            String promptId = a.promptId() != null ? a.promptId() : cell.promptId();
            for (QualityChecks.Result r : checks.check(promptId, m.responseText())) {
                rows.add(new CheckStore.CheckResultRow(runId, cell.phase(), cell.index(), a.requestIndex(), a.attempt(),
                        promptId, r.index(), r.kind(), r.passed(), r.reason()));
            }
        }
        return rows;
    }

    /** A load cell as a whole, as its {@code load_phases} row. */
    public static LoadPhaseStore.LoadPhaseRow loadPhase(long runId, Cell cell, LoadPhase p) {
        return new LoadPhaseStore.LoadPhaseRow(runId, cell.index(), cell.modelAlias(), cell.loadMode(), cell.loadLevel(),
                cell.sweep(), p.offeredRate(), cell.duration() == null ? cell.requests() : null,
                cell.duration() == null ? null : cell.duration().toMillis(), p.requests(), p.sent(), p.okRequests(),
                p.wallMs(), p.maxInFlight(), p.startedAt(), p.skipped() ? LoadPhaseStatus.SKIPPED : LoadPhaseStatus.RAN,
                p.held(), p.sloBroken(), p.skipReason(), client(p.client()));
    }

    /** What the client did during a level, as the client columns of its {@code load_phases} row; null stays null. */
    public static LoadPhaseStore.ClientColumns client(ClientLoad c) {
        return c == null ? null : new LoadPhaseStore.ClientColumns(c.cpuShare(), c.cpus(), c.hostLoadAverage(),
                c.schedLagMsP95(), c.schedLagMsMax(), c.inFlightMean(), c.inFlightSteadyMean(), c.inFlightMax(),
                c.ceilingRps(), c.workerWaitShare(), c.limited(), c.reason());
    }

    /** The client's ceilings kept in {@code client_calibrations}, as the cache {@link ClientCalibration} asks for. */
    public static ClientCalibration.Cache calibrationCache(ClientCalibrationStore store) {
        return new ClientCalibration.Cache() {
            @Override
            public Optional<ClientCalibration.Ceiling> find(ClientCalibration.Key key, int concurrency) {
                return store.find(key(key), concurrency).map(c -> new ClientCalibration.Ceiling(c.concurrency(),
                        c.requestsPerSecond(), c.inFlightMean(), c.requests(), c.measuredAt()));
            }

            @Override
            public void save(ClientCalibration.Key key, ClientCalibration.Ceiling c) {
                store.save(key(key), new ClientCalibrationStore.CalibrationRow(c.concurrency(), c.requestsPerSecond(),
                        c.inFlightMean(), c.requests(), c.measuredAt()));
            }
        };
    }

    private static ClientCalibrationStore.CalibrationKey key(ClientCalibration.Key key) {
        return new ClientCalibrationStore.CalibrationKey(key.host(), key.jvm(), key.version(), key.cpus());
    }
}
