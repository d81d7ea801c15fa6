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

    PlanValidator(Source plan, Problems problems) {
        this.plan = plan;
        this.problems = problems;
        this.loads = new LoadValidator(plan, problems);
        this.idChecks = new IdValidator(plan, problems);
        this.runs = new RunValidator(plan, problems);
    }

    /** @return the plan, or null when problems were found */
    Plan toPlan(RawPlan raw, String defaultName, WorkshopFiles.Models fileModels, WorkshopFiles.Prompts filePrompts,
                String hash) {
        String name = name(raw.name(), defaultName);
        String description = raw.description();
        List<Endpoint> endpoints = new EndpointValidator(plan, problems, idChecks, runs)
                .endpoints(raw.endpoints());
        FieldPath loadAt = FieldPath.of("load");
        LoadValidator.Part planLoad = loads.part(raw.load(), loadAt);
        List<ModelSpec> models = new ModelValidator(plan, problems, idChecks, loads, planLoad)
                .models(raw, endpoints, fileModels);
        List<PromptSpec> prompts = new PromptValidator(plan, problems, idChecks).prompts(raw, filePrompts);
        RunParams run = runs.run(raw.run());
        Slo slo = loads.slo(raw.slo());
        RetrySettings retry = loads.retry(raw.retry());
        // the plan-level section as a whole; its gaps are reported only where a model uses it
        LoadSpec load = new LoadValidator(plan, new Problems()).effective(planLoad, LoadValidator.Part.EMPTY, loadAt);
        if (!problems.isEmpty()) {
            return null;
        }
        return new Plan(name, plan.file(), endpoints, models, prompts, run, hash, description, load, slo, retry);
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
