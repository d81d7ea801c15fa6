package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawCriterion;
import dev.nightbench.plan.RawPlan.RawJudge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the plan's {@code judge:} section: the judge is a model of the plan ({@code model:} an alias of
 * {@code models:}) or a model of its own on a named endpoint ({@code endpoint:} + {@code model:}); {@code sample} and
 * {@code max_tokens} are whole numbers of at least 1; criteria have valid, unique names (a duplicate points at the
 * first) and a description; the timeouts are durations (default: the run's).
 */
final class JudgeValidator {

    private static final String CRITERION_NAME = "[a-z][a-z0-9_]{0,39}";

    private final Source plan;
    private final Problems problems;
    private final RunValidator runs;

    JudgeValidator(Source plan, Problems problems, RunValidator runs) {
        this.plan = plan;
        this.problems = problems;
        this.runs = runs;
    }

    /** @return the judge, or null when there is none or it has problems (then they are reported) */
    JudgeSpec judge(RawJudge raw, List<Endpoint> endpoints, List<ModelSpec> models, RunParams run) {
        if (raw == null) {
            return null;
        }
        FieldPath at = FieldPath.of("judge");
        int before = problems.size();
        String alias = null;
        String endpoint = null;
        String model = raw.model() == null ? null : raw.model().strip();
        if (model == null || model.isEmpty()) {
            problems.add(plan, at.child("model"), "required: the alias of a model of the plan that judges the answers,"
                    + " or, with judge.endpoint, the id of a model on that endpoint");
        } else if (raw.endpoint() == null) {
            String m = model;
            ModelSpec spec = models.stream().filter(s -> s.alias().equals(m)).findFirst().orElse(null);
            if (spec == null) {
                problems.add(plan, at.child("model"), "no model of the plan has alias '" + model + "'; aliases: "
                        + String.join(", ", models.stream().map(ModelSpec::alias).toList())
                        + " (or give judge.endpoint to judge with a model that is not benchmarked)");
            } else {
                alias = spec.alias();
                endpoint = spec.endpoint();
                model = spec.model();
            }
        } else if (endpoints.stream().noneMatch(e -> e.name().equals(raw.endpoint()))) {
            problems.add(plan, at.child("endpoint"), "no endpoint is named '" + raw.endpoint() + "'; endpoints: "
                    + String.join(", ", endpoints.stream().map(Endpoint::name).toList()));
        } else {
            endpoint = raw.endpoint();
        }
        Integer sample = whole(raw.sample(), at.child("sample"), "how many answers per model x prompt are judged (the"
                + " first rounds'); leave it out to judge every answer");
        Integer maxTokens = whole(raw.maxTokens(), at.child("max_tokens"), "max_tokens of each judge call");
        List<Criterion> criteria = criteria(raw.criteria(), at.child("criteria"));
        RunParams.Timeouts timeouts = runs.timeouts(raw.timeouts(), run.timeouts(), at.child("timeouts"));
        if (problems.size() > before) {
            return null;
        }
        return new JudgeSpec(alias, endpoint, model, sample, criteria,
                maxTokens == null ? JudgeSpec.DEFAULT_MAX_TOKENS : maxTokens, timeouts);
    }

    private Integer whole(Object value, FieldPath at, String what) {
        if (value == null) {
            return null;
        }
        if (value instanceof Integer i && i >= 1) {
            return i;
        }
        problems.add(plan, at, "must be a whole number of at least 1 (" + what + "), got "
                + CheckValidator.describe(value));
        return null;
    }

    private List<Criterion> criteria(List<RawCriterion> raw, FieldPath at) {
        if (raw == null) {
            return List.of();
        }
        if (raw.isEmpty()) {
            problems.add(plan, at, "is empty; list criteria, or remove it for the default rubric (coherence, factuality,"
                    + " brevity)");
            return List.of();
        }
        List<Criterion> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            FieldPath cp = at.index(i);
            RawCriterion c = raw.get(i);
            if (c == null || c.name() == null) {
                problems.add(plan, c == null ? cp : cp.child("name"), "required: the criterion's name, e.g. {name:"
                        + " correctness, description: \"5 = right, 1 = wrong\"}");
                continue;
            }
            if (!c.name().matches(CRITERION_NAME)) {
                problems.add(plan, cp.child("name"), "criterion name '" + c.name() + "' is not allowed: use 1 to 40"
                        + " lower-case letters, digits or '_', starting with a letter");
                continue;
            }
            Integer first = seen.putIfAbsent(c.name(), i);
            if (first != null) {
                Integer line = plan.lineOf(at.index(first));
                problems.add(plan, cp.child("name"), "duplicate criterion '" + c.name() + "'"
                        + (line == null ? "" : " (first at line " + line + ")"));
                continue;
            }
            if (c.description() == null || c.description().isBlank()) {
                problems.add(plan, cp.child("description"), "required: what the judge should score (what a 5 and a 1"
                        + " mean)");
                continue;
            }
            out.add(new Criterion(c.name(), c.description().strip()));
        }
        return out;
    }
}
