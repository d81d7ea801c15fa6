package dev.nightbench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlanChangesTest {

    static PlanChanges.PromptText prompt(long run, String id, String sha) {
        return new PlanChanges.PromptText(run, id, sha);
    }

    static PlanChanges.ModelTarget model(long run, String alias, String serverModel) {
        return new PlanChanges.ModelTarget(run, alias, "local", serverModel, null);
    }

    @Test
    void theSamePlanHasNoChanges() {
        PlanChanges c = PlanChanges.between(new PlanChanges.RunPlan(2, "h"), List.of(new PlanChanges.RunPlan(1, "h")),
                List.of(prompt(1, "a", "x"), prompt(2, "a", "x")), List.of(model(1, "m", "m1"), model(2, "m", "m1")));

        assertThat(c.any()).isFalse();
    }

    @Test
    void changedAddedAndRemovedPromptsAndModelsAreListed() {
        PlanChanges c = PlanChanges.between(new PlanChanges.RunPlan(3, "h2"),
                List.of(new PlanChanges.RunPlan(2, "h2"), new PlanChanges.RunPlan(1, "h1")),
                List.of(prompt(1, "a", "x"), prompt(1, "old", "o"), prompt(2, "a", "y"), prompt(3, "a", "y"),
                        prompt(3, "new", "n")),
                List.of(model(1, "gone", "g"), model(1, "m", "m1"), model(2, "m", "m1"), model(3, "m", "m2"),
                        model(3, "fresh", "f")));

        assertThat(c.planHashChangedIn()).containsExactly(1L);
        assertThat(c.changedPrompts()).containsExactly("a"); // run 1 had another text for it
        assertThat(c.addedPrompts()).containsExactly("new");
        assertThat(c.removedPrompts()).containsExactly("old");
        assertThat(c.addedModels()).containsExactly("fresh");
        assertThat(c.removedModels()).containsExactly("gone");
        assertThat(c.retargetedModels()).containsExactly("m: local/m2 (was local/m1)");
        assertThat(c.any()).isTrue();
    }

    @Test
    void aDatasetWhoseFileChangedIsListedAndOneWithTheSameHashIsNot() {
        List<PlanChanges.SourceFile> sources = List.of(
                new PlanChanges.SourceFile(1, "qa", "data/qa.jsonl", "aaaaaaaaaaaa1111"),
                new PlanChanges.SourceFile(1, "faq", "data/faq.csv", "cccccccccccc"),
                new PlanChanges.SourceFile(2, "qa", "data/qa.jsonl", "bbbbbbbbbbbb2222"),
                new PlanChanges.SourceFile(2, "faq", "data/faq.csv", "cccccccccccc"),
                new PlanChanges.SourceFile(2, "fresh", "data/new.jsonl", "dddd"));

        PlanChanges c = PlanChanges.between(new PlanChanges.RunPlan(2, "h2"), List.of(new PlanChanges.RunPlan(1, "h1")),
                List.of(), List.of(), sources);

        assertThat(c.changedDatasets()).containsExactly("qa: data/qa.jsonl (sha256 bbbbbbbbbbbb now, was aaaaaaaaaaaa)");
        assertThat(c.any()).isTrue();
        assertThat(PlanChanges.between(new PlanChanges.RunPlan(2, "h"), List.of(new PlanChanges.RunPlan(1, "h")),
                List.of(), List.of(), sources.subList(1, 2)).any()).isFalse();
    }

    @Test
    void aModelWhoseWeightsFileChangedIsListedOneWithoutAHashOrTheSameHashIsNot() {
        String a = "a".repeat(64);
        String b = "b".repeat(64);
        List<PlanChanges.ModelTarget> models = List.of(
                new PlanChanges.ModelTarget(1, "gguf", "local", "models/m.gguf", a),
                new PlanChanges.ModelTarget(1, "same", "local", "models/s.gguf", a),
                new PlanChanges.ModelTarget(1, "server", "ollama", "llama3", null),
                new PlanChanges.ModelTarget(2, "gguf", "local", "models/m.gguf", b),
                new PlanChanges.ModelTarget(2, "same", "local", "models/s.gguf", a),
                new PlanChanges.ModelTarget(2, "server", "ollama", "llama3", null));

        PlanChanges c = PlanChanges.between(new PlanChanges.RunPlan(2, "h"), List.of(new PlanChanges.RunPlan(1, "h")),
                List.of(), models);

        assertThat(c.changedModelFiles()).containsExactly("gguf: models/m.gguf (sha256 bbbbbbbbbbbb now, was aaaaaaaaaaaa)");
        assertThat(c.retargetedModels()).isEmpty();
        assertThat(c.any()).isTrue();
        assertThat(PlanChanges.between(new PlanChanges.RunPlan(2, "h"), List.of(new PlanChanges.RunPlan(1, "h")),
                List.of(), models.stream().filter(m -> !m.modelAlias().equals("gguf")).toList()).any()).isFalse();
    }
}
