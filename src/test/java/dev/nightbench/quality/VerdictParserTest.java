package dev.nightbench.quality;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verdicts as judges really write them: the clean object, fenced, wrapped in prose, in a think block, typed by hand,
 * scores as strings, floats and fractions; and the ones that cannot be used, each with the reason it gives.
 */
class VerdictParserTest {

    private static final List<String> RUBRIC = List.of("coherence", "factuality", "brevity");

    private static Verdict parse(String reply) {
        return VerdictParser.parse(reply, RUBRIC);
    }

    private static Map<String, Integer> scores(int coherence, int factuality, int brevity) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("coherence", coherence);
        m.put("factuality", factuality);
        m.put("brevity", brevity);
        return m;
    }

    private static void usable(String reply, Map<String, Integer> scores, String reason) {
        Verdict v = parse(reply);
        assertThat(v.usable()).as("usable: %s (%s)", reply, v.reason()).isTrue();
        assertThat(v.scores()).as(reply).containsExactlyEntriesOf(scores);
        assertThat(v.reason()).as(reply).isEqualTo(reason);
    }

    private static void unusable(String reply, String why) {
        Verdict v = parse(reply);
        assertThat(v.usable()).as("unusable: %s", reply).isFalse();
        assertThat(v.scores()).isEmpty();
        assertThat(v.reason()).as(reply).isEqualTo(why);
    }

    @Test
    void theCleanObjectGivesItsScoresInRubricOrderAndItsReason() {
        usable("{\"brevity\": 3, \"coherence\": 4, \"factuality\": 5, \"reason\": \"Correct but wordy.\"}",
                scores(4, 5, 3), "Correct but wordy.");
    }

    @Test
    void fencesProseAroundAndTrailingTextAreIgnored() {
        usable("```json\n{\"coherence\": 5, \"factuality\": 5, \"brevity\": 5, \"reason\": \"Exact.\"}\n```",
                scores(5, 5, 5), "Exact.");
        usable("Here is my evaluation:\n\n```\n{\"coherence\": 4, \"factuality\": 2, \"brevity\": 4, \"reason\": "
                + "\"Wrong year.\"}\n```\nLet me know if you need more detail. {not json}", scores(4, 2, 4), "Wrong year.");
        usable("Sure! {\"coherence\": 3, \"factuality\": 3, \"brevity\": 1, \"reason\": \"Rambles {a lot}.\"} Hope "
                + "this helps.", scores(3, 3, 1), "Rambles {a lot}.");
    }

    @Test
    void aThinkBlockIsDroppedEvenWhenItHoldsDraftScores() {
        usable("<think>Maybe {\"coherence\": 2, \"factuality\": 2, \"brevity\": 2}? No, it is fine.</think>\n"
                + "{\"coherence\": 5, \"factuality\": 4, \"brevity\": 5, \"reason\": \"Good.\"}", scores(5, 4, 5), "Good.");
    }

    @Test
    void handTypedJsonIsReadSingleQuotesUnquotedKeysTrailingCommasComments() {
        usable("{'coherence': 4, 'factuality': 4, 'brevity': 2, 'reason': 'Padded.'}", scores(4, 4, 2), "Padded.");
        usable("{coherence: 4, factuality: 5, brevity: 3, reason: \"ok\",}", scores(4, 5, 3), "ok");
        usable("{\"coherence\": 4, // clear\n \"factuality\": 5, \"brevity\": 3}", scores(4, 5, 3), null);
    }

    @Test
    void scoresAsWholeNumbersInAnyFormAreAccepted() {
        usable("{\"coherence\": \"4\", \"factuality\": 5.0, \"brevity\": \"3/5\", \"reason\": \"x\"}", scores(4, 5, 3), "x");
        usable("{\"coherence\": \" 2 \", \"factuality\": \"1.0\", \"brevity\": \"5 / 5\"}", scores(2, 1, 5), null);
    }

    @Test
    void keysInAnotherCaseAndScoresOneLevelDownAreFound() {
        usable("{\"Coherence\": 4, \"FACTUALITY \": 5, \"Brevity\": 3, \"Reason\": \"Fine.\"}", scores(4, 5, 3), "Fine.");
        usable("{\"scores\": {\"coherence\": 4, \"factuality\": 3, \"brevity\": 5}, \"reason\": \"Short, one slip.\"}",
                scores(4, 3, 5), "Short, one slip.");
    }

    @Test
    void extraKeysAreIgnoredAndAReasonThatIsNotTextIsKeptAsJson() {
        usable("{\"coherence\": 4, \"factuality\": 5, \"brevity\": 3, \"overall\": 4, \"reason\": [\"a\", \"b\"]}",
                scores(4, 5, 3), "[\"a\",\"b\"]");
    }

    @Test
    void theSameVerdictTwiceIsUsableTwoThatDifferAreNot() {
        String one = "{\"coherence\": 4, \"factuality\": 5, \"brevity\": 3, \"reason\": \"a\"}";
        usable(one + "\nTo repeat: " + one, scores(4, 5, 3), "a");
        unusable(one + " or maybe {\"coherence\": 4, \"factuality\": 4, \"brevity\": 3}",
                "2 JSON objects with scores that differ; which is the verdict cannot be told");
    }

    @Test
    void aMissingCriterionIsNamedAndEveryProblemIsListed() {
        unusable("{\"coherence\": 4, \"factuality\": 5, \"reason\": \"no brevity\"}", "missing brevity");
        unusable("{\"coherence\": 0, \"factuality\": 6, \"reason\": \"x\"}",
                "coherence: 0 is out of range 1-5; factuality: 6 is out of range 1-5; missing brevity");
    }

    @Test
    void scoresThatAreNotWholeNumbersOnOurScaleAreNamed() {
        unusable("{\"coherence\": \"five\", \"factuality\": 4.5, \"brevity\": true}",
                "coherence: 'five' is not a whole number; factuality: 4.5 is not a whole number;"
                        + " brevity: true is not a whole number");
        unusable("{\"coherence\": \"8/10\", \"factuality\": null, \"brevity\": [3]}",
                "coherence: '8/10' is not on the 1-5 scale; factuality: null is not a whole number;"
                        + " brevity: [3] is not a whole number");
        unusable("{\"coherence\": \"6\", \"factuality\": -1, \"brevity\": 99999999999999999999}",
                "coherence: 6 is out of range 1-5; factuality: -1 is out of range 1-5;"
                        + " brevity: 99999999999999999999 is out of range 1-5");
    }

    @Test
    void noJsonACutOffObjectAndAnObjectWithoutCriteriaSayWhich() {
        unusable("The answer is coherent and factual. Coherence: 5, factuality: 5, brevity: 4.",
                "no JSON object in the reply");
        unusable("{\"coherence\": 4, \"factuality\": 5, \"brev", "no complete JSON object in the reply (cut off?)");
        unusable("{\"score\": 4, \"reason\": \"good\"}",
                "no JSON object in the reply names a criterion (expected coherence, factuality, brevity)");
        unusable("", "the judge's reply is empty");
        unusable(null, "the judge's reply is empty");
        unusable("  \n ", "the judge's reply is empty");
    }

    @Test
    void aTinyModelsGibberishIsUnusableNeverAnException() {
        unusable("}}{{ {{{ \"coherence\" :: 4 }} ```json ``` <think> {", "no complete JSON object in the reply (cut off?)");
        unusable("coherence coherence coherence 4 4 4 4 4 4 4 4", "no JSON object in the reply");
        unusable("[4, 5, 3]", "no JSON object in the reply");
        unusable("{\"coherence\": {\"score\": 4}, \"factuality\": 5, \"brevity\": 3}",
                "coherence: {\"score\":4} is not a whole number");
        String noise = "{".repeat(5_000) + "\"coherence\": 4";
        assertThat(parse(noise).usable()).isFalse();
    }

    @Test
    void theCriteriaAskedForAreTheOnesRequiredGroundedIncluded() {
        Verdict v = VerdictParser.parse("{\"coherence\": 4, \"factuality\": 5, \"brevity\": 3, \"reason\": \"r\"}",
                List.of("coherence", "factuality", "brevity", "grounded"));
        assertThat(v).isEqualTo(Verdict.unusable("missing grounded"));
        Verdict own = VerdictParser.parse("{\"correctness\": 2}", List.of("correctness"));
        assertThat(own).isEqualTo(Verdict.usable(Map.of("correctness", 2), null));
    }
}
