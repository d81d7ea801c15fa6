package dev.nightbench.plan;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code prompts_from:} datasets (JSONL, ShareGPT, CSV) drawn into the plan's prompts, and load cells drawing from one. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DatasetPlanTest {

    private static final String BASE = """
            endpoints: [{name: sim, type: simulated}]
            models: [{alias: m1}]
            """;

    @TempDir
    Path dir;

    private Path plan(String yaml) throws IOException {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, BASE + yaml);
        return file;
    }

    private Plan load(String yaml) throws IOException {
        return PlanLoader.withEnvironment(Map.of()).load(plan(yaml));
    }

    private List<PlanProblem> problems(String yaml) throws IOException {
        Path file = plan(yaml);
        try {
            PlanLoader.withEnvironment(Map.of()).load(file);
        } catch (PlanException e) {
            return e.problems();
        }
        throw new AssertionError("the plan loaded without problems");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static List<String> ids(Plan plan) {
        return plan.prompts().stream().map(PromptSpec::id).toList();
    }

    @Test
    void a_jsonl_dataset_gives_prompts_with_ids_system_reference_and_context_by_dotted_field_paths() throws IOException {
        write("qa.jsonl", """
                {"id": "a", "q": {"text": "First?"}, "sys": "Be brief.", "answer": "One.", "docs": ["d1", "d2"]}

                {"id": 7, "q": {"text": "Second?"}}
                """);

        Plan plan = load("""
                prompts: [{id: own, text: Mine}]
                prompts_from:
                  - {name: qa, path: qa.jsonl, format: jsonl, text: q.text, id: id, system: sys, expected: answer,
                     context: docs}
                """);

        assertThat(ids(plan)).containsExactly("own", "qa:a", "qa:7");
        PromptSpec first = plan.prompts().get(1);
        assertThat(first.text()).isEqualTo("First?");
        assertThat(first.system()).isEqualTo("Be brief.");
        assertThat(first.reference()).isEqualTo("One.");
        assertThat(first.context()).containsExactly("d1", "d2");
        assertThat(first.origin()).isEqualTo(PromptOrigin.dataset("qa"));
        assertThat(plan.prompts().get(2).system()).isNull();
        Workloads.PromptSource source = plan.workloads().sources().getFirst();
        assertThat(source).extracting(Workloads.PromptSource::name, Workloads.PromptSource::kind,
                        Workloads.PromptSource::path, Workloads.PromptSource::recordsRead,
                        Workloads.PromptSource::promptsDrawn, Workloads.PromptSource::seed)
                .containsExactly("qa", "jsonl", "qa.jsonl", 2L, 2, 42L);
        assertThat(source.sha256()).isEqualTo(sha256(dir.resolve("qa.jsonl")));
        assertThat(source.settings()).contains("text: q.text", "expected: answer", "use: both");
    }

    @Test
    void without_an_id_field_a_record_is_numbered_from_one_and_the_seed_defaults_to_the_run_s() throws IOException {
        write("qa.jsonl", "{\"q\": \"A?\"}\n{\"q\": \"B?\"}\n");

        Plan plan = load("""
                run: {seed: 5}
                prompts_from: [{name: qa, path: qa.jsonl, text: q}]
                """);

        assertThat(ids(plan)).containsExactly("qa:1", "qa:2");
        assertThat(plan.workloads().sources().getFirst().seed()).isEqualTo(5L);
    }

    @Test
    void a_sharegpt_record_gives_its_first_human_turn_with_the_system_entry() throws IOException {
        write("chats.json", SHAREGPT);

        Plan plan = load("prompts_from: [{name: chat, path: chats.json, format: sharegpt}]\n");

        assertThat(ids(plan)).containsExactly("chat:c1", "chat:2");
        assertThat(plan.prompts().getFirst().text()).isEqualTo("Hello?");
        assertThat(plan.prompts().getFirst().system()).isEqualTo("Be kind.");
        assertThat(plan.prompts().getFirst().origin().isTurn()).isFalse();
        assertThat(plan.prompts().get(1).text()).isEqualTo("Only question");
    }

    @Test
    void with_turns_all_every_human_turn_is_a_turn_of_the_record_s_conversation() throws IOException {
        write("chats.json", SHAREGPT);

        Plan plan = load("prompts_from: [{name: chat, path: chats.json, format: sharegpt, turns: all}]\n");

        assertThat(ids(plan)).containsExactly("chat:c1.t1", "chat:c1.t2", "chat:2.t1");
        PromptSpec second = plan.prompts().get(1);
        assertThat(second.text()).isEqualTo("And then?");
        assertThat(second.origin()).isEqualTo(new PromptOrigin("chat", "chat:c1", 2, null, null, null, null));
        assertThat(plan.workloads().sources().getFirst().promptsDrawn()).isEqualTo(3);
        assertThat(plan.workloads().sources().getFirst().recordsRead()).isEqualTo(2L);
    }

    @Test
    void a_csv_dataset_names_its_columns_by_the_header_row() throws IOException {
        write("faq.csv", "id,question,answer\nship,\"How long, roughly?\",3 days\nret,\"Multi\nline?\",Yes\n");

        Plan plan = load("prompts_from: [{name: faq, path: faq.csv, text: question, id: id, expected: answer}]\n");

        assertThat(ids(plan)).containsExactly("faq:ship", "faq:ret");
        assertThat(plan.prompts()).extracting(PromptSpec::text).containsExactly("How long, roughly?", "Multi\nline?");
        assertThat(plan.prompts()).extracting(PromptSpec::reference).containsExactly("3 days", "Yes");
        assertThat(plan.workloads().sources().getFirst().kind()).isEqualTo("csv");
    }

    @Test
    void the_same_seed_draws_the_same_records_in_file_order_and_another_seed_others() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 500; i++) {
            sb.append("{\"id\": \"r").append(i).append("\", \"q\": \"Question ").append(i).append("\"}\n");
        }
        write("many.jsonl", sb.toString());
        String yaml = "prompts_from: [{name: s, path: many.jsonl, text: q, id: id, sample: 10, seed: %d}]\n";

        List<String> first = ids(load(yaml.formatted(1)));
        List<String> again = ids(load(yaml.formatted(1)));
        List<String> other = ids(load(yaml.formatted(2)));

        assertThat(first).hasSize(10).doesNotHaveDuplicates().isEqualTo(again).isNotEqualTo(other);
        assertThat(first).isSortedAccordingTo((a, b) -> Integer.compare(number(a), number(b)));
        assertThat(other).hasSize(10);
    }

    private static int number(String id) {
        return Integer.parseInt(id.substring("s:r".length()));
    }

    @Test
    void a_200k_line_file_is_streamed_and_sampled() throws IOException {
        Path big = dir.resolve("big.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(big)) {
            for (int i = 1; i <= 200_000; i++) {
                w.write("{\"id\": " + i + ", \"q\": \"Question number " + i + " about a long support case\"}\n");
            }
        }

        Plan plan = load("prompts_from: [{name: big, path: big.jsonl, text: q, id: id, sample: 20}]\n");

        assertThat(plan.prompts()).hasSize(20);
        assertThat(plan.workloads().sources().getFirst().recordsRead()).isEqualTo(200_000L);
        assertThat(plan.workloads().sources().getFirst().sha256()).isEqualTo(sha256(big));
        assertThat(plan.prompts()).allSatisfy(p -> assertThat(p.text()).startsWith("Question number "));
    }

    @Test
    void the_dataset_s_hash_is_part_of_the_plan_hash_but_not_of_its_snapshot() throws IOException {
        write("qa.jsonl", "{\"q\": \"A?\"}\n");
        Path file = plan("prompts_from: [{name: qa, path: qa.jsonl, text: q}]\n");
        PlanLoader loader = PlanLoader.withEnvironment(Map.of());
        LoadedPlan before = loader.loadWithSnapshot(file);

        write("qa.jsonl", "{\"q\": \"B?\"}\n");
        LoadedPlan after = loader.loadWithSnapshot(file);

        assertThat(after.plan().hash()).isNotEqualTo(before.plan().hash());
        assertThat(after.rawText()).isEqualTo(before.rawText());
        assertThat(after.includedFiles()).isEmpty();
    }

    @Test
    void a_load_section_draws_from_one_source_and_use_load_keeps_its_prompts_out_of_the_latency_cells()
            throws IOException {
        write("qa.jsonl", "{\"q\": \"A?\"}\n{\"q\": \"B?\"}\n");
        write("faq.csv", "question\nC?\n");

        Path file = write("plan.yaml", """
                endpoints: [{name: sim, type: simulated}]
                models:
                  - {alias: m1}
                  - {alias: m2, load: {prompts_from: qa}}
                prompts_from:
                  - {name: qa, path: qa.jsonl, text: q}
                  - {name: faq, path: faq.csv, text: question, use: load}
                load: {prompts_from: faq, concurrency: [1], requests: 2}
                """);
        Plan plan = PlanLoader.withEnvironment(Map.of()).load(file);

        assertThat(plan.load().promptsFrom()).isEqualTo("faq");
        assertThat(plan.model("m1").orElseThrow().load().promptsFrom()).isEqualTo("faq");
        assertThat(plan.model("m2").orElseThrow().load().promptsFrom()).isEqualTo("qa");
        assertThat(plan.latencyPrompts()).extracting(PromptSpec::id).containsExactly("qa:1", "qa:2");
        assertThat(plan.loadPrompts("faq")).extracting(PromptSpec::id).containsExactly("faq:1");
        assertThat(plan.loadPrompts(null)).hasSize(3);
        assertThat(plan.workloads().sources()).extracting(Workloads.PromptSource::loadOnly).containsExactly(false, true);
    }

    @Test
    void the_sample_datasets_shipped_under_jobs_load() {
        Plan plan = new PlanLoader(name -> null).load(Path.of("jobs/datasets-demo.yaml"));

        assertThat(plan.workloads().sources()).extracting(Workloads.PromptSource::name, Workloads.PromptSource::recordsRead,
                        Workloads.PromptSource::promptsDrawn)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("support", 30L, 8),
                        org.assertj.core.groups.Tuple.tuple("helpdesk", 3L, 3),
                        org.assertj.core.groups.Tuple.tuple("shop", 5L, 5));
        assertThat(plan.prompts()).allSatisfy(p -> assertThat(p.id()).matches(IdValidator.ID));
        assertThat(plan.prompts().stream().filter(p -> p.origin().source().equals("support")))
                .allSatisfy(p -> assertThat(p.reference()).isNotBlank());
    }

    @Test
    void a_simulated_endpoint_may_script_answers_for_drawn_prompts_but_not_for_undrawn_ones() throws IOException {
        write("qa.jsonl", "{\"q\": \"A?\"}\n{\"q\": \"B?\"}\n{\"q\": \"C?\"}\n");
        String yaml = """
                endpoints: [{name: sim, type: simulated, answers: {m1: {"%s": "Scripted."}}}]
                models: [{alias: m1}]
                prompts_from: [{name: qa, path: qa.jsonl, text: q}]
                """;

        Plan plan = PlanLoader.withEnvironment(Map.of()).load(write("plan.yaml", yaml.formatted("qa:2")));
        assertThat(plan.endpoints().getFirst().answers().get("m1")).containsKey("qa:2");

        Path bad = write("plan.yaml", yaml.formatted("qa:9"));
        assertThatThrownBy(() -> PlanLoader.withEnvironment(Map.of()).load(bad)).isInstanceOfSatisfying(PlanException.class,
                e -> assertThat(e.problems()).extracting(PlanProblem::toString).containsExactly(bad
                        + ":1: endpoints[0].answers.m1.qa:9: source 'qa' drew no prompt 'qa:9'"));
    }

    // ---------------------------------------------------------------- problems

    @Test
    void record_problems_name_the_dataset_file_and_the_record_s_line() throws IOException {
        Path data = write("qa.jsonl", """
                {"q": "fine"}
                {"q": "bad json"
                {"other": "no text"}
                [1, 2]
                {"q": "  "}
                """);

        List<PlanProblem> problems = problems("prompts_from: [{name: qa, path: qa.jsonl, text: q}]\n");

        assertThat(problems).allSatisfy(p -> assertThat(p.file()).isEqualTo(data));
        assertThat(problems).extracting(PlanProblem::line).containsExactly(2, 3, 4, 5);
        assertThat(problems.get(0).message()).startsWith("bad JSON");
        assertThat(problems.get(1).toString()).contains("qa.jsonl:3: q: the record has no field 'q' (source 'qa')");
        assertThat(problems.get(2).message()).contains("expected one JSON object per line");
        assertThat(problems.get(3).message()).startsWith("is empty");
    }

    @Test
    void csv_and_sharegpt_record_problems_have_their_lines_too() throws IOException {
        Path csv = write("faq.csv", "id,question\na,Fine\nb,\n");
        Path chats = write("chats.json", """
                [
                  {"id": "ok", "conversations": [{"from": "human", "value": "Hi"}]},
                  {"id": "none",
                   "conversations": [{"from": "gpt", "value": "I talk alone"}]}
                ]
                """);

        List<PlanProblem> problems = problems("""
                prompts_from:
                  - {name: faq, path: faq.csv, text: question, id: id}
                  - {name: chat, path: chats.json, format: sharegpt}
                """);

        assertThat(problems).extracting(PlanProblem::file, PlanProblem::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(csv, 3), org.assertj.core.groups.Tuple.tuple(chats, 3));
        assertThat(problems.get(1).message()).contains("has no human turn");
    }

    @Test
    void a_csv_header_with_a_duplicate_column_is_a_problem_on_line_one() throws IOException {
        Path data = write("faq.csv", "q,q\na,b\n");

        List<PlanProblem> problems = problems("prompts_from: [{name: faq, path: faq.csv, text: q}]\n");

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(data);
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.message()).startsWith("bad CSV header row: ").contains("duplicate");
        });
    }

    @Test
    void entry_problems_name_the_plan_s_line_and_field() throws IOException {
        write("faq.csv", "id,question\na,Fine\n");

        List<PlanProblem> problems = problems("""
                prompts_from:
                  - {name: "bad:name", path: faq.csv, text: question}
                  - {name: faq, path: faq.csv, text: qestion, sample: 0}
                  - {name: missing, path: nowhere.jsonl, text: q, colour: red}
                  - {name: chat, path: c.json, format: sharegpt, text: q, turns: some}
                load: {prompts_from: nosuch, concurrency: [1], requests: 1}
                """);

        assertThat(problems).extracting(PlanProblem::toString).containsExactly(
                dir.resolve("plan.yaml") + ":4: prompts_from[0].name: 'bad:name' is not a source name: letters, digits,"
                        + " '.', '_' and '-', starting with a letter or digit, at most 50 characters (it prefixes its"
                        + " prompts' ids)",
                dir.resolve("plan.yaml") + ":5: prompts_from[1].sample: must be between 1 and 1000000 records, got 0",
                dir.resolve("plan.yaml") + ":6: prompts_from[2].colour: unknown key; allowed: name, path, format, text,"
                        + " id, system, expected, context, sample, seed, turns, use",
                dir.resolve("plan.yaml") + ":7: prompts_from[3].text: not used with format sharegpt: the prompt is a"
                        + " human turn of 'conversations' and the system prompt its 'system' entry; remove it",
                dir.resolve("plan.yaml") + ":7: prompts_from[3].turns: unknown value 'some'; allowed: first, all",
                dir.resolve("plan.yaml") + ":8: load.prompts_from: no prompt source named 'nosuch'; sources: faq,"
                        + " missing, chat");
    }

    @Test
    void an_unknown_column_and_a_missing_file_are_reported_at_the_plan_s_entry() throws IOException {
        write("faq.csv", "id,question\na,Fine\n");

        List<PlanProblem> problems = problems("""
                prompts_from:
                  - {name: faq, path: faq.csv, text: qestion}
                  - {name: gone, path: nowhere.jsonl, text: q}
                """);

        assertThat(problems).extracting(PlanProblem::toString).containsExactly(
                dir.resolve("plan.yaml") + ":4: prompts_from[0].text: 'faq.csv' has no column 'qestion'; its header"
                        + " row: id, question",
                dir.resolve("plan.yaml") + ":5: prompts_from[1].path: cannot read 'nowhere.jsonl' ("
                        + dir.resolve("nowhere.jsonl").toAbsolutePath() + "): file not found");
    }

    @Test
    void a_duplicate_record_id_among_the_drawn_prompts_names_both_lines() throws IOException {
        Path data = write("qa.jsonl", "{\"id\": \"x\", \"q\": \"A\"}\n{\"id\": \"x\", \"q\": \"B\"}\n");

        List<PlanProblem> problems = problems("prompts_from: [{name: qa, path: qa.jsonl, text: q, id: id}]\n");

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(data);
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).isEqualTo("duplicate id 'x' (also on line 1; source 'qa')");
        });
    }

    private static final String SHAREGPT = """
            [
              {"id": "c1", "conversations": [
                {"from": "system", "value": "Be kind."},
                {"from": "human", "value": "Hello?"},
                {"from": "gpt", "value": "Hi."},
                {"from": "human", "value": "And then?"}]},
              {"conversations": [{"from": "human", "value": "Only question"}]}
            ]
            """;

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
