package dev.nightbench.plan;

import java.nio.file.Path;
import java.util.List;

/**
 * A plan together with the text it was made from, for the run to store as its plan snapshot.
 * The texts are exactly what the files hold (a leading byte-order mark removed), before any
 * {@code ${VAR}} was replaced, so no value from the environment, such as a secret, can end up in the
 * snapshot. {@link Plan#hash()} is computed from these same texts.
 *
 * @param plan          the validated plan
 * @param rawText       the plan file's text before environment interpolation
 * @param includedFiles the files the plan includes (models_file, then prompts_file, then schema files), as read
 */
public record LoadedPlan(Plan plan, String rawText, List<IncludedFile> includedFiles) {

    public LoadedPlan {
        includedFiles = List.copyOf(includedFiles);
    }

    /**
     * @param key     the plan key that names the file: {@code models_file}, {@code prompts_file} or {@code schema_file}
     * @param path    the file as resolved against the plan's directory
     * @param rawText its text as read
     */
    public record IncludedFile(String key, Path path, String rawText) {
    }
}
