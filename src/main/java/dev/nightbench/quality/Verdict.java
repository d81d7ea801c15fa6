package dev.nightbench.quality;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The judge's verdict on one answer as {@link VerdictParser} read it: either usable, with a whole score 1-5 for every
 * criterion the answer is scored on and the judge's own reason, or unusable, with what is wrong with it.
 *
 * @param usable true when every criterion has a score in range
 * @param scores criterion name to score, in rubric order; empty when not usable
 * @param reason usable: the judge's {@code "reason"} (null when it gave none); else what is wrong, for
 *               {@code judge_verdicts.reason}
 */
public record Verdict(boolean usable, Map<String, Integer> scores, String reason) {

    public Verdict {
        scores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        if (!usable && reason == null) {
            throw new IllegalArgumentException("an unusable verdict needs a reason");
        }
    }

    public static Verdict usable(Map<String, Integer> scores, String reason) {
        return new Verdict(true, scores, reason);
    }

    public static Verdict unusable(String problem) {
        return new Verdict(false, Map.of(), problem);
    }
}
