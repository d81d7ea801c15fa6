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
                plan("an unknown connection policy", VALID + "run:\n  connection: pooled\n", 10,
                        "run.connection: unknown connection policy 'pooled'; allowed: keep_alive, close"),
                plan("an unknown connection policy of an endpoint", VALID.replace("- name: local",
                        "- name: local\n    connection: keep-alive"), 3,
                        "endpoints[0].connection: unknown connection policy 'keep-alive'; allowed: keep_alive, close"),
                plan("an undefined environment variable", VALID.replace("http://localhost:8080/v1", "${NOPE}"), 3,
                        "plan.yaml:3: endpoints[0].base_url: environment variable NOPE is not set"),
                plan("an undefined variable inside a flow mapping and a longer text",
                        VALID.replace("text: Hi", "{text: \"Hi ${WHO}, bye\"}").replace("  - id: q1\n    ", "  - id: q1\n  - "),
                        8, "plan.yaml:8: prompts[1].text: environment variable WHO is not set"),
                plan("a whole number too large for its field", VALID + "run:\n  rounds: 99999999999\n", 10,
                        "run.rounds: expected a whole number no larger than 2147483647, got 99999999999"),
                plan("a quoted whole number too small for its field", VALID + "run:\n  warmup: '-99999999999'\n", 10,
                        "run.warmup: expected a whole number no smaller than -2147483648, got '-99999999999'"),
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
                plan("a concurrency level of 0", VALID + "load:\n  concurrency: [4, 0]\n  requests: 5\n", 10,
                        "load.concurrency[1]: must be between 1 and 10000 concurrent requests, got 0"),
                plan("a concurrency level given twice", VALID + "load:\n  concurrency: [4, 4]\n  requests: 5\n", 10,
                        "load.concurrency[1]: duplicate level 4"),
                plan("a fractional concurrency", VALID + "load:\n  concurrency: [2.5]\n  requests: 5\n", 10,
                        "load.concurrency[0]: expected a whole number, got 2.5"),
                plan("a negative rate", VALID + "load:\n  rates: [-2]\n  requests: 5\n", 10,
                        "load.rates[0]: must be a positive number of requests per second, got -2.0"),
                plan("a rate that is not a number", VALID + "load:\n  rates: [fast]\n  requests: 5\n", 10,
                        "load.rates[0]: expected a number, got 'fast'"),
                plan("load levels without requests or duration", VALID + "load:\n  concurrency: [4]\n", 9,
                        "load: needs the requests per level (requests: N) or the time per level (duration: 30s)"),
                plan("load levels with both requests and duration",
                        VALID + "load:\n  concurrency: [4]\n  requests: 5\n  duration: 10s\n", 12,
                        "load.duration: give requests or duration per level, not both"),
                plan("a load duration that is not one", VALID + "load:\n  concurrency: [4]\n  duration: 10 sec\n", 11,
                        "load.duration: expected a duration like 500ms"),
                plan("zero requests per level", VALID + "load:\n  concurrency: [4]\n  requests: 0\n", 11,
                        "load.requests: must be at least 1, got 0"),
                plan("an unknown key in load", VALID + "load:\n  concurency: [4]\n", 10,
                        "load.concurency: unknown key 'concurency' (did you mean 'concurrency'?); allowed keys: concurrency, rates, requests, duration, sweep"),
                plan("a model's load without requests or duration",
                        VALID.replace("  - alias: m1\n", "  - alias: m1\n    load: {concurrency: [2]}\n"), 6,
                        "models[0].load: needs the requests per level"),
                plan("an unknown key in a model's load",
                        VALID.replace("  - alias: m1\n", "  - alias: m1\n    load: {rate: [2], requests: 3}\n"), 6,
                        "models[0].load.rate: unknown key 'rate' (did you mean 'rates'?)"),
                plan("a sweep without a mode", VALID + "load:\n  requests: 5\n  sweep: {max: 8}\n", 11,
                        "load.sweep.mode: required: concurrency (closed loop) or rate (open loop, req/s)"),
                plan("a sweep of an unknown mode", VALID + "load:\n  requests: 5\n  sweep:\n    mode: ramp\n    max: 8\n",
                        12, "load.sweep.mode: unknown mode 'ramp'; allowed: concurrency, rate"),
                plan("a sweep without a max", VALID + "load:\n  requests: 5\n  sweep: {mode: rate}\n", 11,
                        "load.sweep.max: required: the highest level to try"),
                plan("a sweep that does not grow", VALID + "load:\n  requests: 5\n  sweep:\n    mode: rate\n    factor: 1\n    max: 8\n",
                        13, "load.sweep.factor: must be greater than 1"),
                plan("a sweep whose max is below its start",
                        VALID + "load:\n  requests: 5\n  sweep:\n    mode: concurrency\n    start: 8\n    max: 4\n", 14,
                        "load.sweep.max: must be at least start (8), got 4.0"),
                plan("a concurrency sweep starting at a fraction",
                        VALID + "load:\n  requests: 5\n  sweep:\n    mode: concurrency\n    start: 1.5\n    max: 4\n", 13,
                        "load.sweep.start: must be a whole number for a concurrency sweep"),
                plan("a sweep of too many levels",
                        VALID + "load:\n  requests: 5\n  sweep:\n    mode: rate\n    factor: 1.01\n    max: 1000\n", 13,
                        "load.sweep.factor: makes more than 50 levels from 1 to 1000"),
                plan("a sweep without requests or duration", VALID + "load:\n  sweep:\n    mode: rate\n    max: 8\n", 10,
                        "load.sweep: needs the requests per level (requests: N) or the time per level"),
                plan("a sweep over fixed levels of its mode",
                        VALID + "load:\n  requests: 8\n  concurrency: [2]\n  sweep:\n    mode: concurrency\n    max: 8\n", 13,
                        "load.sweep.mode: a concurrency sweep cannot be combined with fixed concurrency levels [2]"),
                plan("fewer requests per level than the concurrency", VALID + "load:\n  concurrency: [4, 64]\n  requests: 16\n", 9,
                        "load: requests per level (16) is below the concurrency 64"),
                plan("a concurrency sweep with fewer requests than its max",
                        VALID + "load:\n  sweep:\n    mode: concurrency\n    max: 32\n    requests: 8\n", 10,
                        "load.sweep: requests per level (8) is below the concurrency 32"),
                plan("a negative latency SLO", VALID + "slo:\n  ttft_ms: -5\n", 10,
                        "slo.ttft_ms: must be a positive number of milliseconds, got -5.0"),
                plan("an error rate given in percent", VALID + "slo:\n  max_error_rate: 5\n", 10,
                        "slo.max_error_rate: must be a share between 0 and 1 (0.05 = 5 %), got 5.0"),
                plan("an SLO percentile of 0", VALID + "slo:\n  e2e_ms: 900\n  percentile: 0\n", 11,
                        "slo.percentile: must be above 0 and at most 100"),
                plan("an unknown key in slo", VALID + "slo:\n  ttft: 500\n", 10,
                        "slo.ttft: unknown key 'ttft'; allowed keys: ttft_ms, tpot_ms, e2e_ms, max_error_rate, percentile"),
                plan("zero retry attempts", VALID + "retry:\n  http_5xx: {attempts: 0}\n", 10,
                        "retry.http_5xx.attempts: must be between 1 (no retry) and 100 attempts in all, got 0"),
                plan("retry attempts that are not a number", VALID + "retry:\n  default:\n    attempts: many\n", 11,
                        "retry.default.attempts: expected a whole number, got 'many'"),
                plan("retries for HTTP 4xx", VALID + "retry:\n  http_4xx: {attempts: 2}\n", 10,
                        "retry.http_4xx: HTTP 4xx answers other than 429 are never retried"),
                plan("an answer bound that is not a size", VALID + "run:\n  answer_max_bytes: lots\n", 10,
                        "run.answer_max_bytes: expected a positive whole number of bytes or a size like 64KiB"),
                plan("a negative answer bound", VALID + "run:\n  answer_max_bytes: -5\n", 10,
                        "run.answer_max_bytes: expected a positive whole number of bytes"),
                plan("an answer bound below the response prefix", VALID + "run:\n  answer_max_bytes: 1000\n", 10,
                        "run.answer_max_bytes: must be at least 8192 bytes (8KiB)"),
                plan("an answer bound above 16 MiB", VALID + "run:\n  answer_max_bytes: 64MiB\n", 10,
                        "run.answer_max_bytes: must be at most 16777216 bytes (16MiB), got '64MiB'"),
                plan("an unknown failure class in retry", VALID + "retry:\n  http_500: {attempts: 2}\n", 10,
                        "retry.http_500: unknown key 'http_500' (did you mean 'http_5xx'?)"),
                plan("a backoff that is not a duration", VALID + "retry:\n  default: {backoff: soon}\n", 10,
                        "retry.default.backoff: expected a duration like 500ms"),
                plan("a max backoff below the backoff", VALID + "retry:\n  timeout:\n    backoff: 2s\n    max_backoff: 1s\n", 12,
                        "retry.timeout.max_backoff: must be at least backoff (2s), got '1s'"),
                new Case("a missing models file", VALID + "models_file: missing.json\n", Map.of(), "plan.yaml", 9,
                        "models_file: cannot read 'missing.json'"),
                new Case("a models file that is a directory", VALID + "models_file: sub\n", Map.of("sub/x", ""),
                        "plan.yaml", 9, "is a directory, not a file"),
                new Case("a missing plan file", null, Map.of(), "plan.yaml", null, "file not found"),
                new Case("a prompts file that is an object", VALID + "prompts_file: prompts.json\n",
                        Map.of("prompts.json", "{\"q\": \"Hi\"}"), "prompts.json", 1,
                        "expected a JSON array of prompt strings"),
                new Case("a prompts file that is not JSON", VALID + "prompts_file: prompts.json\n",
                        Map.of("prompts.json", "Hi there\nHow are you?\n"), "prompts.json", 1,
                        "JSON syntax error: Unrecognized token 'Hi'"),
                new Case("a prompts file that is not JSON names the plan, its line and field", VALID + "prompts_file: prompts.json\n",
                        Map.of("prompts.json", "- Hi there\n"), "prompts.json", 1,
                        "; this file is the prompts_file of {dir}/plan.yaml (line 9) and must be JSON: expected a JSON array"),
                new Case("a models file that is not JSON names the plan, its line and field",
                        VALID + "\nmodels_file: models.json\n", Map.of("models.json", "{\n  phi: {}\n}"), "models.json", 2,
                        "; this file is the models_file of {dir}/plan.yaml (line 10) and must be JSON: expected a JSON object"),
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
                    assertThat(p.toString()).contains(c.fragment().replace("{dir}", dir.toString()));
                });
    }
}
