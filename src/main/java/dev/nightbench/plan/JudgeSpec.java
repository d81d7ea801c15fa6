package dev.nightbench.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The plan's {@code judge:} section, validated: which model scores the measured answers, on which rubric.
 * The judge runs as its own step after {@code measure}; its calls never enter the benchmarked figures.
 *
 * @param modelAlias the plan model that judges ({@code judge.model} naming a model of {@code models:}), or null when
 *                   the judge is a separate endpoint/model ({@code judge.endpoint} + {@code judge.model})
 * @param endpoint   the endpoint name the judge's calls go to (resolved: the plan model's endpoint when
 *                   {@code modelAlias} is set)
 * @param model      the model id sent in the judge's calls (resolved: the plan model's served id when
 *                   {@code modelAlias} is set)
 * @param sample     how many measured answers per model x prompt are judged (the first rounds' answers), or null for
 *                   every measured answer ({@code judge.sample})
 * @param criteria   the rubric in plan order: {@code judge.criteria}, else {@link Criterion#DEFAULTS}; without
 *                   {@link Criterion#GROUNDED}, which {@link #criteriaFor} adds for prompts with context
 * @param maxTokens  max_tokens of each judge call ({@code judge.max_tokens}, default {@link #DEFAULT_MAX_TOKENS})
 * @param timeouts   the judge calls' timeouts ({@code judge.timeouts}, default: the run's)
 */
public record JudgeSpec(String modelAlias, String endpoint, String model, Integer sample, List<Criterion> criteria,
                        int maxTokens, RunParams.Timeouts timeouts) {

    public static final int DEFAULT_MAX_TOKENS = 256;

    public JudgeSpec {
        criteria = criteria == null || criteria.isEmpty() ? Criterion.DEFAULTS : List.copyOf(criteria);
        if (endpoint == null || model == null) {
            throw new IllegalArgumentException("a judge needs an endpoint and a model");
        }
        if (sample != null && sample < 1) {
            throw new IllegalArgumentException("judge sample must be >= 1: " + sample);
        }
    }

    /** The criteria an answer to this prompt is scored on: the rubric, plus {@code grounded} when it has context. */
    public List<Criterion> criteriaFor(PromptSpec prompt) {
        if (prompt.context().isEmpty() || criteria.stream().anyMatch(c -> c.name().equals(Criterion.GROUNDED.name()))) {
            return criteria;
        }
        List<Criterion> out = new ArrayList<>(criteria);
        out.add(Criterion.GROUNDED);
        return List.copyOf(out);
    }

    /** Every criterion any prompt of the plan is scored on, in order: the rubric, then grounded when used. */
    public List<Criterion> allCriteria(List<PromptSpec> prompts) {
        return prompts.stream().anyMatch(p -> !p.context().isEmpty()) ? criteriaFor(prompts.stream()
                .filter(p -> !p.context().isEmpty()).findFirst().orElseThrow()) : criteria;
    }

    /** How the judge is named in reports: the plan model's alias, or {@code endpoint/model}. */
    public String label() {
        return modelAlias != null ? modelAlias : endpoint + "/" + model;
    }
}
