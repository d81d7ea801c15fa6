package dev.nightbench.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code expect:} on prompts, in the plan and in a prompts_file: what it becomes, and every problem with its place. */
class CheckPlanTest {

    private static final String HEAD = """
            endpoints: [{name: sim, type: simulated}]
            models: [{alias: sim-fast}]
            prompts:
              - id: capital
                text: "What is the capital of France?"
                expect:
            """;

    @TempDir
    Path dir;

    private final PlanLoader loader = PlanLoader.withEnvironment(java.util.Map.of());

    private Path plan(String expect) throws IOException {
        return Files.writeString(dir.resolve("plan.yaml"), HEAD + expect);
    }

    private List<PlanProblem> problems(Path plan) {
        return catchThrowableOfType(PlanException.class, () -> loader.load(plan)).problems();
    }

    @Test
    void everyKindIsReadWithItsOptions() throws IOException {
        Path plan = plan("""
                      - contains: Paris
                      - {not_contains: Lyon, case_sensitive: true}
                      - {regex: '\\bParis\\b', flags: i}
                      - equals: Paris
                      - one_of: [Paris, "Paris, France", 75]
                      - {numeric: 42, tolerance: 0.5, relative_tolerance: 0.01}
                      - json: true
                      - {json: true, schema: {type: object, required: [city]}}
                      - max_chars: 200
                      - max_words: 40
                """);

        List<CheckSpec> checks = loader.load(plan).prompts().getFirst().expect();

        assertThat(checks).containsExactly(
                new CheckSpec.Contains("Paris", false, false),
                new CheckSpec.Contains("Lyon", true, true),
                new CheckSpec.Regex("\\bParis\\b", "i"),
                new CheckSpec.Equals(List.of("Paris"), false),
                new CheckSpec.Equals(List.of("Paris", "Paris, France", "75"), true),
                new CheckSpec.Numeric(42, 0.5, 0.01),
                new CheckSpec.Json(null, null),
                new CheckSpec.Json("{\"type\":\"object\",\"required\":[\"city\"]}", "inline"),
                new CheckSpec.MaxLength(200, false),
                new CheckSpec.MaxLength(40, true));
        assertThat(checks).extracting(CheckSpec::describe).contains("contains 'Paris'",
                "not_contains 'Lyon' (case-sensitive)", "numeric 42 ± 0.5 (± 1 %)", "json with schema inline");
    }

    @Test
    void anUnknownKindIsNamedWithItsLineFieldAndTheKnownKinds() throws IOException {
        Path plan = plan("""
                      - contains: Paris
                      - startswith: The
                      - contians: Paris
                """);

        assertThat(problems(plan)).extracting(PlanProblem::toString).containsExactly(
                plan + ":8: prompts[0].expect[1].startswith: unknown check kind 'startswith'; known kinds: contains,"
                        + " not_contains, regex, equals, one_of, numeric, json, max_chars, max_words",
                plan + ":9: prompts[0].expect[2].contians: unknown check kind 'contians' (did you mean 'contains'?);"
                        + " known kinds: contains, not_contains, regex, equals, one_of, numeric, json, max_chars,"
                        + " max_words");
    }

    @Test
    void aRegexThatDoesNotCompileIsReportedWithItsPosition() throws IOException {
        Path plan = plan("""
                      - regex: 'Par(is'
                """);

        assertThat(problems(plan)).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(plan);
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.field()).isEqualTo("prompts[0].expect[0].regex");
            assertThat(p.message()).isEqualTo("does not compile at position 6 of the pattern: Unclosed group"
                    + " (pattern: Par(is)");
        });
    }

    @Test
    void aSchemaThatIsNotAJsonSchemaIsRejected() throws IOException {
        Path plan = plan("""
                      - json: true
                        schema: {type: objekt, required: city}
                """);

        assertThat(problems(plan)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(8);
            assertThat(p.field()).isEqualTo("prompts[0].expect[0].schema");
            assertThat(p.message()).startsWith("the meta-schema rejects it: ").contains("/type").contains("/required");
        });
    }

    @Test
    void aSchemaFileIsReadBesideThePlanAndBecomesPartOfTheHashAndSnapshot() throws IOException {
        Files.writeString(dir.resolve("city.schema.json"), "{\"type\": \"object\", \"required\": [\"city\"]}");
        Path plan = plan("""
                      - {json: true, schema_file: city.schema.json}
                """);

        LoadedPlan loaded = loader.loadWithSnapshot(plan);

        assertThat(loaded.plan().prompts().getFirst().expect()).containsExactly(new CheckSpec.Json(
                "{\"type\": \"object\", \"required\": [\"city\"]}", "city.schema.json"));
        assertThat(loaded.includedFiles()).extracting(LoadedPlan.IncludedFile::key).containsExactly("schema_file");
        String before = loaded.plan().hash();
        Files.writeString(dir.resolve("city.schema.json"), "{\"type\": \"object\"}");
        assertThat(loader.load(plan).hash()).isNotEqualTo(before);

        Files.writeString(dir.resolve("city.schema.json"), "{\"type\": 12}");
        assertThat(problems(plan)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("prompts[0].expect[0].schema_file");
            assertThat(p.message()).startsWith("'city.schema.json' (").contains("is not a usable JSON Schema");
        });
        Files.delete(dir.resolve("city.schema.json"));
        assertThat(problems(plan)).singleElement().extracting(PlanProblem::message).asString()
                .startsWith("cannot read 'city.schema.json'").endsWith("file not found");
    }

    @Test
    void missingOrIllTypedArgumentsAndForeignOptionsAreEachReported() throws IOException {
        Path plan = plan("""
                      - contains: ""
                      - {numeric: forty-two}
                      - {max_words: 0}
                      - {one_of: Paris}
                      - {json: false}
                      - {regex: x, flags: q}
                      - {equals: Paris, case_sensitive: true}
                      - {contains: a, regex: b}
                      - Paris
                """);

        assertThat(problems(plan)).extracting(p -> p.line() + " " + p.field() + ": " + p.message()).containsExactly(
                "7 prompts[0].expect[0].contains: expected a non-empty text, got text ''",
                "8 prompts[0].expect[1].numeric: expected a number, got text 'forty-two'",
                "9 prompts[0].expect[2].max_words: expected a whole number >= 1, got the number 0",
                "10 prompts[0].expect[3].one_of: expected a list of accepted answers, e.g. [Paris, 'Paris, France'],"
                        + " got text 'Paris'",
                "11 prompts[0].expect[4].json: expected true (the answer must be JSON), got false; add schema: or"
                        + " schema_file: to check its shape",
                "12 prompts[0].expect[5].flags: expected letters from 'imsx' (i: ignore case, m: multiline, s: dot"
                        + " matches newlines, x: comments), each at most once, got text 'q'",
                "13 prompts[0].expect[6].case_sensitive: unknown key 'case_sensitive'; allowed keys: equals"
                        + " (for a equals check)",
                "14 prompts[0].expect[7]: one check per entry, found contains and regex; make each its own entry of"
                        + " the list",
                "15 prompts[0].expect[8]: expected one check as a mapping, got text 'Paris'; e.g. {contains: Paris}"
                        + " (kinds: contains, not_contains, regex, equals, one_of, numeric, json, max_chars,"
                        + " max_words)");
    }

    @Test
    void aPromptsFileEntryMayCarryChecksAndItsProblemsNameThatFile() throws IOException {
        Path prompts = Files.writeString(dir.resolve("prompts.json"), """
                [
                  "Hello",
                  {"text": "2+2?", "expect": [{"numeric": 4}]},
                  {"text": "Capital?", "expect": [{"regex": "(("}]}
                ]
                """);
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts_file: prompts.json
                """);

        assertThat(problems(plan)).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(prompts);
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.field()).isEqualTo("[2].expect[0].regex");
            assertThat(p.message()).startsWith("does not compile at position 2 of the pattern: Unclosed group");
        });

        Files.writeString(prompts, "[\"Hello\", {\"text\": \"2+2?\", \"expect\": [{\"numeric\": 4}]}]");
        Plan loaded = loader.load(plan);
        assertThat(loaded.prompts()).extracting(PromptSpec::id).containsExactly("p01", "p02");
        assertThat(loaded.prompts().get(1).expect()).containsExactly(new CheckSpec.Numeric(4, 0, 0));
        assertThat(loaded.hasChecks()).isTrue();
    }

    @Test
    void scriptedAnswersBelongToSimulatedEndpointsAndNameKnownPrompts() throws IOException {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                endpoints:
                  - name: sim
                    type: simulated
                    answers:
                      sim-fast: {capital: Paris., nope: x}
                models: [{alias: sim-fast}]
                prompts: [{id: capital, text: "Capital of France?"}]
                """);

        assertThat(problems(plan)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.field()).isEqualTo("endpoints[0].answers.sim-fast.nope");
            assertThat(p.message()).isEqualTo("no prompt has id 'nope'; prompt ids: capital");
        });
    }
}
