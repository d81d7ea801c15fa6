package dev.nightbench.quality;

import dev.nightbench.plan.CheckKind;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan's checks by prompt id, built once per run ({@link Check#of}), applied to each measured answer.
 * Thread-safe after construction.
 */
public final class QualityChecks {

    /**
     * One check's verdict on one answer.
     *
     * @param index the check's position in its prompt's {@code expect:} list (0-based)
     */
    public record Result(int index, CheckKind kind, boolean passed, String reason) {
    }

    private final Map<String, List<Check>> byPrompt;

    private QualityChecks(Map<String, List<Check>> byPrompt) {
        this.byPrompt = byPrompt;
    }

    public static QualityChecks of(Plan plan) {
        Map<String, List<Check>> byPrompt = new HashMap<>();
        for (PromptSpec p : plan.prompts()) {
            if (!p.expect().isEmpty()) {
                byPrompt.put(p.id(), p.expect().stream().map(Check::of).toList());
            }
        }
        return new QualityChecks(Map.copyOf(byPrompt));
    }

    /** True when no prompt has checks. */
    public boolean isEmpty() {
        return byPrompt.isEmpty();
    }

    /** Every check of the prompt on this answer, in plan order; empty for a prompt without checks. */
    public List<Result> check(String promptId, String answer) {
        List<Check> checks = byPrompt.getOrDefault(promptId, List.of());
        List<Result> out = new ArrayList<>(checks.size());
        String text = answer == null ? "" : answer;
        for (int i = 0; i < checks.size(); i++) {
            Check c = checks.get(i);
            CheckOutcome o = c.check(text);
            out.add(new Result(i, c.spec().kind(), o.passed(), o.reason()));
        }
        return out;
    }
}
