package dev.nightbench.plan;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link PlanLoader} when a plan cannot be used. Carries every problem found, so a user
 * fixes a plan in one round rather than one error at a time. The message lists them, one a line.
 */
public class PlanException extends RuntimeException {

    private final transient List<PlanProblem> problems;

    public PlanException(List<PlanProblem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public List<PlanProblem> problems() {
        return problems;
    }

    private static String describe(List<PlanProblem> problems) {
        if (problems.isEmpty()) {
            return "invalid plan";
        }
        String header = problems.size() == 1 ? "1 problem in plan:" : problems.size() + " problems in plan:";
        return problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n", header + "\n", ""));
    }
}
