package dev.nightbench.measure;

/**
 * The plan's judge asked about a pipeline's draft, for a {@code judge_below} escalation: its mean score over the
 * criteria of the draft's prompt. {@code measure} does not import {@code quality} (the judge's conversation and
 * verdict parser), so the run hands the judge in through this, as it does the checks ({@link AnswerChecks}). The
 * judge call is not a request: it is never a {@code requests} row and never in a benchmarked figure; what the judge
 * said is kept beside the draft ({@link Judgement}).
 */
@FunctionalInterface
public interface DraftJudge {

    String OK = "ok";
    String UNPARSEABLE = "unparseable";
    String FAILED = "failed";

    /** For a plan without a judge (the validator refuses {@code judge_below} there): the judge cannot tell. */
    DraftJudge NONE = (promptId, draft) -> new Opinion(FAILED, null, "the plan has no judge", null, null, 0);

    /** What the judge said about this draft to this prompt; never throws for what the judge says or fails to say. */
    Opinion judge(String promptId, String draft);

    /**
     * One judge verdict on a draft.
     *
     * @param status    {@value #OK}, {@value #UNPARSEABLE} or {@value #FAILED} (as {@code judge_verdicts.status})
     * @param meanScore the mean of the criteria's scores, only when {@value #OK}
     * @param reason    the judge's reason, or what is wrong with its reply or call
     * @param reply     the judge's reply as received (redacted), null when the call failed
     * @param latencyMs end to end of the attempt that answered, null when it failed
     * @param attempts  judge calls made (retries included)
     */
    record Opinion(String status, Double meanScore, String reason, String reply, Double latencyMs, int attempts) {

        public Opinion {
            if (OK.equals(status) != (meanScore != null)) {
                throw new IllegalArgumentException("a mean score exactly when the verdict is ok: " + status);
            }
        }
    }

    /** The judge's opinion of the draft at this request index and attempt (its final, successful one) of a cell. */
    record Judgement(int requestIndex, int attempt, Opinion opinion) {
    }
}
