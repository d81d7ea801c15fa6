package dev.nightbench.report;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static dev.nightbench.report.JsonTree.object;
import static dev.nightbench.report.JsonTree.put;
import static dev.nightbench.report.JsonTree.record;

/**
 * A run's {@code results.json}: the figures of its report as one JSON document that a script reads without SQL or
 * screen-scraping, in the versioned shape {@value #SCHEMA_ID} described member by member by
 * {@code src/main/resources/results.schema.json} (JSON Schema draft 2020-12, checked by {@code ResultsJsonTest}
 * against whole runs). Why a schema and a version: CI jobs and dashboards parse this file, so a member that is renamed
 * or removed must be a new version ({@code schema_version} 2), never a silent change; members are only ever added
 * within v1, so a reader ignores members it does not know.
 *
 * <p>Everything comes from the database through the report's own reads ({@link ReportData}, {@link Visibility},
 * the stored comparison) plus {@link ResultsData}, so the file written beside {@code report.md} and the document
 * {@code nightbench report --format json RUN} prints later are the same bytes while the run's rows are unchanged.
 * {@code selection} is null until the model selection (issue 13, item 2) fills it.
 */
final class ResultsJson {

    /** The file's name in a run's report directory. */
    static final String FILE = "results.json";

    static final String SCHEMA_ID = "https://nightbench.dev/results/v1";
    static final int SCHEMA_VERSION = 1;

    /** Where the shape is described, on the classpath. */
    static final String SCHEMA_RESOURCE = "/results.schema.json";

    private static final Set<String> MODEL_KEYS = Set.of("modelAlias");

    private ResultsJson() {
    }

    /** The run's document from what is stored: the run, its figures and its stored comparison (not redone here). */
    static String render(ReportRepository repository, long runId) {
        ReportData.Run run = repository.run(runId)
                .orElseThrow(() -> new IllegalArgumentException("no run with id " + runId));
        ReportData data = repository.load(run, repository.slo(runId), repository.loadLevels(runId));
        return render(repository, data, repository.visibility(runId));
    }

    /**
     * Rewrites the run's file with what is stored now, when its report directory has one: the job's listener calls
     * this after recording how the job ended, so the file says what the database says. No report, no file.
     */
    static void refresh(ReportRepository repository, Path reportsDir, long runId, String databaseId) {
        ReportData.Run run = repository.run(runId).orElse(null);
        Path file = run == null ? null
                : reportsDir.resolve(ReportFolders.name(run.runDate(), runId, databaseId)).resolve(FILE);
        if (file != null && Files.exists(file)) {
            try {
                Files.writeString(file, render(repository, runId), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
    }

    /** The document of a run whose report data is already read. */
    static String render(ReportRepository repository, ReportData data, Visibility visibility) {
        long runId = data.run().runId();
        ObjectNode root = tree(data, visibility, repository.results(runId), repository.comparisons(runId));
        root.set("selection", selection(repository.selection(data.run(), 1)));
        return JsonTree.write(root);
    }

    static ObjectNode tree(ReportData data, Visibility visibility, ResultsData results,
                           List<TrendAnalysis.Row> comparisons) {
        ObjectNode root = object();
        put(root, "schema", SCHEMA_ID);
        put(root, "schema_version", SCHEMA_VERSION);
        root.set("run", run(data.run()));
        root.set("slo", record(data.slo(), Set.of()));
        root.set("judge", judge(data.quality()));
        ArrayNode models = root.putArray("models");
        for (ResultsData.Model m : results.models()) {
            models.add(model(m, data, visibility, results));
        }
        ArrayNode prompts = root.putArray("prompts");
        for (ReportData.ModelRow r : data.prompts()) {
            if (r.serial()) {
                ObjectNode p = prompts.addObject();
                put(p, "model_alias", r.modelAlias());
                put(p, "prompt_id", r.promptId());
                p.set("aggregate", aggregate(r, results.tail(r.modelAlias(), r.promptId())));
                p.set("quality", quality(data.quality(), r.modelAlias(), r.promptId()));
            }
        }
        ArrayNode levels = root.putArray("load_levels");
        data.loadLevels().forEach(l -> levels.add(record(l, Set.of())));
        ArrayNode sweeps = root.putArray("sweeps");
        data.sweeps().forEach(s -> sweeps.add(record(s, Set.of())));
        root.set("comparisons", comparisons(results.baseline(), comparisons));
        root.putNull("selection"); // render() fills it from the model_selection view (issue 13 item 2)
        return root;
    }

    /**
     * The model selection (the report's "Model selection" section): every model on the six dimensions with cost, the
     * constraints it failed and its score when ranked, and the verdict: the recommended default and the runner-up
     * with their reasons (null without a {@code selection:} section, or when no model meets its constraints).
     */
    static ObjectNode selection(SelectionData data) {
        ModelSelection.Verdict verdict = ModelSelection.decide(data);
        ObjectNode node = object();
        put(node, "planned", data.hasSelection());
        put(node, "ranking", verdict.ranking());
        put(node, "recommended", verdict.recommended() == null ? null : verdict.recommended().row().modelAlias());
        put(node, "reason", verdict.reason());
        put(node, "runner_up", verdict.runnerUp() == null ? null : verdict.runnerUp().row().modelAlias());
        put(node, "runner_up_reason", verdict.runnerUpReason());
        ArrayNode models = node.putArray("models");
        for (ModelSelection.Assessed a : verdict.models()) {
            ObjectNode m = record(a.row(), Set.of());
            put(m, "meets_constraints", a.meets());
            ArrayNode failures = m.putArray("failures");
            a.failures().forEach(failures::add);
            put(m, "score", a.score());
            models.add(m);
        }
        return node;
    }

    private static ObjectNode run(ReportData.Run r) {
        ObjectNode run = object();
        put(run, "run_id", r.runId());
        put(run, "plan_name", r.planName());
        put(run, "plan_path", r.planPath());
        put(run, "plan_hash", r.planHash());
        put(run, "label", r.label());
        put(run, "run_date", r.runDate());
        put(run, "status", r.status());
        put(run, "exit_message", r.exitMessage());
        put(run, "started_at", r.startedAt());
        put(run, "finished_at", r.finishedAt());
        put(run, "simulated", r.simulated());
        put(run, "nightbench_version", r.nightbenchVersion());
        put(run, "host", r.host());
        return run;
    }

    /** Who judged and the rubric; null for a run without one. */
    private static ObjectNode judge(QualityData quality) {
        JudgeData judge = quality.judge();
        if (!judge.planned()) {
            return null;
        }
        ObjectNode node = record(judge.judge() != null ? judge.judge() : new JudgeData.Judge(null, null, null, null),
                Set.of());
        node.set("criteria", JsonTree.array(judge.criteria()));
        return node;
    }

    private static ObjectNode model(ResultsData.Model m, ReportData data, Visibility visibility, ResultsData results) {
        ObjectNode node = object();
        put(node, "model_alias", m.modelAlias());
        put(node, "endpoint_name", m.endpointName());
        put(node, "server_model", m.serverModel());
        put(node, "simulated", m.simulated());
        put(node, "availability", m.availability());
        put(node, "failure_reason", m.failureReason());
        put(node, "size_mb", m.sizeMb());
        put(node, "capabilities", m.capabilities());
        if (m.priceInputPer1k() == null && m.priceOutputPer1k() == null) {
            node.putNull("price");
        } else {
            ObjectNode price = node.putObject("price");
            put(price, "input_per_1k", m.priceInputPer1k());
            put(price, "output_per_1k", m.priceOutputPer1k());
        }
        put(node, "cold_start_ms", m.coldStartMs());
        put(node, "cold_start_note", m.coldStartNote());
        put(node, "endpoint_type", m.endpointType());
        put(node, "load_ms", m.loadMs());
        put(node, "load_note", m.loadNote());
        put(node, "model_sha256", m.modelSha256());
        ReportData.ModelRow serial = data.models().stream()
                .filter(r -> r.serial() && r.modelAlias().equals(m.modelAlias())).findFirst().orElse(null);
        node.set("aggregate", serial == null ? null : aggregate(serial, results.tail(m.modelAlias(), SampleSet.ALL_PROMPTS)));
        node.set("retries", visibility.retries().stream()
                .filter(r -> "serial".equals(r.loadMode()) && r.modelAlias().equals(m.modelAlias()))
                .findFirst().map(ResultsJson::retries).orElse(null));
        node.set("quality", quality(data.quality(), m.modelAlias(), null));
        ArrayNode telemetry = node.putArray("telemetry");
        results.telemetry().stream().filter(t -> t.modelAlias().equals(m.modelAlias()))
                .forEach(t -> telemetry.add(record(t, MODEL_KEYS)));
        return node;
    }

    /** A summaries row of the latency cells (serial), all prompts or one, with the tail the report does not show. */
    private static ObjectNode aggregate(ReportData.ModelRow r, ResultsData.Tail t) {
        ObjectNode a = object();
        put(a, "requests", r.requests());
        put(a, "ok_requests", r.okRequests());
        put(a, "success_rate", r.successRate());
        put(a, "error_rate", r.errorRate());
        a.set("ttft_ms", latency(r.ttft().mean(), r.ttftMsP50(), r.ttftMsP95(), t.ttftMsP99(), r.ttft()));
        a.set("tpot_ms", latency(t.tpotMsMean(), r.tpotMsP50(), r.tpotMsP95(), t.tpotMsP99(),
                new ReportData.Spread(t.tpotMsMean(), t.tpotMsN(), t.tpotMsCi95Low(), t.tpotMsCi95High(), null)));
        a.set("e2e_ms", latency(r.e2eMsMean(), r.e2eMsP50(), r.e2eMsP95(), t.e2eMsP99(), r.e2e()));
        ObjectNode decode = a.putObject("decode_tps");
        put(decode, "mean", t.decodeTpsMean());
        put(decode, "p50", r.decodeTpsP50());
        put(decode, "p95", t.decodeTpsP95());
        put(a, "e2e_tps_mean", r.e2eTpsMean());
        ObjectNode tokens = a.putObject("tokens");
        put(tokens, "prompt", r.promptTokens());
        put(tokens, "output", r.outputTokens());
        put(a, "cost_estimate", r.costEstimate());
        put(a, "goodput", r.goodput());
        put(a, "goodput_requests", r.goodputRequests());
        return a;
    }

    private static ObjectNode latency(Double mean, Double p50, Double p95, Double p99, ReportData.Spread spread) {
        ObjectNode l = object();
        put(l, "mean", mean);
        put(l, "p50", p50);
        put(l, "p95", p95);
        put(l, "p99", p99);
        put(l, "n", spread.n());
        put(l, "ci95_low", spread.ci95Low());
        put(l, "ci95_high", spread.ci95High());
        return l;
    }

    private static ObjectNode retries(Visibility.Retries r) {
        ObjectNode node = record(r, Set.of("modelAlias", "loadMode", "loadLevel", "retriesByError"));
        ObjectNode byError = node.putObject("retries_by_error");
        // Visibility reads retry_summary's JSON object as "error n, error n" for the report; error types hold neither
        for (String part : r.retriesByError().isEmpty() ? new String[0] : r.retriesByError().split(", ")) {
            int space = part.lastIndexOf(' ');
            put(byError, part.substring(0, space), Long.parseLong(part.substring(space + 1)));
        }
        return node;
    }

    /**
     * Check pass rate and judge scores of a model (promptId null) or of one of its prompts: {@code checks} null when
     * the run has no checks, {@code judge} null when it has no rubric.
     */
    private static ObjectNode quality(QualityData q, String modelAlias, String promptId) {
        ObjectNode node = object();
        if (!q.planned()) {
            node.putNull("checks");
        } else {
            QualityData.Rate rate = promptId == null ? q.model(modelAlias) : q.prompt(modelAlias, promptId);
            node.set("checks", rate == null ? null : record(rate, Set.of("modelAlias", "promptId")));
        }
        JudgeData judge = q.judge();
        if (!judge.planned()) {
            node.putNull("judge");
            return node;
        }
        ObjectNode j = node.putObject("judge");
        ArrayNode scores = j.putArray("scores");
        (promptId == null ? judge.models() : judge.prompts()).stream()
                .filter(s -> s.modelAlias().equals(modelAlias) && (promptId == null || promptId.equals(s.promptId())))
                .forEach(s -> scores.add(record(s, Set.of("modelAlias", "promptId"))));
        j.set("outcomes", promptId != null ? null : judge.outcomes().stream()
                .filter(o -> o.modelAlias().equals(modelAlias)).findFirst()
                .map(o -> record(o, MODEL_KEYS)).orElse(null));
        return node;
    }

    private static ObjectNode comparisons(ResultsData.Baseline baseline, List<TrendAnalysis.Row> rows) {
        ObjectNode node = object();
        node.set("baseline", baseline == null ? null : record(baseline, Set.of()));
        ArrayNode list = node.putArray("rows");
        for (TrendAnalysis.Row row : rows) {
            Comparison c = row.comparison();
            ObjectNode r = list.addObject();
            put(r, "model_alias", row.key().modelAlias());
            put(r, "prompt_id", row.key().promptId());
            put(r, "load_mode", row.key().loadMode());
            put(r, "load_level", row.key().loadLevel());
            put(r, "metric", c.metric().column());
            put(r, "criterion", c.criterion());
            put(r, "baseline_median", c.baselineMedian());
            put(r, "current_median", c.currentMedian());
            put(r, "change_pct", c.changePct());
            put(r, "p_value", c.pValue());
            put(r, "p_adjusted", c.pAdjusted());
            put(r, "n_baseline", c.nBaseline());
            put(r, "n_current", c.nCurrent());
            put(r, "test", c.test());
            put(r, "verdict", c.verdict().column());
        }
        return node;
    }
}
