package dev.nightbench.plan;

import java.util.List;

/**
 * Checks a {@link RawPlan} (and the workshop files it includes) field by field and maps it onto the
 * {@link Plan} records. Every problem is collected with its file, line and field; the plan is built only
 * when there are none. Each section has its own validator ({@link EndpointValidator}, {@link ModelValidator},
 * {@link PromptValidator}, {@link RunValidator}, {@link LoadValidator}, with {@link IdValidator} for the names they
 * share); this one runs them in order, which is the order their problems are found in.
 */
final class PlanValidator {

    private final Source plan;
    private final Problems problems;
    private final LoadValidator loads;
    private final IdValidator idChecks;
    private final RunValidator runs;

    private final CheckValidator checks;
    private final java.util.function.Function<ModelSpec, Tokenizer> serverTokenizers;
    private final ProviderChecks providers;

    /** A validator for a plan without schema files (a check naming one is reported as unreadable). */
    PlanValidator(Source plan, Problems problems) {
        this(plan, problems, (source, name) -> new CheckValidator.SchemaFile(null, "cannot read '" + name + "'"));
    }

    PlanValidator(Source plan, Problems problems,
                  java.util.function.BiFunction<Source, String, CheckValidator.SchemaFile> schemaFiles) {
        this(plan, problems, schemaFiles, null, dev.nightbench.client.ModelProviders.installed());
    }

    /**
     * @param serverTokenizers a model's server tokenizer for {@code synthetic:}, or null offline (the estimate)
     * @param providers        the model providers an endpoint's {@code type:} may name
     */
    PlanValidator(Source plan, Problems problems,
                  java.util.function.BiFunction<Source, String, CheckValidator.SchemaFile> schemaFiles,
                  java.util.function.Function<ModelSpec, Tokenizer> serverTokenizers,
                  dev.nightbench.client.ModelProviders providers) {
        this.serverTokenizers = serverTokenizers;
        this.providers = new ProviderChecks(plan, problems, providers);
        this.plan = plan;
        this.problems = problems;
        this.checks = new CheckValidator(problems, schemaFiles);
        this.loads = new LoadValidator(plan, problems);
        this.idChecks = new IdValidator(plan, problems);
        this.runs = new RunValidator(plan, problems);
    }

    /** @return the plan, or null when problems were found */
    Plan toPlan(RawPlan raw, String defaultName, WorkshopFiles.Models fileModels, WorkshopFiles.Prompts filePrompts,
                String hash) {
        String name = name(raw.name(), defaultName);
        String description = raw.description();
        List<Endpoint> endpoints = new EndpointValidator(plan, problems, idChecks, runs, providers)
                .endpoints(raw.endpoints());
        FieldPath loadAt = FieldPath.of("load");
        LoadValidator.Part planLoad = loads.part(raw.load(), loadAt);
        List<ModelSpec> models = new ModelValidator(plan, problems, idChecks, loads, planLoad)
                .models(raw, endpoints, fileModels);
        providers.models(raw, endpoints, models);
        List<PromptSpec> prompts = new PromptValidator(plan, problems, idChecks, checks).prompts(raw, filePrompts);
        scriptedPrompts(endpoints, raw, prompts);
        RunParams run = runs.run(raw.run());
        JudgeSpec judge = new JudgeValidator(plan, problems, runs).judge(raw.judge(), endpoints, models, run);
        scriptedVerdicts(endpoints, raw, judge);
        Slo slo = loads.slo(raw.slo());
        RetrySettings retry = loads.retry(raw.retry());
        TelemetrySpec telemetry = new TelemetryValidator(plan, problems).telemetry(raw.telemetry());
        models = new CostValidator(plan, problems).effective(raw.cost(), raw.endpoints(), models);
        SelectionSpec selection = new SelectionValidator(plan, problems).selection(raw.selection());
        List<PipelineSpec> pipelines = new PipelineValidator(plan, problems, raw.judge() != null)
                .pipelines(raw.pipelines(), models, prompts);
        SyntheticValidator synthetic = new SyntheticValidator(plan, problems, serverTokenizers);
        List<SyntheticSpec> syntheticSources = synthetic.specs(raw.synthetic(), models, prompts);
        AlertsSpec alerts = new AlertValidator(plan, problems).alerts(raw.alerts());
        ScaleSpec scale = new ScaleValidator(plan, problems).scale(raw.scale(), endpoints);
        // the plan-level section as a whole; its gaps are reported only where a model uses it
        LoadSpec load = new LoadValidator(plan, new Problems()).effective(planLoad, LoadValidator.Part.EMPTY, loadAt);
        if (!problems.isEmpty()) {
            return null;
        }
        return synthetic.addTo(new Plan(name, plan.file(), endpoints, models, prompts, run, hash, description, load,
                slo, retry, judge, telemetry, selection, pipelines, null, alerts), syntheticSources).withScale(scale);
    }

    /** Every prompt id a simulated endpoint scripts an answer for is a prompt of the plan. */
    private void scriptedPrompts(List<Endpoint> endpoints, RawPlan raw, List<PromptSpec> prompts) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        prompts.forEach(p -> ids.add(p.id()));
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            int index = raw.endpoints().indexOf(raw.endpoints().stream().filter(r -> r != null
                    && e.name().equals(r.name())).findFirst().orElse(null));
            e.answers().forEach((model, byPrompt) -> byPrompt.keySet().forEach(key -> {
                // "<prompt id>@refine" scripts a pipeline's refine conversation of that prompt (PipelineSpec)
                String id = key.endsWith(PipelineSpec.REFINE_SUFFIX)
                        ? key.substring(0, key.length() - PipelineSpec.REFINE_SUFFIX.length()) : key;
                if (!ids.contains(id) && !DatasetValidator.drawnLater(raw, id)) { // a dataset's: checked once drawn
                    problems.add(plan, FieldPath.of("endpoints", index, "answers", model, key), "no prompt has id '" + id
                            + "'; prompt ids: " + String.join(", ", ids.stream().sorted().toList()));
                }
            }));
        }
    }

    /** A simulated endpoint's scripted verdicts are for the plan's judge, on that endpoint. */
    private void scriptedVerdicts(List<Endpoint> endpoints, RawPlan raw, JudgeSpec judge) {
        for (int i = 0; raw.endpoints() != null && i < raw.endpoints().size(); i++) {
            RawPlan.RawEndpoint r = raw.endpoints().get(i);
            Endpoint e = r == null ? null : endpoints.stream().filter(x -> x.name().equals(r.name())).findFirst()
                    .orElse(null);
            if (e == null) {
                continue;
            }
            for (String model : e.verdicts().keySet()) {
                if (judge == null || !judge.endpoint().equals(e.name()) || !judge.model().equals(model)) {
                    problems.add(plan, FieldPath.of("endpoints", i, "verdicts", model), "scripted verdicts for '" + model
                            + "', which is not the plan's judge" + (judge == null ? " (the plan has no judge: section)"
                            : " ('" + judge.model() + "' on endpoint '" + judge.endpoint() + "')"));
                }
            }
        }
    }

    private String name(String name, String defaultName) {
        if (name == null) {
            return defaultName;
        }
        if (name.isBlank()) {
            problems.add(plan, FieldPath.of("name"), "is empty; remove it to use the file name, or give a name");
        }
        return name.strip();
    }
}
