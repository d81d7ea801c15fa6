package dev.nightbench.plan;

import java.util.List;

/**
 * One criterion of the judge's rubric ({@code judge.criteria}): each judged answer gets a whole score 1-5 on it.
 *
 * @param name        lower-case id, {@code [a-z][a-z0-9_]*}, at most 40 characters; unique in a plan; stored in
 *                    {@code run_criteria.criterion}
 * @param description what a 5 means and what a 1 means, shown to the judge (and to people annotating by hand)
 */
public record Criterion(String name, String description) {

    /** The workshop's rubric, used when the plan names no criteria of its own. */
    public static final List<Criterion> DEFAULTS = List.of(
            new Criterion("coherence", "Is the answer clear, well-formed and on topic? 5 = fully coherent, 1 = incoherent."),
            new Criterion("factuality", "Is what the answer states true (and, where a reference answer is given, does it "
                    + "agree with it)? 5 = entirely correct, 1 = wrong."),
            new Criterion("brevity", "Does the answer say what was asked without padding? 5 = as short as it could be, "
                    + "1 = far longer than needed."));

    /** The criterion added for prompts that carry {@code context:} documents (unless the plan names it itself). */
    public static final Criterion GROUNDED = new Criterion("grounded",
            "Does the answer use only what the context says? 5 = every statement is supported by the context (or it "
                    + "says the context does not answer the question), 1 = it relies on things the context does not say.");

    public Criterion {
        if (name == null || !name.matches("[a-z][a-z0-9_]{0,39}")) {
            throw new IllegalArgumentException("criterion name must match [a-z][a-z0-9_]{0,39}: " + name);
        }
        description = description == null ? "" : description;
    }
}
