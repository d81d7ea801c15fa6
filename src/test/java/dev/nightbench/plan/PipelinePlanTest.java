package dev.nightbench.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code pipelines:}: the rules, their defaults, and every problem with its file, line and field. */
class PipelinePlanTest {

    @TempDir
    Path dir;

    private final PlanLoader loader = PlanLoader.withEnvironment(Map.of());

    private Path plan(String text) throws IOException {
        return Files.writeString(dir.resolve("plan.yaml"), text);
    }

    private List<String> problems(Path plan) {
        return catchThrowableOfType(PlanException.class, () -> loader.load(plan)).problems().stream()
                .map(PlanProblem::toString).toList();
    }

    private static final String HEAD = """
            endpoints: [{name: sim, type: simulated}]
            models: [{alias: small, model: sim-fast}, {alias: big, model: sim-large}]
            prompts: [{id: capital, text: "Capital of France?", expect: [{contains: Paris}]}]
            """;

    @Test
    void everyRuleAndTheDefaultRefinePrompt() throws IOException {
        Plan plan = loader.load(plan(HEAD + """
                pipelines:
                  - {name: always, draft: small, refine: big, escalate: always}
                  - {name: long, draft: small, refine: big, escalate: {longer_than_words: 3}}
                  - {name: short, draft: small, refine: big, escalate: {shorter_than_words: 2}}
                  - {name: checks, draft: small, refine: big, escalate: check_fails}
                  - name: unsure
                    draft: small
                    refine: big
                    escalate: {regex: "(?i)i don't know"}
                    refine_prompt: "Q: {question}\\nA draft: {draft}\\nBetter:"
                  - {name: both, draft: small, refine: big, escalate: [check_fails, {longer_than_words: 3}]}
                """));

        assertThat(plan.pipelines()).extracting(PipelineSpec::name)
                .containsExactly("always", "long", "short", "checks", "unsure", "both");
        assertThat(plan.pipelines()).extracting(p -> p.escalate().describe()).containsExactly("always",
                "longer_than_words 3", "shorter_than_words 2", "check_fails", "regex (?i)i don't know",
                "check_fails or longer_than_words 3");
        PipelineSpec always = plan.pipelines().getFirst();
        assertThat(always.refinePrompt()).isEqualTo(PipelineSpec.DEFAULT_REFINE_PROMPT);
        assertThat(always.refineText("Capital of France?", "Lyon {question}")).isEqualTo(
                "Improve this draft answer to the question.\n\nQuestion: Capital of France?\n\nDraft: Lyon {question}");
        assertThat(plan.pipeline("unsure").orElseThrow().refineText("Q?", "x")).isEqualTo("Q: Q?\nA draft: x\nBetter:");

        Escalation long3 = plan.pipeline("long").orElseThrow().escalate();
        assertThat(long3.escalates("one two three", true)).isFalse();
        assertThat(long3.escalates(" one two  three four ", true)).isTrue();
        Escalation short2 = plan.pipeline("short").orElseThrow().escalate();
        assertThat(short2.escalates("  ", true)).isTrue();
        assertThat(short2.escalates("Paris.", true)).isTrue();
        assertThat(short2.escalates("It's Paris.", true)).isFalse();
        Escalation checks = plan.pipeline("checks").orElseThrow().escalate();
        assertThat(checks.escalates("anything", false)).isTrue();
        assertThat(checks.escalates("anything", true)).isFalse();
        Escalation unsure = plan.pipeline("unsure").orElseThrow().escalate();
        assertThat(unsure.escalates("Well, I DON'T KNOW.", true)).isTrue();
        assertThat(unsure.escalates("Paris.", true)).isFalse();
        Escalation both = plan.pipeline("both").orElseThrow().escalate();
        assertThat(both.escalates("Lyon.", false)).isTrue();
        assertThat(both.escalates("Paris is the capital.", true)).isTrue();
        assertThat(both.escalates("Paris.", true)).isFalse();
    }

    @Test
    void problemsNameTheFileLineAndField() throws IOException {
        Path plan = plan(HEAD + """
                pipelines:
                  - {name: a, draft: small, refine: huge, escalate: always}
                  - {name: a, refine: big, escalate: sometimes}
                  - {name: c, draft: small, refine: big, escalate: {regex: "([a-z"}}
                  - {name: d, draft: small, refine: big, escalate: {judge_below: 3}}
                  - {name: e, draft: small, refine: big, escalate: {longer_than: 3}}
                  - {name: f, draft: small, refine: big, escalate: {shorter_than_words: 0}, refine_prompt: "Better?"}
                  - {name: "g h", draft: small, refine: big}
                """);

        String rules = "always, check_fails, {longer_than_words: N}, {shorter_than_words: N}, {regex: \"...\"},"
                + " {judge_below: N} (several keys, or a list of rules: any escalates)";
        assertThat(problems(plan)).containsExactly(
                plan + ":5: pipelines[0].refine: no model of the plan has alias 'huge'; aliases: small, big",
                plan + ":6: pipelines[1].name: duplicate pipeline 'a' (first at line 5)",
                plan + ":6: pipelines[1].draft: required: the alias of the model of the plan that drafts; aliases:"
                        + " small, big",
                plan + ":6: pipelines[1].escalate: unknown escalation rule text 'sometimes'; rules: " + rules,
                plan + ":7: pipelines[2].escalate.regex: does not compile at position 4 of the pattern: Unclosed"
                        + " character class (pattern: ([a-z)",
                plan + ":8: pipelines[3].escalate.judge_below: judge_below needs the plan's judge: add a judge: section"
                        + " (judge.model, or judge.endpoint + judge.model)",
                plan + ":9: pipelines[4].escalate.longer_than: unknown escalation rule 'longer_than'; rules: " + rules,
                plan + ":10: pipelines[5].escalate.shorter_than_words: must be a whole number of at least 1 (words of"
                        + " the draft), got the number 0",
                plan + ":10: pipelines[5].refine_prompt: must contain {draft} (where the draft goes; {question} is the"
                        + " prompt's question); leave it out for the default",
                plan + ":11: pipelines[6].name: pipeline name 'g h' is not allowed: use 1 to 100 letters, digits, '.',"
                        + " '_', ':' or '-', starting with a letter or digit",
                plan + ":11: pipelines[6].escalate: required: when a draft is refined: " + rules);
    }

    @Test
    void checkFailsNeedsChecksAndARefineScriptNeedsAPrompt() throws IOException {
        Path plan = plan("""
                endpoints:
                  - name: sim
                    type: simulated
                    answers: {sim-large: {capital@refine: "Paris.", nope@refine: "?"}}
                models: [{alias: small, model: sim-fast}, {alias: big, model: sim-large}]
                prompts: [{id: capital, text: "Capital of France?"}]
                pipelines:
                  - {name: p, draft: small, refine: big, escalate: {check_fails: true}}
                """);

        assertThat(problems(plan)).containsExactly(
                plan + ":4: endpoints[0].answers.sim-large.nope@refine: no prompt has id 'nope'; prompt ids: capital",
                plan + ":8: pipelines[0].escalate.check_fails: check_fails needs prompts with expect: checks, and no"
                        + " prompt of the plan has any");
    }

    @Test
    void judgeBelowNeedsTheJudgeAndAScoreOnItsScale() throws IOException {
        String judged = HEAD + "judge: {model: big}\n";
        Plan plan = loader.load(plan(judged + """
                pipelines:
                  - {name: judged, draft: small, refine: big, escalate: {judge_below: 3}}
                  - {name: half, draft: small, refine: big, escalate: [{regex: "(?i)maybe"}, {judge_below: 3.5}]}
                  - {name: edge, draft: small, refine: big, escalate: {judge_below: 1, check_fails: true}}
                """));

        assertThat(plan.pipelines()).extracting(p -> p.escalate().describe()).containsExactly("judge_below 3",
                "regex (?i)maybe or judge_below 3.5", "judge_below 1 or check_fails");
        Escalation below3 = plan.pipeline("judged").orElseThrow().escalate();
        assertThat(below3.needsJudge()).isTrue();
        assertThat(below3.escalates("Paris.", true, 2.99)).isTrue();
        assertThat(below3.escalates("Paris.", true, 3.0)).isFalse();
        assertThat(below3.escalates("Paris.", true, null)).as("the judge cannot tell: refined").isTrue();
        Escalation half = plan.pipeline("half").orElseThrow().escalate();
        assertThat(half.needsJudge()).isTrue();
        assertThat(half.escalates("Maybe Paris.", true, 5.0)).isTrue();
        assertThat(half.escalates("Paris.", true, 3.4)).isTrue();
        assertThat(half.escalates("Paris.", true, 3.5)).isFalse();
        assertThat(plan.pipeline("edge").orElseThrow().escalate().escalates("Paris.", false, 5.0)).isTrue();
        assertThat(new Escalation.CheckFails().needsJudge()).isFalse();

        Path bad = plan(judged + """
                pipelines:
                  - {name: a, draft: small, refine: big, escalate: {judge_below: 0}}
                  - {name: b, draft: small, refine: big, escalate: {judge_below: 5.5}}
                  - {name: c, draft: small, refine: big, escalate: {judge_below: "3"}}
                  - {name: d, draft: small, refine: big, escalate: {judge_below: 5}}
                """);
        String scale = "must be a number from 1 to 5 (the judge's mean score below which a draft is refined), got ";
        assertThat(problems(bad)).containsExactly(
                bad + ":6: pipelines[0].escalate.judge_below: " + scale + "the number 0",
                bad + ":7: pipelines[1].escalate.judge_below: " + scale + "the number 5.5",
                bad + ":8: pipelines[2].escalate.judge_below: " + scale + "text '3'");

        Path noJudge = plan(HEAD + """
                pipelines:
                  - {name: a, draft: small, refine: big, escalate: [check_fails, {judge_below: 4}]}
                """);
        assertThat(problems(noJudge)).containsExactly(noJudge + ":5: pipelines[0].escalate[1].judge_below:"
                + " judge_below needs the plan's judge: add a judge: section (judge.model, or judge.endpoint +"
                + " judge.model)");
    }
}
