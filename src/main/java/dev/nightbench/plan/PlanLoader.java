package dev.nightbench.plan;

import dev.nightbench.client.ModelProviders;
import dev.nightbench.plan.LoadedPlan.IncludedFile;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.type.TypeReference;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads a benchmark plan from a YAML file, checks all of it, and returns a {@link Plan}, or throws a
 * {@link PlanException} listing every problem found with its file, line and field. A YAML syntax error
 * or an undefined environment variable is reported on its own (nothing after it can be trusted);
 * everything else is collected in one pass. The full reference, with examples, is {@code jobs/README.md}.
 *
 * <pre>{@code
 * name: demo                       # optional; default: the file name without extension
 * description: Nightly smoke run   # optional
 * endpoints:                       # required, at least one
 *   - name: sim
 *     type: simulated              # Nightbench's built-in simulator; takes no base_url
 *   - name: foundry
 *     type: openai                 # the default: any OpenAI-compatible server
 *     base_url: ${FOUNDRY_LOCAL_ENDPOINT:-http://localhost:5273/v1}   # absolute http(s) URL
 *     api_key_env: FOUNDRY_API_KEY # the NAME of the variable holding the key; optional
 * models:                          # models and/or models_file; aliases unique across both
 *   - alias: phi-4-mini            # [A-Za-z0-9][A-Za-z0-9._:-]{0,99}
 *     endpoint: foundry            # optional when the plan has exactly one endpoint
 *     model: Phi-4-mini-instruct-generic-cpu   # id sent to the server; default: the alias
 *     capabilities: [chat, code]
 *     size_mb: 3600
 *     price: { input_per_1k: 0.0, output_per_1k: 0.0 }
 *     params: { max_tokens: 128, top_p: 0.9 }  # free-form request params overriding run's
 * models_file: workshop/models.json  # {"alias": {"capabilities": [..], "size_mb": N}, ...}
 * models_endpoint: foundry         # endpoint of the file's models; optional with one endpoint
 * prompts:                         # prompts and/or prompts_file; ids unique across both
 *   - id: capital                  # same alphabet as aliases
 *     text: "What is the capital of France?"
 *     system: "Answer in one sentence."       # optional
 *     expect: [{contains: Paris}, {max_words: 20}]  # optional answer checks (CheckValidator, jobs/README.md)
 *   - id: chat-1
 *     messages: [{role: user, content: "Hi"}, {role: assistant, content: "Hello"},
 *                {role: user, content: "Tell me a joke"}]
 * prompts_file: workshop/prompts.json  # ["prompt", ...] -> ids p01, p02, ...
 * run:                             # optional; every key defaults to RunParams.defaults()
 *   warmup: 1                      # >= 0
 *   rounds: 3                      # >= 1
 *   max_tokens: 256                # >= 1
 *   temperature: 0                 # >= 0
 *   seed: 42                       # 'seed: null' sends none
 *   stream: true
 *   fail_after: 3                  # consecutive failures before a model is skipped, >= 1
 *   timeouts: { connect: 10s, first_token: 60s, idle: 30s, total: 5m }  # 500ms, 1m30s, PT10S...
 * load:                            # optional; models[i].load replaces it key by key, load: null = none
 *   concurrency: [1, 4, 16, 64]    # closed-loop levels
 *   rates: [2, 8]                  # open-loop levels, req/s, Poisson arrivals
 *   requests: 100                  # per level; or duration: 30s
 *   sweep: { mode: concurrency, start: 1, factor: 2, max: 64, requests: 64 }
 * slo: { ttft_ms: 500, tpot_ms: 50, e2e_ms: 5000, max_error_rate: 0.05, percentile: 95 }  # each optional
 * retry:                           # per failure class over measure.RetryPolicy's defaults
 *   default: { attempts: 3, backoff: 500ms, max_backoff: 30s }
 *   http_429: { attempts: 5 }      # also http_5xx, timeout, connect_error, truncated_stream, invalid_response
 * }</pre>
 *
 * <p>Keys are snake_case; an unknown key anywhere (except inside {@code params}) is an error that names
 * the keys allowed there. Included files are resolved against the plan's directory; inline models and
 * prompts come first, then the files' in file order.
 *
 * <p>{@code ${VAR}} and {@code ${VAR:-default}} (default used when VAR is unset or empty) are replaced
 * in the raw text before parsing, comments included; {@code $${} gives a literal {@code ${}. Included
 * files are not interpolated.
 *
 * <p>{@link Plan#hash()} is the SHA-256 of the raw plan text and then the raw text of each included file
 * (models_file, then prompts_file, then shared_prefix's file, then each check's schema_file), each part labelled and
 * length-prefixed, line endings normalised to {@code \n}, then each {@code prompts_from:} dataset's SHA-256 (its content
 * is streamed, never part of the snapshot): it changes when the plan's content does, not when the environment does.
 * {@link #loadWithSnapshot(Path)} also returns those raw texts, for the run to store as its snapshot.
 */
public final class PlanLoader {

    private final Function<String, String> environment;
    private final ModelProviders providers;

    /** A loader that reads {@code ${VAR}} values from the process environment. */
    public PlanLoader() {
        this(System::getenv);
    }

    /** @param environment looks a variable up by name; returns null when it is not set */
    public PlanLoader(Function<String, String> environment) {
        this(environment, ModelProviders.installed());
    }

    /**
     * @param environment looks a variable up by name; returns null when it is not set
     * @param providers   the model providers an endpoint's {@code type:} may name (the installed services, and in a
     *                    Spring context its beans too)
     */
    public PlanLoader(Function<String, String> environment, ModelProviders providers) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.providers = Objects.requireNonNull(providers, "providers");
    }

    /** A loader from the process environment, with these model providers. */
    public static PlanLoader with(ModelProviders providers) {
        return new PlanLoader(System::getenv, providers);
    }

    public static PlanLoader withEnvironment(Map<String, String> environment) {
        Map<String, String> copy = Map.copyOf(environment);
        return new PlanLoader(copy::get);
    }

    /** @throws PlanException when the plan cannot be read or is invalid */
    public Plan load(Path file) {
        return loadWithSnapshot(file).plan();
    }

    /**
     * Like {@link #load(Path)}, and also returns the raw texts the plan was made from.
     *
     * @throws PlanException when the plan cannot be read or is invalid
     */
    public LoadedPlan loadWithSnapshot(Path file) {
        return loadWithSnapshot(file, null);
    }

    /**
     * Like {@link #loadWithSnapshot(Path)}, with the models' server tokenizers known: {@code synthetic:} prompts
     * whose tokenizer is a model's are fitted with it rather than with the estimate (the run, once it knows its
     * servers; {@link SyntheticValidator}).
     *
     * @param serverTokenizers a model's server tokenizer ({@code POST /tokenize}), or null when it has none
     */
    public LoadedPlan loadWithSnapshot(Path file, Function<ModelSpec, Tokenizer> serverTokenizers) {
        Objects.requireNonNull(file, "file");
        Problems problems = new Problems();
        String raw = read(file, message -> problems.add(new PlanProblem(file, null, null, message)));
        problems.throwIfAny();

        EnvInterpolator.Result interpolated = EnvInterpolator.interpolate(raw, environment);
        if (!interpolated.issues().isEmpty()) {
            Map<String, String> unsetFields = EnvInterpolator.unsetFields(Binding.YAML, interpolated.text());
            throw new PlanException(interpolated.issues().stream()
                    .map(i -> new PlanProblem(file, i.line(), i.unsetVariable() == null ? null
                            : unsetFields.get(i.line() + ":" + i.unsetVariable()), i.message())).toList());
        }
        String text = interpolated.text();

        LineIndex index;
        try {
            index = LineIndex.scan(Binding.YAML, text);
        } catch (JacksonException e) {
            throw new PlanException(List.of(Syntax.problem(file, "YAML", e)));
        }
        if (index.rootToken() == null || index.rootToken() == JsonToken.VALUE_NULL) {
            throw single(file, null, "the plan is empty; it needs at least endpoints, models and prompts"
                    + " (see jobs/README.md)");
        }
        if (index.rootToken() != JsonToken.START_OBJECT) {
            throw single(file, 1, "expected a mapping of keys at the top level (name, endpoints, models,"
                    + " prompts, run, ...), got " + Syntax.describe(index.rootToken()).replace("an array", "a list"));
        }
        if (index.secondDocumentLine() != null) {
            throw single(file, index.secondDocumentLine(), "a plan is a single YAML document; remove the"
                    + " second one (after '---')");
        }
        Source source = new Source(file, index);
        RawPlan rawPlan = Binding.bind(Binding.YAML, text, new TypeReference<RawPlan>() { }, source, problems);
        if (rawPlan == null) {
            problems.throwIfAny();
            throw single(file, null, "the plan could not be read");
        }

        List<IncludedFile> included = new ArrayList<>();
        WorkshopFiles.Models fileModels = null;
        WorkshopFiles.Prompts filePrompts = null;
        IncludedFile modelsFile = include(source, "models_file", rawPlan.modelsFile(), problems);
        if (modelsFile != null) {
            included.add(modelsFile);
            fileModels = WorkshopFiles.models(modelsFile.path(), modelsFile.rawText(), includedBy(source, "models_file"),
                    problems);
        }
        IncludedFile promptsFile = include(source, "prompts_file", rawPlan.promptsFile(), problems);
        if (promptsFile != null) {
            included.add(promptsFile);
            filePrompts = WorkshopFiles.prompts(promptsFile.path(), promptsFile.rawText(),
                    includedBy(source, "prompts_file"), problems);
        }

        List<IncludedFile> schemaFiles = new ArrayList<>();
        Plan plan = new PlanValidator(source, problems, (from, name) -> schemaFile(from, name, schemaFiles),
                serverTokenizers, providers)
                .toPlan(rawPlan, defaultName(file), fileModels, filePrompts, null);
        DatasetValidator.Drawn datasets = new DatasetValidator(source, problems).draw(rawPlan, plan);
        SharedPrefix.Loaded prefix = SharedPrefix.read(source, rawPlan.sharedPrefix(), problems);
        problems.throwIfAny();
        if (prefix != null && prefix.file() != null) {
            included.add(prefix.file());
        }
        included.addAll(schemaFiles);
        plan = datasets.addTo(plan);
        if (prefix != null) { // last: every prompt source is drawn by now
            plan = SharedPrefix.apply(plan, prefix.text());
        }
        return new LoadedPlan(plan.withHash(hash(raw, included, plan.workloads())), raw, included);
    }

    /** "the prompts_file of jobs/x.yaml (line 9)": said with every problem of an included file as a whole. */
    private static String includedBy(Source plan, String key) {
        Integer line = plan.lineOf(FieldPath.of(key));
        return "the " + key + " of " + plan.file() + (line == null ? "" : " (line " + line + ")");
    }

    /** A check's schema_file, resolved against the directory of the file naming it; each file read once. */
    private static CheckValidator.SchemaFile schemaFile(Source from, String name, List<IncludedFile> read) {
        Path dir = from.file().getParent();
        Path path = (dir == null ? Path.of(name.strip()) : dir.resolve(name.strip())).normalize();
        for (IncludedFile f : read) {
            if (f.path().equals(path)) {
                return new CheckValidator.SchemaFile(f, null);
            }
        }
        String[] error = new String[1];
        String text = read(path, message -> error[0] = message);
        if (text == null) {
            return new CheckValidator.SchemaFile(null, "cannot read '" + name + "' (" + path.toAbsolutePath() + "): "
                    + error[0]);
        }
        IncludedFile f = new IncludedFile("schema_file", path, text);
        read.add(f);
        return new CheckValidator.SchemaFile(f, null);
    }

    private IncludedFile include(Source plan, String key, String name, Problems problems) {
        if (name == null) {
            return null;
        }
        FieldPath at = FieldPath.of(key);
        if (name.isBlank()) {
            problems.add(plan, at, "is empty; give a file path relative to the plan, or remove the key");
            return null;
        }
        Path planDir = plan.file().getParent();
        Path path = (planDir == null ? Path.of(name.strip()) : planDir.resolve(name.strip())).normalize();
        String[] error = new String[1];
        String text = read(path, message -> error[0] = message);
        if (text == null) {
            problems.add(plan, at, "cannot read '" + name + "' (" + path.toAbsolutePath() + "): " + error[0]);
            return null;
        }
        return new IncludedFile(key, path, text);
    }

    /** @return the file's text without a byte-order mark, or null after telling {@code onError} why */
    static String read(Path file, Consumer<String> onError) {
        try {
            if (Files.isDirectory(file)) {
                onError.accept("is a directory, not a file");
                return null;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (NoSuchFileException e) {
            onError.accept("file not found");
        } catch (AccessDeniedException e) {
            onError.accept("cannot be read: permission denied");
        } catch (MalformedInputException e) {
            onError.accept("is not UTF-8 text");
        } catch (IOException e) {
            onError.accept("cannot be read: " + e.getMessage());
        }
        return null;
    }

    static String hash(String rawPlanText, List<IncludedFile> included) {
        return hash(rawPlanText, included, Workloads.NONE);
    }

    /** With each dataset's name, path and SHA-256 (never its content): a changed dataset file changes the hash. */
    static String hash(String rawPlanText, List<IncludedFile> included, Workloads workloads) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        sha.update("nightbench-plan-v1\n".getBytes(StandardCharsets.UTF_8));
        hashPart(sha, "plan", rawPlanText);
        for (IncludedFile f : included) {
            hashPart(sha, f.key(), f.rawText());
        }
        for (Workloads.PromptSource s : workloads.sources()) {
            if (s.sha256() != null) {
                hashPart(sha, "dataset " + s.name(), s.path() + "\n" + s.sha256());
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void hashPart(MessageDigest sha, String label, String text) {
        byte[] bytes = text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
        sha.update((label + "\n" + bytes.length + "\n").getBytes(StandardCharsets.UTF_8));
        sha.update(bytes);
        sha.update((byte) '\n');
    }

    private static String defaultName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static PlanException single(Path file, Integer line, String message) {
        return new PlanException(List.of(new PlanProblem(file, line, null, message)));
    }
}
