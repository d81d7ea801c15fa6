package dev.nightbench.plan;

import java.util.regex.Pattern;

/**
 * When a pipeline's draft goes on to its refine model ({@code pipelines[].escalate}): the workshop's "SLM drafts,
 * LLM refines" pays for the large model only where the small one's answer looks wanting, and these are the ways a plan
 * can say where that is. Each rule but {@link JudgeBelow} reads only the draft's text and whether it passed its prompt's
 * checks, so the decision is made in the client as the draft arrives and is the same on every run of the same answers;
 * {@code judge_below} also reads the plan's judge's mean score of the draft, asked for between the two stages only
 * when a rule {@link #needsJudge() needs it}.
 */
public sealed interface Escalation {

    /** True when a successful draft with this text (passing its prompt's checks or not) is refined. */
    boolean escalates(String draft, boolean checksPassed);

    /**
     * True when a successful draft is refined, given also the judge's mean score of it over its criteria (null when
     * the judge could not tell: its reply was unparseable or the call failed). Only {@link JudgeBelow} reads it.
     */
    default boolean escalates(String draft, boolean checksPassed, Double judgeMean) {
        return escalates(draft, checksPassed);
    }

    /** True when the rule reads the judge's score, so the judge is asked about each successful draft. */
    default boolean needsJudge() {
        return false;
    }

    /** The rule as the plan writes it, for the report. */
    String describe();

    /** Whitespace-separated words of the trimmed text, as the {@code max_words} check counts them. */
    static int words(String text) {
        String s = text == null ? "" : text.strip();
        return s.isEmpty() ? 0 : s.split("\\s+").length;
    }

    /** Every draft is refined. */
    record Always() implements Escalation {
        @Override
        public boolean escalates(String draft, boolean checksPassed) {
            return true;
        }

        @Override
        public String describe() {
            return "always";
        }
    }

    /** A draft of more than {@code words} words (a small model rambling) is refined. */
    record LongerThanWords(int words) implements Escalation {
        @Override
        public boolean escalates(String draft, boolean checksPassed) {
            return Escalation.words(draft) > words;
        }

        @Override
        public String describe() {
            return "longer_than_words " + words;
        }
    }

    /** A draft of fewer than {@code words} words (a refusal, an empty answer) is refined. */
    record ShorterThanWords(int words) implements Escalation {
        @Override
        public boolean escalates(String draft, boolean checksPassed) {
            return Escalation.words(draft) < words;
        }

        @Override
        public String describe() {
            return "shorter_than_words " + words;
        }
    }

    /** A draft failing any of its prompt's {@code expect:} checks is refined; a prompt without checks never is. */
    record CheckFails() implements Escalation {
        @Override
        public boolean escalates(String draft, boolean checksPassed) {
            return !checksPassed;
        }

        @Override
        public String describe() {
            return "check_fails";
        }
    }

    /** A draft in which the regex finds a match ({@link java.util.regex.Matcher#find}) is refined. */
    record Matches(Pattern regex) implements Escalation {
        @Override
        public boolean escalates(String draft, boolean checksPassed) {
            return regex.matcher(draft == null ? "" : draft).find();
        }

        @Override
        public String describe() {
            return "regex " + regex.pattern();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Matches m && m.regex.pattern().equals(regex.pattern());
        }

        @Override
        public int hashCode() {
            return regex.pattern().hashCode();
        }
    }

    /**
     * A draft whose mean judge score over its criteria is below {@code below} is refined; so is a draft the judge
     * cannot tell about (an unparseable verdict, a failed call): when in doubt, the large model answers.
     */
    record JudgeBelow(double below) implements Escalation {
        @Override
        public boolean escalates(String draft, boolean checksPassed) {
            return escalates(draft, checksPassed, null);
        }

        @Override
        public boolean escalates(String draft, boolean checksPassed, Double judgeMean) {
            return judgeMean == null || judgeMean < below;
        }

        @Override
        public boolean needsJudge() {
            return true;
        }

        @Override
        public String describe() {
            return "judge_below " + (below == Math.rint(below) ? String.valueOf((long) below) : String.valueOf(below));
        }
    }

    /** Several rules, any of which escalates (a plan's {@code escalate:} list). */
    record AnyOf(java.util.List<Escalation> rules) implements Escalation {
        public AnyOf {
            rules = java.util.List.copyOf(rules);
        }

        @Override
        public boolean escalates(String draft, boolean checksPassed) {
            return rules.stream().anyMatch(r -> r.escalates(draft, checksPassed));
        }

        @Override
        public boolean escalates(String draft, boolean checksPassed, Double judgeMean) {
            return rules.stream().anyMatch(r -> r.escalates(draft, checksPassed, judgeMean));
        }

        @Override
        public boolean needsJudge() {
            return rules.stream().anyMatch(Escalation::needsJudge);
        }

        @Override
        public String describe() {
            return String.join(" or ", rules.stream().map(Escalation::describe).toList());
        }
    }
}
