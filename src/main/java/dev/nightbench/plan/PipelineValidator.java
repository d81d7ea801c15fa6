package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawPipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks the plan's {@code pipelines:}: each has a unique name of the id alphabet, a draft and a refine model that
 * are aliases of the plan's models, an escalation rule ({@code always}, {@code check_fails}, or a mapping of
 * {@code longer_than_words}, {@code shorter_than_words}, {@code check_fails}, {@code regex}: several keys, or a list of
 * rules, escalate when any says so), and a refine prompt that shows the refine model the draft. {@code judge_below: N}
 * (N from 1 to 5, the judge's scale) asks the plan's judge about each draft, so it needs a {@code judge:} section.
 */
final class PipelineValidator {

    static final List<String> RULES = List.of("always", "check_fails", "longer_than_words", "shorter_than_words",
            "regex", "judge_below");

    private final Source plan;
    private final Problems problems;

    private final boolean hasJudge;

    /** @param hasJudge whether the plan has a {@code judge:} section (valid or not: its own problems are its own) */
    PipelineValidator(Source plan, Problems problems, boolean hasJudge) {
        this.plan = plan;
        this.problems = problems;
        this.hasJudge = hasJudge;
    }

    /** @return the valid pipelines (a pipeline with a problem is left out; the problems are reported) */
    List<PipelineSpec> pipelines(List<RawPipeline> raw, List<ModelSpec> models, List<PromptSpec> prompts) {
        List<PipelineSpec> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        Map<String, Integer> seen = new HashMap<>();
        boolean anyChecks = prompts.stream().anyMatch(p -> !p.expect().isEmpty());
        for (int i = 0; i < raw.size(); i++) {
            FieldPath at = FieldPath.of("pipelines", i);
            RawPipeline p = raw.get(i);
            if (p == null) {
                problems.add(plan, at, "expected {name: ..., draft: <model alias>, refine: <model alias>, escalate:"
                        + " always}");
                continue;
            }
            int before = problems.size();
            String name = name(p.name(), at.child("name"), seen, i);
            String draft = model(p.draft(), at.child("draft"), models, "drafts");
            String refine = model(p.refine(), at.child("refine"), models, "refines the draft");
            Escalation rule = p.escalate() == null ? null : rule(p.escalate(), at.child("escalate"), anyChecks);
            if (p.escalate() == null) {
                problems.add(plan, at.child("escalate"), "required: when a draft is refined: " + RULES_TEXT);
            }
            String refinePrompt = p.refinePrompt();
            if (refinePrompt != null && !refinePrompt.contains(PipelineSpec.DRAFT)) {
                problems.add(plan, at.child("refine_prompt"), "must contain " + PipelineSpec.DRAFT + " (where the draft"
                        + " goes; " + PipelineSpec.QUESTION + " is the prompt's question); leave it out for the default");
            }
            if (problems.size() == before) {
                out.add(new PipelineSpec(name, draft, refine, rule, refinePrompt));
            }
        }
        return out;
    }

    private static final String RULES_TEXT = "always, check_fails, {longer_than_words: N}, {shorter_than_words: N},"
            + " {regex: \"...\"}, {judge_below: N} (several keys, or a list of rules: any escalates)";

    private String name(String name, FieldPath at, Map<String, Integer> seen, int index) {
        if (name == null || name.isBlank()) {
            problems.add(plan, at, "required: the pipeline's name, e.g. draft-refine");
            return null;
        }
        if (!IdValidator.ID.matcher(name).matches()) {
            problems.add(plan, at, "pipeline name '" + name + "' is not allowed: use 1 to 100 letters, digits, '.',"
                    + " '_', ':' or '-', starting with a letter or digit");
            return null;
        }
        Integer first = seen.putIfAbsent(name, index);
        if (first != null) {
            Integer line = plan.lineOf(FieldPath.of("pipelines", first, "name"));
            problems.add(plan, at, "duplicate pipeline '" + name + "'" + (line == null ? "" : " (first at line " + line
                    + ")"));
        }
        return name;
    }

    private String model(String alias, FieldPath at, List<ModelSpec> models, String what) {
        List<String> aliases = models.stream().map(ModelSpec::alias).toList();
        if (alias == null || alias.isBlank()) {
            problems.add(plan, at, "required: the alias of the model of the plan that " + what + "; aliases: "
                    + String.join(", ", aliases));
            return null;
        }
        if (!aliases.contains(alias)) {
            problems.add(plan, at, "no model of the plan has alias '" + alias + "'; aliases: "
                    + String.join(", ", aliases));
            return null;
        }
        return alias;
    }

    /** One rule, a mapping of rules or a list of them; null after a problem. */
    private Escalation rule(Object raw, FieldPath at, boolean anyChecks) {
        if (raw instanceof String s) {
            return switch (s) {
                case "always" -> new Escalation.Always();
                case "check_fails" -> checkFails(at, anyChecks);
                default -> unknown(at, "text '" + s + "'");
            };
        }
        if (raw instanceof List<?> list && !list.isEmpty()) {
            List<Escalation> rules = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Escalation r = rule(list.get(i), at.index(i), anyChecks);
                if (r != null) {
                    rules.add(r);
                }
            }
            return rules.size() == list.size() ? anyOf(rules) : null;
        }
        if (raw instanceof Map<?, ?> map && !map.isEmpty()) {
            List<Escalation> rules = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Escalation r = keyed(String.valueOf(e.getKey()), e.getValue(), at.child(String.valueOf(e.getKey())),
                        anyChecks);
                if (r != null) {
                    rules.add(r);
                }
            }
            return rules.size() == map.size() ? anyOf(rules) : null;
        }
        return unknown(at, CheckValidator.describe(raw));
    }

    private static Escalation anyOf(List<Escalation> rules) {
        return rules.size() == 1 ? rules.getFirst() : new Escalation.AnyOf(rules);
    }

    private Escalation keyed(String key, Object value, FieldPath at, boolean anyChecks) {
        switch (key) {
            case "longer_than_words", "shorter_than_words" -> {
                int min = key.startsWith("longer") ? 0 : 1;
                if (!(value instanceof Integer n) || n < min) {
                    problems.add(plan, at, "must be a whole number of at least " + min + " (words of the draft), got "
                            + CheckValidator.describe(value));
                    return null;
                }
                return key.startsWith("longer") ? new Escalation.LongerThanWords(n) : new Escalation.ShorterThanWords(n);
            }
            case "check_fails", "always" -> {
                if (!Boolean.TRUE.equals(value)) {
                    problems.add(plan, at, "must be true (or leave it out), got " + CheckValidator.describe(value));
                    return null;
                }
                return key.equals("always") ? new Escalation.Always() : checkFails(at, anyChecks);
            }
            case "regex" -> {
                if (!(value instanceof String pattern) || pattern.isEmpty()) {
                    problems.add(plan, at, "expected the pattern a draft is refined on, e.g. \"(?i)i don't know\", got "
                            + CheckValidator.describe(value));
                    return null;
                }
                try {
                    return new Escalation.Matches(Pattern.compile(pattern));
                } catch (PatternSyntaxException e) {
                    problems.add(plan, at, "does not compile at position " + e.getIndex() + " of the pattern: "
                            + e.getDescription() + " (pattern: " + pattern + ")");
                    return null;
                }
            }
            case "judge_below" -> {
                if (!(value instanceof Number n) || n.doubleValue() < 1 || n.doubleValue() > 5
                        || Double.isNaN(n.doubleValue())) {
                    problems.add(plan, at, "must be a number from 1 to 5 (the judge's mean score below which a draft is"
                            + " refined), got " + CheckValidator.describe(value));
                    return null;
                }
                if (!hasJudge) {
                    problems.add(plan, at, "judge_below needs the plan's judge: add a judge: section (judge.model, or"
                            + " judge.endpoint + judge.model)");
                    return null;
                }
                return new Escalation.JudgeBelow(n.doubleValue());
            }
            default -> {
                problems.add(plan, at, "unknown escalation rule '" + key + "'; rules: " + RULES_TEXT);
                return null;
            }
        }
    }

    private Escalation checkFails(FieldPath at, boolean anyChecks) {
        if (!anyChecks) {
            problems.add(plan, at, "check_fails needs prompts with expect: checks, and no prompt of the plan has any");
            return null;
        }
        return new Escalation.CheckFails();
    }

    private Escalation unknown(FieldPath at, String got) {
        problems.add(plan, at, "unknown escalation rule " + got + "; rules: " + RULES_TEXT);
        return null;
    }
}
