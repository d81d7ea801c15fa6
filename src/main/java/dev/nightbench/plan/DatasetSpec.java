package dev.nightbench.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One checked {@code prompts_from:} entry: a dataset file and how its records become prompts ({@link DatasetReader}
 * reads it, {@link DatasetDraw} samples it).
 *
 * @param index    the entry's index in {@code prompts_from}, for problems that name the entry
 * @param name     the source's name: prompt ids are {@code <name>:<record id>}
 * @param path     the file as the plan names it
 * @param file     the file resolved against the plan's directory
 * @param format   how the file is laid out
 * @param text     JSONL: the dotted field path of the prompt text; CSV: its column; null for ShareGPT
 * @param id       the record id's field or column; null for the 1-based record number (ShareGPT: {@code id} when the
 *                 record has one)
 * @param system   the system prompt's field or column, or null
 * @param expected the reference answer's field or column, or null
 * @param context  the context documents' field (a string or a list of strings) or column, or null
 * @param sample   how many records to draw, or null for every record
 * @param seed     the seed of the sample
 * @param allTurns ShareGPT {@code turns: all}: every human turn is a conversation turn; else the first human turn only
 * @param loadOnly {@code use: load}: the prompts are sent by load cells only
 */
record DatasetSpec(int index, String name, String path, Path file, Format format, String text, String id,
                   String system, String expected, String context, Integer sample, long seed, boolean allTurns,
                   boolean loadOnly) {

    /** The dataset layouts, named as {@code format:} and {@code run_prompt_sources.kind} spell them. */
    enum Format {
        JSONL, SHAREGPT, CSV;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The entry's settings besides name, path, sample and seed, as {@code run_prompt_sources.settings} keeps them. */
    String settings() {
        List<String> s = new ArrayList<>();
        add(s, "text", text);
        add(s, "id", id);
        add(s, "system", system);
        add(s, "expected", expected);
        add(s, "context", context);
        if (format == Format.SHAREGPT) {
            s.add("turns: " + (allTurns ? "all" : "first"));
        }
        s.add("use: " + (loadOnly ? "load" : "both"));
        return String.join(", ", s);
    }

    private static void add(List<String> s, String key, String value) {
        if (value != null) {
            s.add(key + ": " + value);
        }
    }
}
