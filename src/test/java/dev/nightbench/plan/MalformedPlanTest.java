package dev.nightbench.plan;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * One row per way a plan can be wrong: the loader must reject it with a message that contains the
 * expected fragment, in the expected file, at the expected line.
 */
class MalformedPlanTest {

    /** A plan with nothing wrong, as the base most rows change one line of. Lines 1-8. */
    private static final String VALID = """
            endpoints:
              - name: local
                base_url: http://localhost:8080/v1
            models:
              - alias: m1
            prompts:
              - id: q1
                text: Hi
            """;

    /**
     * @param name     what is wrong, as the test's display name
     * @param plan     the plan's text, written to plan.yaml
     * @param files    further files next to it (name to content)
     * @param file     the file the problem must be reported in
     * @param line     the line it must be reported at (null: the whole file)
     * @param fragment what the message must contain
     */
    record Case(String name, String plan, Map<String, String> files, String file, Integer line, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case plan(String name, String plan, Integer line, String fragment) {
        return new Case(name, plan, Map.of(), "plan.yaml", line, fragment);
    }

    static Stream<Case> cases() {
        return Stream.of(
                plan("a YAML syntax error", VALID.replace("  - alias: m1", "  - alias: m1\n   endpoint: local"),
                        6, "YAML syntax error"),
                plan("an unclosed flow list", "endpoints: [{name: a, base_url: \"http://x/v1\"}\nmodels: []\n",
                        1, "YAML syntax error"),
                plan("a key given twice", VALID + "name: a\nname: b\n", 10, "duplicate key 'name'"),
                plan("an empty file", "", null, "the plan is empty"),
                plan("a file of comments only", "# nothing yet\n", null, "the plan is empty"),
                plan("a bare document marker", "---\n", null, "the plan is empty"),
                plan("a list at the top level", "- endpoints\n", 1, "expected a mapping of keys at the top level"),
                plan("two YAML documents", VALID + "---\nname: again\n", 10, "a single YAML document"),
                plan("an unknown top-level key", VALID + "modles: []\n", 9,
                        "unknown key 'modles' (did you mean 'models'?); allowed keys: name, description, endpoints"),
                plan("an unknown key in run", VALID + "run:\n  rounds: 3\n  rouns: 3\n", 11,
                        "run.rouns: unknown key 'rouns' (did you mean 'rounds'?)"),
                plan("an unknown key in an endpoint", VALID.replace("base_url:", "baseUrl:"), 3,
                        "endpoints[0].baseUrl: unknown key 'baseUrl' (did you mean 'base_url'?)"),
                plan("an unknown key in timeouts", VALID + "run:\n  timeouts: { first_byte: 5s }\n", 10,
                        "run.timeouts.first_byte: unknown key 'first_byte'; allowed keys: connect, first_token, idle, total"),
                plan("no endpoints", VALID.replace("endpoints:\n  - name: local\n    base_url: http://localhost:8080/v1\n",
                        ""), null, "endpoints: required"),
                plan("no models", VALID.replace("models:\n  - alias: m1\n", ""), null,
                        "models: required: list models, or name a models_file"),
                plan("no prompts", VALID.replace("prompts:\n  - id: q1\n    text: Hi\n", ""), null,
                        "prompts: required"),
                plan("a model without an alias", VALID.replace("- alias: m1", "- model: m1"), 5,
                        "models[0].alias: required: the alias"),
                plan("an endpoint without a name", VALID.replace("- name: local", "- type: openai"), 2,
                        "endpoints[0].name: required: the endpoint name"),
                plan("an endpoint without base_url", VALID.replace("    base_url: http://localhost:8080/v1\n", ""), 2,
                        "endpoints[0].base_url: required: an absolute http:// or https:// URL"),
                plan("a prompt without an id", VALID.replace("- id: q1", "- system: Be brief"), 7,
                        "prompts[0].id: required: the prompt id"),
                plan("a prompt with neither text nor messages", VALID.replace("    text: Hi\n", ""), 7,
                        "prompts[0]: required: text (one user message) or messages"),
                plan("a duplicate alias", VALID.replace("  - alias: m1\n", "  - alias: m1\n  - alias: m1\n"), 6,
                        "models[1].alias: duplicate alias 'm1' (first at line 5)"),
                plan("a duplicate endpoint name",
                        VALID.replace("models:", "  - name: local\n    base_url: http://h:1/v1\nmodels:"), 4,
                        "endpoints[1].name: duplicate endpoint name 'local' (first at line 2)"),
                plan("a duplicate prompt id", VALID + "  - id: q1\n    text: Again\n", 9,
                        "duplicate prompt id 'q1' (first at line 7)"),
                plan("an unknown endpoint", VALID.replace("  - alias: m1\n", "  - alias: m1\n    endpoint: cloud\n"),
                        6, "models[0].endpoint: unknown endpoint 'cloud'; defined: local"),
                plan("a URL without a scheme", VALID.replace("http://localhost:8080/v1", "localhost:8080/v1"), 3,
                        "'localhost:8080/v1' is not an absolute http:// or https:// URL"),
                plan("a relative URL", VALID.replace("http://localhost:8080/v1", "/v1"), 3,
                        "'/v1' is not an absolute http:// or https:// URL"),
                plan("a URL with spaces", VALID.replace("http://localhost:8080/v1", "http://local host/v1"), 3,
                        "is not a valid URL"),
                plan("an ftp URL", VALID.replace("http://localhost:8080/v1", "ftp://localhost/v1"), 3,
                        "'ftp://localhost/v1' is not an absolute http:// or https:// URL"),
                plan("credentials in the URL", VALID.replace("http://", "http://user:pw@"), 3,
                        "must not contain credentials"),
                plan("rounds 0", VALID + "run:\n  rounds: 0\n", 10, "run.rounds: must be at least 1, got 0"),
                plan("rounds -1", VALID + "run:\n  rounds: -1\n", 10, "run.rounds: must be at least 1, got -1"),
                plan("rounds that are not a number", VALID + "run:\n  rounds: three\n", 10,
                        "run.rounds: expected a whole number, got 'three'"),
                plan("rounds with a fraction", VALID + "run:\n  rounds: 2.5\n", 10,
                        "run.rounds: expected a whole number, got 2.5"),
                plan("a negative warmup", VALID + "run:\n  warmup: -1\n", 10, "run.warmup: must be 0 or more, got -1"),
                plan("fail_after 0", VALID + "run:\n  fail_after: 0\n", 10, "run.fail_after: must be at least 1"),
                plan("a bad duration", VALID + "run:\n  timeouts:\n    total: 5 minutes\n", 11,
                        "run.timeouts.total: expected a duration like 500ms, 10s, 5m"),
                plan("a zero duration", VALID + "run:\n  timeouts: { idle: 0s }\n", 10,
                        "run.timeouts.idle: must be longer than zero"),
                plan("an undefined environment variable", VALID.replace("http://localhost:8080/v1", "${NOPE}"), 3,
                        "environment variable NOPE is not set"),
                plan("a malformed variable reference", VALID.replace("Hi", "${not a name}"), 8,
                        "is not a variable reference"),
                plan("an alias with a slash", VALID.replace("alias: m1", "alias: org/m1"), 5,
                        "alias 'org/m1' is not allowed: use 1 to 100 letters, digits, '.', '_', ':' or '-'"),
                plan("a prompt id with a space", VALID.replace("id: q1", "id: 'q 1'"), 7,
                        "(aliases and prompt ids end up in file names)"),
                plan("an API key where its variable name belongs",
                        VALID.replace("    base_url: http://localhost:8080/v1\n",
                                "    base_url: http://localhost:8080/v1\n    api_key_env: sk-123abc\n"), 4,
                        "must be the NAME of an environment variable"),
                plan("an unknown endpoint type", VALID.replace("- name: local", "- name: local\n    type: azure"), 3,
                        "unknown type 'azure'; allowed: openai"),
                plan("a simulated endpoint with a base_url", VALID.replace("- name: local", "- name: local\n    type: simulated"),
                        4, "a simulated endpoint takes no base_url"),
                plan("a reserved request parameter", VALID.replace("  - alias: m1\n",
                        "  - alias: m1\n    params: { stream: false }\n"), 6,
                        "models[0].params.stream: is set by Nightbench"),
                plan("both text and messages", VALID.replace("text: Hi", "text: Hi\n    messages: [{role: user, content: Hi}]"),
                        9, "give either text or messages, not both"),
                plan("an unknown message role", VALID.replace("text: Hi", "messages: [{role: bot, content: Hi}]"),
                        8, "unknown role 'bot'; allowed: system, user, assistant"),
                plan("a list where text belongs", VALID.replace("text: Hi", "text: [Hi]"), 8,
                        "prompts[0].text: expected a text value, got a list"),
                new Case("a missing models file", VALID + "models_file: missing.json\n", Map.of(), "plan.yaml", 9,
                        "models_file: cannot read 'missing.json'"),
                new Case("a models file that is a directory", VALID + "models_file: sub\n", Map.of("sub/x", ""),
                        "plan.yaml", 9, "is a directory, not a file"),
                new Case("a missing plan file", null, Map.of(), "plan.yaml", null, "file not found"),
                new Case("a prompts file that is an object", VALID + "prompts_file: prompts.json\n",
                        Map.of("prompts.json", "{\"q\": \"Hi\"}"), "prompts.json", 1,
                        "expected a JSON array of prompt strings"),
                new Case("a prompts file with a number", VALID + "prompts_file: prompts.json\n",
                        Map.of("prompts.json", "[\n  \"Hi\",\n  42\n]"), "prompts.json", 3,
                        "[1]: expected a prompt string, got a number (42)"),
                new Case("an empty prompts array", VALID + "prompts_file: prompts.json\n",
                        Map.of("prompts.json", "[]"), "prompts.json", 1, "no prompts in the file"),
                new Case("a prompts file with a JSON syntax error", VALID + "prompts_file: prompts.json\n",
                        Map.of("prompts.json", "[\n  \"Hi\",\n  \"there\"\n  \"again\"\n]"), "prompts.json", 4,
                        "JSON syntax error"),
                new Case("a models file that is an array", VALID.replace("  - alias: m1\n", "") + "models_file: models.json\n",
                        Map.of("models.json", "[\"a\"]"), "models.json", 1, "expected a JSON object mapping each alias"),
                new Case("an unknown key in a models file", VALID + "models_file: models.json\n",
                        Map.of("models.json", "{\n  \"m2\": {\n    \"sizeMb\": 5\n  }\n}"), "models.json", 3,
                        "m2.sizeMb: unknown key 'sizeMb' (did you mean 'size_mb'?)"),
                new Case("a models file alias already in the plan", VALID + "models_file: models.json\n",
                        Map.of("models.json", "{\n  \"m1\": {}\n}"), "models.json", 2,
                        "duplicate alias 'm1' (first at "),
                new Case("a prompts file id already in the plan", VALID.replace("id: q1", "id: p01")
                        + "prompts_file: prompts.json\n", Map.of("prompts.json", "[\"Hi\"]"), "prompts.json", 1,
                        "duplicate prompt id 'p01'"));
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} is rejected")
    @MethodSource("cases")
    void a_malformed_plan_is_rejected_with_the_line_and_a_clear_message(Case c) throws IOException {
        Path planFile = dir.resolve("plan.yaml");
        if (c.plan() != null) {
            Files.writeString(planFile, c.plan());
        }
        for (Map.Entry<String, String> f : c.files().entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }

        PlanException e = catchThrowableOfType(PlanException.class,
                () -> PlanLoader.withEnvironment(Map.of()).load(planFile));

        assertThat(e).as("loading should fail").isNotNull();
        assertThat(e.problems())
                .as("problems: %s", e.problems())
                .anySatisfy(p -> {
                    assertThat(p.file()).isEqualTo(dir.resolve(c.file()));
                    assertThat(p.line()).isEqualTo(c.line());
                    assertThat(p.toString()).contains(c.fragment());
                });
    }
}
