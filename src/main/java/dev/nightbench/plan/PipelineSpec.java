package dev.nightbench.plan;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the plan's {@code pipelines:}: the draft model answers each prompt, {@link Escalation} decides from the
 * draft whether the refine model sees it, and the refine model then answers {@link #refinePrompt} with the question
 * and the draft filled in. Both are models of the plan (aliases), so each stage is a real request through the same
 * client as the models' own cells.
 *
 * @param name         the pipeline's name, unique in the plan
 * @param draft        alias of the model that drafts
 * @param refine       alias of the model that refines
 * @param escalate     when a draft is refined
 * @param refinePrompt the refine model's user message: {@value #QUESTION} is the prompt's (last) user message,
 *                     {@value #DRAFT} the draft's text
 */
public record PipelineSpec(String name, String draft, String refine, Escalation escalate, String refinePrompt) {

    public static final String QUESTION = "{question}";
    public static final String DRAFT = "{draft}";
    /**
     * A simulated endpoint's {@code answers:} key {@code <prompt id>@refine} scripts what a model says to a pipeline's
     * refine conversation of that prompt (for each draft the draft model is scripted to say); '@' is never in an id.
     */
    public static final String REFINE_SUFFIX = "@refine";
    public static final String DEFAULT_REFINE_PROMPT = "Improve this draft answer to the question.\n\nQuestion: "
            + QUESTION + "\n\nDraft: " + DRAFT;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{question}|\\{draft}");

    public PipelineSpec {
        refinePrompt = refinePrompt == null ? DEFAULT_REFINE_PROMPT : refinePrompt;
    }

    /**
     * The refine model's user message, placeholders filled in one pass (so a question that itself contains
     * "{draft}" is not filled in again).
     */
    public String refineText(String question, String draftText) {
        Matcher m = PLACEHOLDER.matcher(refinePrompt);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group().equals(QUESTION) ? question : draftText));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
