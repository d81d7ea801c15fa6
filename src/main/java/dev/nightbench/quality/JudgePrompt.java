package dev.nightbench.quality;

import dev.nightbench.plan.Criterion;
import dev.nightbench.plan.PromptMessage;
import dev.nightbench.plan.PromptSpec;

import java.util.List;

/**
 * What the judge is asked about one answer (BRIEF12 "the judge conversation"): a system message with the rubric and
 * the reply format, and a user message with the question, the prompt's context documents and reference answer when
 * it has them, and the answer between {@code <answer>} markers. The simulated judge finds the answer by those
 * markers (the text between the last {@code "<answer>\n"} and the {@code "\n</answer>"} after it), so their shape is
 * part of the contract.
 *
 * @param criteria the criteria the answer is scored on ({@code JudgeSpec.criteriaFor(prompt)}), in rubric order
 * @param messages system then user message, as sent to the judge
 */
public record JudgePrompt(List<Criterion> criteria, List<PromptMessage> messages) {

    static final String ANSWER_OPEN = "<answer>\n";
    static final String ANSWER_CLOSE = "\n</answer>";
    /** Example scores for the reply format, one per criterion in turn: an example, not a hint of what to give. */
    private static final int[] EXAMPLE_SCORES = {4, 5, 3};

    public JudgePrompt {
        criteria = List.copyOf(criteria);
        messages = List.copyOf(messages);
    }

    /**
     * The judge's conversation about {@code answer} to {@code prompt}.
     *
     * @param criteria the criteria for this prompt (with {@code grounded} when it has context)
     */
    public static JudgePrompt of(List<Criterion> criteria, PromptSpec prompt, String answer) {
        if (criteria.isEmpty()) {
            throw new IllegalArgumentException("a judge prompt needs at least one criterion");
        }
        return new JudgePrompt(criteria, List.of(new PromptMessage("system", rubric(criteria)),
                new PromptMessage("user", question(prompt, answer))));
    }

    /** The criterion names, in rubric order: what {@link VerdictParser} expects in the verdict. */
    public List<String> criterionNames() {
        return criteria.stream().map(Criterion::name).toList();
    }

    /** The messages as stored in {@code judge_verdicts.prompt}: one "role: content" block per message. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (PromptMessage m : messages) {
            sb.append(m.role()).append(": ").append(m.content()).append('\n');
        }
        return sb.toString();
    }

    static String rubric(List<Criterion> criteria) {
        StringBuilder sb = new StringBuilder("You are grading an answer to a question. Score the answer on each "
                + "criterion below; score each 1-5 (whole numbers), 5 the best.\n\n");
        for (Criterion c : criteria) {
            sb.append("- ").append(c.name()).append(": ").append(c.description()).append('\n');
        }
        sb.append("\nReply with one JSON object only, e.g. {");
        for (int i = 0; i < criteria.size(); i++) {
            sb.append('"').append(criteria.get(i).name()).append("\": ")
                    .append(EXAMPLE_SCORES[i % EXAMPLE_SCORES.length]).append(", ");
        }
        return sb.append("\"reason\": \"one sentence\"}").toString();
    }

    /**
     * The user message. The question is the prompt's text (for a prompt with context, the bare question, without the
     * instruction the model got); a prompt given as a message list has its messages, "role: content" lines.
     */
    static String question(PromptSpec prompt, String answer) {
        StringBuilder sb = new StringBuilder("Question:\n").append(questionText(prompt)).append("\n\n");
        if (!prompt.context().isEmpty()) {
            sb.append("Context:\n");
            for (int i = 0; i < prompt.context().size(); i++) {
                sb.append('[').append(i + 1).append("] ").append(prompt.context().get(i).strip()).append("\n\n");
            }
        }
        if (prompt.reference() != null) {
            sb.append("Reference answer:\n").append(prompt.reference().strip()).append("\n\n");
        }
        return sb.append(ANSWER_OPEN).append(answer == null ? "" : answer).append(ANSWER_CLOSE).toString();
    }

    private static String questionText(PromptSpec prompt) {
        if (prompt.text() != null) {
            return prompt.text().strip();
        }
        StringBuilder sb = new StringBuilder();
        for (PromptMessage m : prompt.messages()) {
            sb.append(sb.isEmpty() ? "" : "\n").append(m.role()).append(": ").append(m.content());
        }
        return sb.toString();
    }
}
