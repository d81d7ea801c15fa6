package dev.nightbench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What differs between a run's plan and its baseline's, so the report says so instead of silently comparing
 * different things. A prompt whose text changed (same id, another {@code text_sha256}) is not compared; a model
 * now pointing at another server model is compared, and flagged.
 *
 * @param planHashChangedIn  baseline runs whose plan hash differs from the run's
 * @param changedPrompts     prompt ids whose text differs from a baseline run's (their samples are not compared)
 * @param addedPrompts       prompt ids no baseline run had
 * @param removedPrompts     prompt ids of a baseline run this run lacks
 * @param addedModels        model aliases no baseline run had
 * @param removedModels      model aliases of a baseline run this run lacks
 * @param retargetedModels   "alias: endpoint/model now (was endpoint/model)" for aliases whose target changed
 * @param changedDatasets    "source: path (sha256 now, was ...)" for {@code prompts_from:} datasets whose file differs
 *                           from a baseline run's source of the same name ({@code run_prompt_sources})
 * @param changedModelFiles  "alias: sha256 ... now, was ..." for models whose weights file (a gguf model's .gguf,
 *                           {@code run_models.model_sha256}) differs from a baseline run's under the same alias
 */
record PlanChanges(List<Long> planHashChangedIn, List<String> changedPrompts, List<String> addedPrompts,
                   List<String> removedPrompts, List<String> addedModels, List<String> removedModels,
                   List<String> retargetedModels, List<String> changedDatasets, List<String> changedModelFiles) {

    /** A run's plan hash. */
    record RunPlan(long runId, String planHash) {
    }

    /** A prompt of a run, from {@code run_prompts}. */
    record PromptText(long runId, String promptId, String textSha256) {
    }

    /** A model of a run, from {@code run_models} ({@code modelSha256}: its weights file's, or null). */
    record ModelTarget(long runId, String modelAlias, String endpointName, String serverModel, String modelSha256) {
        String target() {
            return endpointName + "/" + serverModel;
        }
    }

    /** A hashed file of a run: a dataset source ({@code run_prompt_sources}) or a model's weights ({@code run_models}). */
    record SourceFile(long runId, String name, String path, String sha256) {
    }

    static final PlanChanges NONE = new PlanChanges(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of());

    boolean any() {
        return !(planHashChangedIn.isEmpty() && changedPrompts.isEmpty() && addedPrompts.isEmpty()
                && removedPrompts.isEmpty() && addedModels.isEmpty() && removedModels.isEmpty()
                && retargetedModels.isEmpty() && changedDatasets.isEmpty() && changedModelFiles.isEmpty());
    }

    /** Compares the current run with the baseline runs, without their dataset files. */
    static PlanChanges between(RunPlan current, List<RunPlan> baselines, List<PromptText> prompts,
                               List<ModelTarget> models) {
        return between(current, baselines, prompts, models, List.of());
    }

    /** Compares the current run (in run order) with the baseline runs. */
    static PlanChanges between(RunPlan current, List<RunPlan> baselines, List<PromptText> prompts,
                               List<ModelTarget> models, List<SourceFile> sources) {
        List<Long> hashChanged = baselines.stream().filter(b -> !b.planHash().equals(current.planHash()))
                .map(RunPlan::runId).toList();

        Map<String, String> currentPrompts = new LinkedHashMap<>();
        Set<String> baselinePromptIds = new LinkedHashSet<>();
        for (PromptText p : prompts) {
            if (p.runId() == current.runId()) {
                currentPrompts.put(p.promptId(), p.textSha256());
            }
        }
        Set<String> changed = new LinkedHashSet<>();
        for (PromptText p : prompts) {
            if (p.runId() != current.runId()) {
                baselinePromptIds.add(p.promptId());
                String now = currentPrompts.get(p.promptId());
                if (now != null && !now.equals(p.textSha256())) {
                    changed.add(p.promptId());
                }
            }
        }
        List<String> added = currentPrompts.keySet().stream().filter(id -> !baselinePromptIds.contains(id)).toList();
        List<String> removed = baselinePromptIds.stream().filter(id -> !currentPrompts.containsKey(id)).toList();

        Map<String, ModelTarget> currentModels = new LinkedHashMap<>();
        for (ModelTarget m : models) {
            if (m.runId() == current.runId()) {
                currentModels.put(m.modelAlias(), m);
            }
        }
        Set<String> baselineAliases = new LinkedHashSet<>();
        Map<String, Set<String>> formerTargets = new LinkedHashMap<>();
        for (ModelTarget m : models) {
            if (m.runId() != current.runId()) {
                baselineAliases.add(m.modelAlias());
                ModelTarget now = currentModels.get(m.modelAlias());
                if (now != null && !Objects.equals(now.target(), m.target())) {
                    formerTargets.computeIfAbsent(m.modelAlias(), k -> new LinkedHashSet<>()).add(m.target());
                }
            }
        }
        // a model's weights file is compared as a dataset file is: by alias, path and hash
        List<SourceFile> weights = models.stream()
                .map(m -> new SourceFile(m.runId(), m.modelAlias(), m.serverModel(), m.modelSha256())).toList();
        List<String> retargeted = new ArrayList<>();
        formerTargets.forEach((alias, was) -> retargeted.add(alias + ": " + currentModels.get(alias).target()
                + " (was " + String.join(", ", was) + ")"));
        List<String> addedModels = currentModels.keySet().stream().filter(a -> !baselineAliases.contains(a)).toList();
        List<String> removedModels = baselineAliases.stream().filter(a -> !currentModels.containsKey(a)).toList();
        return new PlanChanges(hashChanged, List.copyOf(changed), added, removed, addedModels, removedModels,
                List.copyOf(retargeted), changedFiles(current.runId(), sources), changedFiles(current.runId(), weights));
    }

    /**
     * Files (same name: a dataset's source, a model's alias) whose hash differs from a baseline run's: "name: path
     * (sha256 ... now, was ...)". A file without a hash on either side is not compared.
     */
    private static List<String> changedFiles(long current, List<SourceFile> sources) {
        Map<String, SourceFile> now = new LinkedHashMap<>();
        sources.stream().filter(s -> s.runId() == current && s.sha256() != null).forEach(s -> now.put(s.name(), s));
        Map<String, Set<String>> was = new LinkedHashMap<>();
        for (SourceFile s : sources) {
            SourceFile n = now.get(s.name());
            if (s.runId() != current && n != null && s.sha256() != null && !s.sha256().equals(n.sha256())) {
                was.computeIfAbsent(s.name(), k -> new LinkedHashSet<>()).add(abbreviate(s.sha256()));
            }
        }
        List<String> out = new ArrayList<>();
        was.forEach((name, hashes) -> out.add(name + ": " + now.get(name).path() + " (sha256 "
                + abbreviate(now.get(name).sha256()) + " now, was " + String.join(", ", hashes) + ")"));
        return List.copyOf(out);
    }

    private static String abbreviate(String sha) {
        return sha.substring(0, Math.min(12, sha.length()));
    }
}
