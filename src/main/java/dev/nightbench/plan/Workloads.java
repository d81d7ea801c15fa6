package dev.nightbench.plan;

import java.util.List;

/**
 * The plan's workload sources beyond its own prompts (issue 14): {@code prompts_from:} datasets and
 * {@code synthetic:} distributions, each already drawn into the plan's prompts (their {@link PromptOrigin} names the
 * source), and the shared system prefix sent before every prompt.
 *
 * @param sources      the sources in plan order (stored as {@code run_prompt_sources}, V20); empty for none
 * @param sharedPrefix {@code shared_prefix:}: a long system prefix sent first with every prompt (prefix caching), or
 *                     null for none
 */
public record Workloads(List<PromptSource> sources, String sharedPrefix) {

    public static final Workloads NONE = new Workloads(List.of(), null);

    public Workloads {
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /**
     * One prompt source as drawn for this plan.
     *
     * @param name         the source's name (unique among the plan's sources; prompts drawn from it name it)
     * @param kind         {@code jsonl}, {@code sharegpt}, {@code csv} or {@code synthetic}
     * @param path         the dataset file as the plan names it; null for synthetic
     * @param sha256       the file's SHA-256 (lower-case hex), part of the plan's hash; null for synthetic
     * @param sample       {@code sample: N}, or null for every record
     * @param seed         the seed of the sample (or of the synthetic generator)
     * @param recordsRead  records in the file (every one read, streamed); null for synthetic
     * @param promptsDrawn prompts this source added to the plan
     * @param settings     the source's other settings as written, for the report and {@code run_prompt_sources}
     * @param loadOnly     {@code use: load}: its prompts are sent only by load cells, never measured one by one in the
     *                     latency cells (nor pipelines)
     */
    public record PromptSource(String name, String kind, String path, String sha256, Integer sample, long seed,
                               Long recordsRead, int promptsDrawn, String settings, boolean loadOnly) {

        /** A source whose prompts are measured in the latency cells and sent by load cells alike. */
        public PromptSource(String name, String kind, String path, String sha256, Integer sample, long seed,
                            Long recordsRead, int promptsDrawn, String settings) {
            this(name, kind, path, sha256, sample, seed, recordsRead, promptsDrawn, settings, false);
        }
    }

    /** True when {@code prompt} was drawn from a {@code use: load} source. */
    public boolean loadOnly(PromptSpec prompt) {
        String source = prompt.origin().source();
        return source != null && sources.stream().anyMatch(s -> s.loadOnly() && s.name().equals(source));
    }
}
