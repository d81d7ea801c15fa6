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

/** The plan's {@code shared_prefix:}: a long system text put first in every prompt at load. */
class SharedPrefixPlanTest {

    @TempDir
    Path dir;

    private final PlanLoader loader = PlanLoader.withEnvironment(Map.of());

    private Path plan(String sharedPrefix) throws IOException {
        return Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts:
                  - {id: plain, text: "Hi"}
                  - {id: own-system, text: "Hi", system: "Answer briefly."}
                  - id: chat
                    messages: [{role: system, content: "Be kind."}, {role: user, content: "Hello"}]
                """ + sharedPrefix);
    }

    @Test
    void aTextPrefixStartsEveryPromptsSystemMessageAndIsInTheCanonicalText() throws IOException {
        Plan plan = loader.load(plan("shared_prefix: {text: \"You are the handbook assistant.\"}\n"));

        assertThat(plan.workloads().sharedPrefix()).isEqualTo("You are the handbook assistant.");
        Map<String, List<PromptMessage>> sent = new java.util.HashMap<>();
        plan.prompts().forEach(p -> sent.put(p.id(), p.toMessages()));
        assertThat(sent.get("plain")).containsExactly(new PromptMessage("system", "You are the handbook assistant."),
                new PromptMessage("user", "Hi"));
        assertThat(sent.get("own-system").getFirst().content())
                .isEqualTo("You are the handbook assistant.\n\nAnswer briefly.");
        assertThat(sent.get("chat")).containsExactly(
                new PromptMessage("system", "You are the handbook assistant.\n\nBe kind."),
                new PromptMessage("user", "Hello"));
        assertThat(plan.prompts()).allSatisfy(p -> assertThat(p.canonicalText())
                .startsWith("system: You are the handbook assistant."));
    }

    @Test
    void aFilePrefixIsReadRelativeToThePlanAndIsPartOfItsHash() throws IOException {
        Files.createDirectories(dir.resolve("prefixes"));
        Files.writeString(dir.resolve("prefixes/handbook.txt"), "Chapter one.\nChapter two.\n");
        Path plan = plan("shared_prefix: {file: prefixes/handbook.txt}\n");

        LoadedPlan first = loader.loadWithSnapshot(plan);
        Files.writeString(dir.resolve("prefixes/handbook.txt"), "Chapter one.\nChapter three.\n");
        LoadedPlan second = loader.loadWithSnapshot(plan);

        assertThat(first.plan().workloads().sharedPrefix()).isEqualTo("Chapter one.\nChapter two.");
        assertThat(first.plan().prompts().getFirst().system()).isEqualTo("Chapter one.\nChapter two.");
        assertThat(first.includedFiles()).extracting(LoadedPlan.IncludedFile::key).containsExactly("shared_prefix");
        assertThat(second.plan().hash()).isNotEqualTo(first.plan().hash());
        assertThat(loader.load(plan("")).workloads().sharedPrefix()).isNull();
        assertThat(loader.load(plan("")).prompts().getFirst().system()).isNull();
    }

    @Test
    void eachBadShapeIsReportedWithItsLineAndField() throws IOException {
        assertThat(problem("shared_prefix: \"just text\"\n")).contains(":8", "shared_prefix",
                "expected a mapping with 'text'", "text 'just text'");
        assertThat(problem("shared_prefix: {text: a, file: b.txt}\n")).contains(":8", "exactly one of 'text' and 'file'");
        assertThat(problem("shared_prefix: {}\n")).contains("exactly one of");
        assertThat(problem("shared_prefix:\n  txt: hello\n")).contains(":9", "shared_prefix.txt", "allowed: text, file");
        assertThat(problem("shared_prefix: {text: \"  \"}\n")).contains("shared_prefix.text", "is empty");
        assertThat(problem("shared_prefix: {text: 42}\n")).contains("shared_prefix.text", "expected text",
                "the number 42");
        assertThat(problem("shared_prefix:\n  file: missing.txt\n")).contains(":9", "shared_prefix.file",
                "cannot read 'missing.txt'", "file not found");
        Files.writeString(dir.resolve("empty.txt"), "\n \n");
        assertThat(problem("shared_prefix: {file: empty.txt}\n")).contains("shared_prefix.file", "is empty");
    }

    @Test
    void aPrefixProblemIsListedWithTheOthers() throws IOException {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: p, text: "Hi"}]
                run: {rounds: 0}
                shared_prefix: {file: nowhere.txt}
                """);

        List<PlanProblem> problems = catchThrowableOfType(PlanException.class, () -> loader.load(plan)).problems();

        assertThat(problems).extracting(PlanProblem::toString).anySatisfy(p -> assertThat(p).contains("run.rounds"))
                .anySatisfy(p -> assertThat(p).contains("shared_prefix.file", "nowhere.txt"));
    }

    private String problem(String sharedPrefix) throws IOException {
        Path plan = plan(sharedPrefix);
        List<PlanProblem> problems = catchThrowableOfType(PlanException.class, () -> loader.load(plan)).problems();
        assertThat(problems).as(sharedPrefix).hasSize(1);
        return problems.getFirst().toString();
    }
}
