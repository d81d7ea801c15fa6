package dev.nightbench.measure;

/**
 * Whether an answer passes every check of its prompt: what a pipeline's {@code check_fails} escalation asks of a
 * draft. {@code measure} does not import {@code quality}, so the run hands the plan's checks in through this.
 */
@FunctionalInterface
public interface AnswerChecks {

    /** For a plan without checks: every answer passes. */
    AnswerChecks NONE = (promptId, answer) -> true;

    /** True when the answer passes all of the prompt's checks (and for a prompt without checks). */
    boolean passes(String promptId, String answer);
}
