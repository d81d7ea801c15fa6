package dev.nightbench.quality;

import dev.nightbench.plan.CheckSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every check kind on answers that pass and answers that fail, with the reason each gives. */
class CheckTest {

    private static CheckOutcome run(CheckSpec spec, String answer) {
        return Check.of(spec).check(answer);
    }

    @Test
    void containsIgnoresCaseUnlessToldAndSaysWhatWasMissing() {
        assertThat(run(new CheckSpec.Contains("Paris", false, false), "the capital is PARIS."))
                .isEqualTo(new CheckOutcome(true, "found 'Paris' at character 15"));
        assertThat(run(new CheckSpec.Contains("Paris", true, false), "the capital is PARIS."))
                .isEqualTo(new CheckOutcome(false, "expected 'Paris', not found"));
        assertThat(run(new CheckSpec.Contains("Paris", false, false), "Lyon")).extracting(CheckOutcome::passed)
                .isEqualTo(false);
    }

    @Test
    void notContainsPassesWhenAbsentAndFailsWithThePosition() {
        assertThat(run(new CheckSpec.Contains("Lyon", false, true), "Paris.")).isEqualTo(new CheckOutcome(true,
                "'Lyon' absent"));
        assertThat(run(new CheckSpec.Contains("lyon", false, true), "Paris, not Lyon")).isEqualTo(
                new CheckOutcome(false, "expected no 'lyon', found at character 11"));
        assertThat(run(new CheckSpec.Contains("lyon", true, true), "Paris, not Lyon").passed()).isTrue();
    }

    @Test
    void regexIsFoundAnywhereWithItsFlags() {
        assertThat(run(new CheckSpec.Regex("\\b4[0-9]\\b", ""), "It is 42, I think.")).isEqualTo(
                new CheckOutcome(true, "matched '42' at character 6"));
        assertThat(run(new CheckSpec.Regex("^paris$", ""), "Paris")).isEqualTo(
                new CheckOutcome(false, "no match for /^paris$/"));
        assertThat(run(new CheckSpec.Regex("^paris$", "im"), "Answer:\nParis").passed()).isTrue();
        assertThat(run(new CheckSpec.Regex("a.b", "s"), "a\nb").passed()).isTrue();
        assertThat(run(new CheckSpec.Regex("a.b", ""), "a\nb").passed()).isFalse();
    }

    @Test
    void equalsNormalisesCaseWhitespaceAndPunctuation() {
        CheckSpec.Equals paris = new CheckSpec.Equals(List.of("Paris"), false);
        assertThat(run(paris, "  PARIS. ")).isEqualTo(new CheckOutcome(true, "equals 'Paris' (normalised)"));
        assertThat(run(new CheckSpec.Equals(List.of("New York"), false), "new\n  york!").passed()).isTrue();
        assertThat(run(paris, "Paris, France")).isEqualTo(new CheckOutcome(false,
                "expected 'paris', got 'paris france' (normalised)"));
        assertThat(run(paris, "")).extracting(CheckOutcome::passed).isEqualTo(false);
    }

    @Test
    void oneOfAcceptsAnyOfItsAnswers() {
        CheckSpec.Equals colours = new CheckSpec.Equals(List.of("blue", "sky blue", "Azure"), true);
        assertThat(run(colours, "Azure!")).isEqualTo(new CheckOutcome(true, "equals 'Azure' (normalised)"));
        assertThat(run(colours, "Sky-blue").passed()).isFalse();   // the hyphen goes, the words join: "skyblue"
        assertThat(run(colours, "The sky is blue.")).isEqualTo(new CheckOutcome(false,
                "expected one of 3 answers, got 'the sky is blue' (normalised)"));
    }

    @Test
    void numericTakesTheFirstNumberWithinAnAbsoluteOrRelativeTolerance() {
        assertThat(run(new CheckSpec.Numeric(42, 0, 0), "The answer is 42.")).isEqualTo(
                new CheckOutcome(true, "first number 42 within 42"));
        assertThat(run(new CheckSpec.Numeric(42, 0, 0), "17 + 25 = 42")).isEqualTo(
                new CheckOutcome(false, "first number 17, expected 42"));
        assertThat(run(new CheckSpec.Numeric(3.14, 0.01, 0), "pi is about 3.1416").passed()).isTrue();
        assertThat(run(new CheckSpec.Numeric(3.14, 0.001, 0), "pi is about 3.1416")).isEqualTo(
                new CheckOutcome(false, "first number 3.1416, expected 3.14 ± 0.001"));
        assertThat(run(new CheckSpec.Numeric(1000, 0, 0.01), "about 1,009 people").passed()).isTrue();
        assertThat(run(new CheckSpec.Numeric(1000, 0, 0.01), "about 1,011 people").passed()).isFalse();
        assertThat(run(new CheckSpec.Numeric(-5, 0, 0), "It is -5 degrees.").passed()).isTrue();
        assertThat(run(new CheckSpec.Numeric(42, 0, 0), "forty-two")).isEqualTo(
                new CheckOutcome(false, "no number in the answer, expected 42"));
    }

    @Test
    void jsonAcceptsOneValueOrOneFenceAndChecksTheSchema() {
        CheckSpec.Json any = new CheckSpec.Json(null, null);
        assertThat(run(any, " {\"a\": 1} ")).isEqualTo(new CheckOutcome(true, "JSON object"));
        assertThat(run(any, "```json\n[1, 2]\n```")).isEqualTo(new CheckOutcome(true, "fenced JSON array"));
        assertThat(run(any, "```\n\"x\"\n```").passed()).isTrue();
        assertThat(run(any, "Sure! {\"a\": 1}").reason()).startsWith("not JSON: ");
        assertThat(run(any, "{\"a\": 1} and more").reason()).startsWith("not JSON: ");
        assertThat(run(any, "Here:\n```json\n{}\n```").passed()).isFalse();
        assertThat(run(any, "")).isEqualTo(new CheckOutcome(false, "empty answer, not JSON"));

        CheckSpec.Json city = new CheckSpec.Json("{\"type\": \"object\", \"required\": [\"city\"],"
                + " \"properties\": {\"city\": {\"const\": \"Paris\"}}}", "inline");
        assertThat(run(city, "{\"city\": \"Paris\"}")).isEqualTo(new CheckOutcome(true,
                "JSON object, valid against the schema"));
        CheckOutcome missing = run(city, "{\"town\": \"Paris\"}");
        assertThat(missing.passed()).isFalse();
        assertThat(missing.reason()).isEqualTo("JSON object fails the schema: /: required property 'city' not found");
        assertThat(run(city, "{\"city\": \"Lyon\"}").reason()).startsWith("JSON object fails the schema: /city: ");
    }

    @Test
    void maxCharsAndMaxWordsCountTheTrimmedAnswer() {
        assertThat(run(new CheckSpec.MaxLength(5, false), "  Paris  ")).isEqualTo(
                new CheckOutcome(true, "5 characters, at most 5"));
        assertThat(run(new CheckSpec.MaxLength(4, false), "Paris")).isEqualTo(
                new CheckOutcome(false, "5 characters, expected at most 4"));
        assertThat(run(new CheckSpec.MaxLength(3, true), "one two\nthree")).isEqualTo(
                new CheckOutcome(true, "3 words, at most 3"));
        assertThat(run(new CheckSpec.MaxLength(2, true), "one two three")).isEqualTo(
                new CheckOutcome(false, "3 words, expected at most 2"));
        assertThat(run(new CheckSpec.MaxLength(1, true), "").passed()).isTrue();
    }

    @Test
    void aReasonQuotesAtMostSixtyCharactersOfTheAnswer() {
        String longAnswer = "x".repeat(200);
        String reason = run(new CheckSpec.Equals(List.of("y"), false), longAnswer).reason();
        assertThat(reason).contains("x".repeat(60) + "…").doesNotContain("x".repeat(61));
    }
}
