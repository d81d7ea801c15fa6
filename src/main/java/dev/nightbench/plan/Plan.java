package dev.nightbench.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A validated benchmark plan: which endpoints, which models on them, which prompts, and how to run.
 * Immutable; produced only by {@link PlanLoader}, which has already checked every field.
 *
 * @param name     plan name (from the file, or the file name without extension)
 * @param source   the file it was read from
 * @param endpoints endpoints by name
 * @param models   models in plan order (the order cells are run in)
 * @param prompts  prompts in plan order
 * @param run      run parameters
 * @param hash     SHA-256 (lower-case hex) of the plan's canonical content: the raw plan text and the raw
 *                 text of its included files, before env interpolation (see {@link PlanLoader})
 * @param description free text from the plan's {@code description:}, or null
 * @param load     the plan-level {@code load:} section (each model's effective load is {@link ModelSpec#load()})
 * @param slo      service-level objectives, {@link Slo#NONE} when not given
 * @param retry    per-failure-class retry overrides, {@link RetrySettings#NONE} when not given
 * @param judge    the {@code judge:} section, or null when answers are not judged
 * @param telemetry the {@code telemetry:} section, {@link TelemetrySpec#DEFAULT} when not given
 * @param selection the {@code selection:} section, or null when the plan states no selection scenario
 * @param pipelines the {@code pipelines:} (draft model, refine model, escalation rule), in plan order; empty for none
 * @param workloads the {@code prompts_from:} / {@code synthetic:} sources already drawn into {@code prompts}, and the
 *                  shared prefix; {@link Workloads#NONE} when not given
 * @param alerts    the {@code alerts:} targets, {@link AlertsSpec#NONE} when not given
 * @param scale     the {@code scale:} section (partitions and workers), {@link ScaleSpec#NONE} when not given
 */
public record Plan(String name, Path source, List<Endpoint> endpoints, List<ModelSpec> models,
                   List<PromptSpec> prompts, RunParams run, String hash, String description, LoadSpec load, Slo slo,
                   RetrySettings retry, JudgeSpec judge, TelemetrySpec telemetry, SelectionSpec selection,
                   List<PipelineSpec> pipelines, Workloads workloads, AlertsSpec alerts, ScaleSpec scale) {

    public Plan {
        alerts = alerts == null ? AlertsSpec.NONE : alerts;
        scale = scale == null ? ScaleSpec.NONE : scale;
        workloads = workloads == null ? Workloads.NONE : workloads;
        pipelines = pipelines == null ? List.of() : List.copyOf(pipelines);
        telemetry = telemetry == null ? TelemetrySpec.DEFAULT : telemetry;
        endpoints = List.copyOf(endpoints);
        models = List.copyOf(models);
        prompts = List.copyOf(prompts);
        load = load == null ? LoadSpec.NONE : load;
        slo = slo == null ? Slo.NONE : slo;
        retry = retry == null ? RetrySettings.NONE : retry;
    }

    /** A plan without a {@code scale:} section (the constructor before it was added). */
    public Plan(String name, Path source, List<Endpoint> endpoints, List<ModelSpec> models,
                List<PromptSpec> prompts, RunParams run, String hash, String description, LoadSpec load, Slo slo,
                RetrySettings retry, JudgeSpec judge, TelemetrySpec telemetry, SelectionSpec selection,
                List<PipelineSpec> pipelines, Workloads workloads, AlertsSpec alerts) {
        this(name, source, endpoints, models, prompts, run, hash, description, load, slo, retry, judge, telemetry,
                selection, pipelines, workloads, alerts, null);
    }

    /** A plan without {@code alerts:} nor {@code scale:} (the constructor before they were added). */
    public Plan(String name, Path source, List<Endpoint> endpoints, List<ModelSpec> models,
                List<PromptSpec> prompts, RunParams run, String hash, String description, LoadSpec load, Slo slo,
                RetrySettings retry, JudgeSpec judge, TelemetrySpec telemetry, SelectionSpec selection,
                List<PipelineSpec> pipelines, Workloads workloads) {
        this(name, source, endpoints, models, prompts, run, hash, description, load, slo, retry, judge, telemetry,
                selection, pipelines, workloads, null);
    }

    /** A plan without workload sources (the constructor before they were added). */
    public Plan(String name, Path source, List<Endpoint> endpoints, List<ModelSpec> models,
                List<PromptSpec> prompts, RunParams run, String hash, String description, LoadSpec load, Slo slo,
                RetrySettings retry, JudgeSpec judge, TelemetrySpec telemetry, SelectionSpec selection,
                List<PipelineSpec> pipelines) {
        this(name, source, endpoints, models, prompts, run, hash, description, load, slo, retry, judge, telemetry,
                selection, pipelines, null);
    }

    /** A plan without {@code pipelines:} (the constructor before they were added). */
    public Plan(String name, Path source, List<Endpoint> endpoints, List<ModelSpec> models,
                List<PromptSpec> prompts, RunParams run, String hash, String description, LoadSpec load, Slo slo,
                RetrySettings retry, JudgeSpec judge, TelemetrySpec telemetry, SelectionSpec selection) {
        this(name, source, endpoints, models, prompts, run, hash, description, load, slo, retry, judge, telemetry,
                selection, null);
    }

    /** A plan without a {@code selection:} section (the constructor before it was added). */
    public Plan(String name, Path source, List<Endpoint> endpoints, List<ModelSpec> models,
                List<PromptSpec> prompts, RunParams run, String hash, String description, LoadSpec load, Slo slo,
                RetrySettings retry, JudgeSpec judge, TelemetrySpec telemetry) {
        this(name, source, endpoints, models, prompts, run, hash, description, load, slo, retry, judge, telemetry, null);
    }

    /** A plan without a {@code telemetry:} section (the constructor before it was added). */
    public Plan(String name, Path source, List<Endpoint> endpoints, List<ModelSpec> models,
                List<PromptSpec> prompts, RunParams run, String hash, String description, LoadSpec load, Slo slo,
                RetrySettings retry, JudgeSpec judge) {
        this(name, source, endpoints, models, prompts, run, hash, description, load, slo, retry, judge, null);
    }

    /** A plan without a judge. */
    public Plan(String name, Path source, List<Endpoint> endpoints, List<ModelSpec> models,
                List<PromptSpec> prompts, RunParams run, String hash, String description, LoadSpec load, Slo slo,
                RetrySettings retry) {
        this(name, source, endpoints, models, prompts, run, hash, description, load, slo, retry, null);
    }

    /** A plan without load, SLO or retry sections (the constructor before they were added). */
    public Plan(String name, Path source, List<Endpoint> endpoints, List<ModelSpec> models,
                List<PromptSpec> prompts, RunParams run, String hash, String description) {
        this(name, source, endpoints, models, prompts, run, hash, description, null, null, null);
    }

    /** A plan without a description (the constructor before {@code description} was added). */
    public Plan(String name, Path source, List<Endpoint> endpoints, List<ModelSpec> models,
                List<PromptSpec> prompts, RunParams run, String hash) {
        this(name, source, endpoints, models, prompts, run, hash, null, null, null, null);
    }

    /** The same plan with this hash (the loader's, once every included file, schema files too, was read). */
    public Plan withHash(String newHash) {
        return new Plan(name, source, endpoints, models, prompts, run, newHash, description, load, slo, retry, judge,
                telemetry, selection, pipelines, workloads, alerts, scale);
    }

    /** The same plan with these prompts (the loader's, once the workload sources were drawn). */
    public Plan withPrompts(List<PromptSpec> newPrompts, Workloads newWorkloads) {
        return new Plan(name, source, endpoints, models, newPrompts, run, hash, description, load, slo, retry, judge,
                telemetry, selection, pipelines, newWorkloads, alerts, scale);
    }

    /** The same plan with this {@code scale:} section (the validator's, once it was checked). */
    public Plan withScale(ScaleSpec newScale) {
        return new Plan(name, source, endpoints, models, prompts, run, hash, description, load, slo, retry, judge,
                telemetry, selection, pipelines, workloads, alerts, newScale);
    }

    /** The prompts the latency cells (and pipelines) measure one by one: all but those of {@code use: load} sources. */
    public List<PromptSpec> latencyPrompts() {
        return prompts.stream().filter(p -> !workloads.loadOnly(p)).toList();
    }

    /** The prompts a load cell cycles: those drawn from the source named {@code source}, or all when it is null. */
    public List<PromptSpec> loadPrompts(String source) {
        return source == null ? prompts : prompts.stream().filter(p -> source.equals(p.origin().source())).toList();
    }

    /** True when any prompt has {@code expect:} checks. */
    public boolean hasChecks() {
        return prompts.stream().anyMatch(p -> !p.expect().isEmpty());
    }

    /** True when the plan has a {@code judge:} section. */
    public boolean hasJudge() {
        return judge != null;
    }

    public Optional<Endpoint> endpoint(String endpointName) {
        return endpoints.stream().filter(e -> e.name().equals(endpointName)).findFirst();
    }

    public Optional<ModelSpec> model(String alias) {
        return models.stream().filter(m -> m.alias().equals(alias)).findFirst();
    }

    public Optional<PipelineSpec> pipeline(String pipelineName) {
        return pipelines.stream().filter(p -> p.name().equals(pipelineName)).findFirst();
    }

    public Optional<PromptSpec> prompt(String id) {
        return prompts.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** True when any endpoint is Nightbench's built-in simulated endpoint. */
    public boolean simulated() {
        return endpoints.stream().anyMatch(Endpoint::simulated);
    }
}
