package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawEndpoint;
import dev.nightbench.plan.RawPlan.RawMessage;
import dev.nightbench.plan.RawPlan.RawModel;
import dev.nightbench.plan.RawPlan.RawPrice;
import dev.nightbench.plan.RawPlan.RawPrompt;
import dev.nightbench.plan.RawPlan.RawRun;
import dev.nightbench.plan.RawPlan.RawTimeouts;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a {@link RawPlan} (and the workshop files it includes) field by field and maps it onto the
 * {@link Plan} records. Every problem is collected with its file, line and field; the plan is built only
 * when there are none.
 */
final class PlanValidator {

    /** Aliases and prompt ids end up in file names, so they are kept to a safe alphabet. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");

    static final String TYPE_OPENAI = "openai";
    static final String TYPE_SIMULATED = "simulated";

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");
    /** Request fields Nightbench sets itself; a model's params may not override them. */
    private static final List<String> RESERVED_PARAMS = List.of("model", "messages", "stream", "stream_options");

    private record Origin(Source source, FieldPath path) {
    }

    private final Source plan;
    private final Problems problems;
    private final LoadValidator loads;
    private LoadValidator.Part planLoad = LoadValidator.Part.EMPTY;

    PlanValidator(Source plan, Problems problems) {
        this.plan = plan;
        this.problems = problems;
        this.loads = new LoadValidator(plan, problems);
    }

    /** @return the plan, or null when problems were found */
    Plan toPlan(RawPlan raw, String defaultName, WorkshopFiles.Models fileModels, WorkshopFiles.Prompts filePrompts,
                String hash) {
        String name = name(raw.name(), defaultName);
        String description = raw.description();
        List<Endpoint> endpoints = endpoints(raw.endpoints());
        FieldPath loadAt = FieldPath.of("load");
        planLoad = loads.part(raw.load(), loadAt);
        List<ModelSpec> models = models(raw, endpoints, fileModels);
        List<PromptSpec> prompts = prompts(raw, filePrompts);
        RunParams run = run(raw.run());
        Slo slo = loads.slo(raw.slo());
        RetrySettings retry = loads.retry(raw.retry());
        // the plan-level section as a whole; its gaps are reported only where a model uses it
        LoadSpec load = new LoadValidator(plan, new Problems()).effective(planLoad, LoadValidator.Part.EMPTY, loadAt);
        if (!problems.isEmpty()) {
            return null;
        }
        return new Plan(name, plan.file(), endpoints, models, prompts, run, hash, description, load, slo, retry);
    }

    private String name(String name, String defaultName) {
        if (name == null) {
            return defaultName;
        }
        if (name.isBlank()) {
            problems.add(plan, FieldPath.of("name"), "is empty; remove it to use the file name, or give a name");
        }
        return name.strip();
    }

    // ---------------------------------------------------------------- endpoints

    private List<Endpoint> endpoints(List<RawEndpoint> raw) {
        FieldPath at = FieldPath.of("endpoints");
        List<Endpoint> out = new ArrayList<>();
        if (raw == null) {
            problems.add(plan, at, "required: list at least one endpoint"
                    + " (name and base_url, or name and type: simulated)");
            return out;
        }
        if (raw.isEmpty()) {
            problems.add(plan, at, "is empty; list at least one endpoint");
        }
        Map<String, Origin> seen = new LinkedHashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            FieldPath ep = at.index(i);
            RawEndpoint e = raw.get(i);
            if (e == null) {
                problems.add(plan, ep, "empty entry; expected name and base_url");
                continue;
            }
            boolean ok = endpointName(e.name(), ep.child("name"), seen);
            boolean simulated = false;
            String type = e.type() == null ? TYPE_OPENAI : e.type().strip().toLowerCase(Locale.ROOT);
            if (type.equals(TYPE_SIMULATED)) {
                simulated = true;
            } else if (!type.equals(TYPE_OPENAI)) {
                problems.add(plan, ep.child("type"), "unknown type '" + e.type() + "'; allowed: "
                        + TYPE_OPENAI + " (the default: any OpenAI-compatible server), " + TYPE_SIMULATED
                        + " (Nightbench's built-in simulator)");
                ok = false;
            }
            URI baseUrl = null;
            if (simulated) {
                if (e.baseUrl() != null) {
                    problems.add(plan, ep.child("base_url"), "a simulated endpoint takes no base_url; remove it,"
                            + " or remove 'type: simulated' to call a real server");
                    ok = false;
                }
            } else {
                baseUrl = url(e.baseUrl(), ep.child("base_url"));
                ok &= baseUrl != null;
            }
            if (e.apiKeyEnv() != null && !EnvInterpolator.VARIABLE_NAME.matcher(e.apiKeyEnv()).matches()) {
                // never echo the value: it may be the key itself
                problems.add(plan, ep.child("api_key_env"), "must be the NAME of an environment variable that holds"
                        + " the key (letters, digits and '_', e.g. OPENAI_API_KEY), not the key itself");
                ok = false;
            }
            ConnectionPolicy connection = e.connection() == null ? null : connection(e.connection(),
                    ep.child("connection"), RunParams.defaults().connection());
            if (ok) {
                out.add(new Endpoint(e.name(), baseUrl, e.apiKeyEnv(), simulated, connection));
            }
        }
        return out;
    }

    private URI url(String text, FieldPath at) {
        String example = "an absolute http:// or https:// URL including the /v1 path, e.g. http://localhost:11434/v1";
        if (text == null) {
            problems.add(plan, at, "required: " + example + " (or 'type: simulated' for the built-in simulator)");
            return null;
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            problems.add(plan, at, "'" + text + "' is not a valid URL (" + e.getReason() + "); expected " + example);
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            problems.add(plan, at, "must not contain credentials; put the key in an environment variable"
                    + " and name it in api_key_env");
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            problems.add(plan, at, "'" + text + "' is not " + example);
            return null;
        }
        return uri;
    }

    // ---------------------------------------------------------------- models

    private List<ModelSpec> models(RawPlan raw, List<Endpoint> endpoints, WorkshopFiles.Models fileModels) {
        List<ModelSpec> out = new ArrayList<>();
        Map<String, Origin> aliases = new LinkedHashMap<>();
        EndpointNames names = EndpointNames.of(raw.endpoints(), endpoints);
        FieldPath at = FieldPath.of("models");
        if (raw.models() == null && raw.modelsFile() == null) {
            problems.add(plan, at, "required: list models, or name a models_file");
        }
        if (raw.models() != null && raw.models().isEmpty() && raw.modelsFile() == null) {
            problems.add(plan, at, "is empty; list at least one model");
        }
        if (raw.models() != null) {
            for (int i = 0; i < raw.models().size(); i++) {
                FieldPath mp = at.index(i);
                RawModel m = raw.models().get(i);
                if (m == null) {
                    problems.add(plan, mp, "empty entry; expected at least an alias");
                    continue;
                }
                String endpoint = endpointOf(m.endpoint(), mp.child("endpoint"), "endpoint", names);
                model(plan, mp, mp.child("alias"), m, endpoint, aliases, out);
            }
        }
        FieldPath modelsEndpointAt = FieldPath.of("models_endpoint");
        if (raw.modelsEndpoint() != null && raw.modelsFile() == null) {
            problems.add(plan, modelsEndpointAt, "is only used with models_file; remove it or add models_file");
        }
        if (fileModels != null) {
            FieldPath endpointAt = raw.modelsEndpoint() != null ? modelsEndpointAt : FieldPath.of("models_file");
            String endpoint = endpointOf(raw.modelsEndpoint(), endpointAt, "models_endpoint", names);
            fileModels.byAlias().forEach((alias, m) -> {
                FieldPath mp = FieldPath.of(alias);
                if (m == null) {
                    problems.add(fileModels.source(), mp, "expected an object of details (it may be {})");
                    return;
                }
                model(fileModels.source(), mp, mp, m.withAlias(alias), endpoint, aliases, out);
            });
        }
        return out;
    }

    /** Endpoint names as written (valid or not, so a bad endpoint is not also reported as unknown) and valid. */
    private record EndpointNames(List<String> declared, List<String> valid) {
        static EndpointNames of(List<RawEndpoint> raw, List<Endpoint> valid) {
            return new EndpointNames(raw == null ? List.of() : raw.stream().filter(Objects::nonNull).map(RawEndpoint::name)
                    .filter(Objects::nonNull).distinct().toList(), valid.stream().map(Endpoint::name).toList());
        }
    }

    /** The endpoint a model runs on: the one named, or the plan's only endpoint. Null when there is none valid. */
    private String endpointOf(String named, FieldPath at, String key, EndpointNames names) {
        if (named == null) {
            if (names.declared().size() > 1) {
                problems.add(plan, at, key + " is required when the plan has several endpoints ("
                        + String.join(", ", names.declared()) + ")");
                return null;
            }
            return names.valid().size() == 1 ? names.valid().getFirst() : null;
        }
        if (!names.declared().contains(named)) {
            problems.add(plan, at, "unknown endpoint '" + named + "'"
                    + (names.declared().isEmpty() ? "; the plan defines none" : "; defined: "
                    + String.join(", ", names.declared())));
            return null;
        }
        return names.valid().contains(named) ? named : null;
    }

    private void model(Source src, FieldPath at, FieldPath aliasAt, RawModel m, String endpoint,
                       Map<String, Origin> aliases, List<ModelSpec> out) {
        boolean ok = id(src, m.alias(), aliasAt, "alias", aliases);
        ok &= endpoint != null;
        if (m.model() != null && m.model().isBlank()) {
            problems.add(src, at.child("model"), "is empty; remove it to send the alias as the model id");
            ok = false;
        }
        List<String> capabilities = m.capabilities();
        if (capabilities != null) {
            for (int i = 0; i < capabilities.size(); i++) {
                if (capabilities.get(i) == null || capabilities.get(i).isBlank()) {
                    problems.add(src, at.child("capabilities").index(i), "is empty; expected a tag such as chat or code");
                    ok = false;
                }
            }
        }
        if (m.sizeMb() != null && m.sizeMb() <= 0) {
            problems.add(src, at.child("size_mb"), "must be a positive number of MB, got " + m.sizeMb());
            ok = false;
        }
        RawPrice price = m.price();
        if (price != null) {
            ok &= notNegative(src, at.child("price").child("input_per_1k"), price.inputPer1k());
            ok &= notNegative(src, at.child("price").child("output_per_1k"), price.outputPer1k());
        }
        Map<String, Object> params = m.params();
        if (params != null) {
            for (Map.Entry<String, Object> p : params.entrySet()) {
                if (RESERVED_PARAMS.contains(p.getKey())) {
                    problems.add(src, at.child("params").child(p.getKey()), "is set by Nightbench and cannot be"
                            + " overridden in params (reserved: " + String.join(", ", RESERVED_PARAMS) + ")");
                    ok = false;
                } else if (p.getValue() == null) {
                    problems.add(src, at.child("params").child(p.getKey()), "has no value; give one or remove the key");
                    ok = false;
                }
            }
        }
        // a model's own load section is only in the plan file (models_file entries take the plan's);
        // an explicit 'load: null' gives the model no load cells
        LoadSpec load;
        if (m.load() == null && src == plan && plan.has(at.child("load"))) {
            load = LoadSpec.NONE;
        } else {
            FieldPath loadAt = m.load() != null ? at.child("load") : FieldPath.of("load");
            LoadValidator.Part own = m.load() == null ? LoadValidator.Part.EMPTY : loads.part(m.load(), loadAt);
            load = loads.effective(planLoad, own, loadAt);
        }
        if (ok) {
            out.add(new ModelSpec(m.alias(), endpoint, m.model() == null ? null : m.model().strip(), capabilities,
                    m.sizeMb(), price == null ? null : price.inputPer1k(), price == null ? null : price.outputPer1k(),
                    params == null ? null : frozen(params), load));
        }
    }

    private boolean notNegative(Source src, FieldPath at, BigDecimal value) {
        if (value != null && value.signum() < 0) {
            problems.add(src, at, "must be 0 or more, got " + value.toPlainString());
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- prompts

    private List<PromptSpec> prompts(RawPlan raw, WorkshopFiles.Prompts filePrompts) {
        List<PromptSpec> out = new ArrayList<>();
        Map<String, Origin> ids = new LinkedHashMap<>();
        FieldPath at = FieldPath.of("prompts");
        if (raw.prompts() == null && raw.promptsFile() == null) {
            problems.add(plan, at, "required: list prompts, or name a prompts_file");
        }
        if (raw.prompts() != null && raw.prompts().isEmpty() && raw.promptsFile() == null) {
            problems.add(plan, at, "is empty; list at least one prompt");
        }
        if (raw.prompts() != null) {
            for (int i = 0; i < raw.prompts().size(); i++) {
                FieldPath pp = at.index(i);
                RawPrompt p = raw.prompts().get(i);
                if (p == null) {
                    problems.add(plan, pp, "empty entry; expected an id and a text (or messages)");
                    continue;
                }
                PromptSpec spec = prompt(pp, p, ids);
                if (spec != null) {
                    out.add(spec);
                }
            }
        }
        if (filePrompts != null) {
            List<String> texts = filePrompts.texts();
            int width = Math.max(2, String.valueOf(texts.size()).length());
            for (int i = 0; i < texts.size(); i++) {
                String text = texts.get(i);
                if (text == null) {
                    continue;
                }
                FieldPath pp = FieldPath.of(i);
                String id = "p" + String.format("%0" + width + "d", i + 1);
                boolean ok = id(filePrompts.source(), id, pp, "prompt id", ids);
                if (text.isBlank()) {
                    problems.add(filePrompts.source(), pp, "is an empty prompt");
                    ok = false;
                }
                if (ok) {
                    out.add(new PromptSpec(id, text, List.of(), null));
                }
            }
        }
        return out;
    }

    private PromptSpec prompt(FieldPath at, RawPrompt p, Map<String, Origin> ids) {
        boolean ok = id(plan, p.id(), at.child("id"), "prompt id", ids);
        if (p.text() != null && p.messages() != null) {
            problems.add(plan, at.child("messages"), "give either text or messages, not both");
            return null;
        }
        if (p.text() == null && p.messages() == null) {
            problems.add(plan, at, "required: text (one user message) or messages (a conversation)");
            return null;
        }
        if (p.text() != null && p.text().isBlank()) {
            problems.add(plan, at.child("text"), "is empty");
            ok = false;
        }
        if (p.system() != null && p.system().isBlank()) {
            problems.add(plan, at.child("system"), "is empty; remove it or give a system prompt");
            ok = false;
        }
        List<PromptMessage> messages = new ArrayList<>();
        if (p.messages() != null) {
            if (p.messages().isEmpty()) {
                problems.add(plan, at.child("messages"), "is empty; list at least one message");
                ok = false;
            }
            for (int i = 0; i < p.messages().size(); i++) {
                FieldPath mp = at.child("messages").index(i);
                RawMessage m = p.messages().get(i);
                if (m == null) {
                    problems.add(plan, mp, "empty entry; expected role and content");
                    ok = false;
                    continue;
                }
                if (m.role() == null) {
                    problems.add(plan, mp.child("role"), "required: one of system, user, assistant");
                    ok = false;
                } else if (!ROLES.contains(m.role())) {
                    problems.add(plan, mp.child("role"), "unknown role '" + m.role()
                            + "'; allowed: system, user, assistant");
                    ok = false;
                }
                if (m.content() == null) {
                    problems.add(plan, mp.child("content"), "required: the message text");
                    ok = false;
                }
                messages.add(new PromptMessage(m.role(), m.content()));
            }
        }
        return ok ? new PromptSpec(p.id(), p.text(), messages, p.system()) : null;
    }

    // ---------------------------------------------------------------- run

    private RunParams run(RawRun raw) {
        RunParams d = RunParams.defaults();
        if (raw == null) {
            return d;
        }
        FieldPath at = FieldPath.of("run");
        int warmup = atLeast(raw.warmup(), d.warmup(), 0, at.child("warmup"));
        int rounds = atLeast(raw.rounds(), d.rounds(), 1, at.child("rounds"));
        int maxTokens = atLeast(raw.maxTokens(), d.maxTokens(), 1, at.child("max_tokens"));
        int failAfter = atLeast(raw.failAfter(), d.failAfter(), 1, at.child("fail_after"));
        double temperature = d.temperature();
        if (raw.temperature() != null) {
            temperature = raw.temperature();
            if (temperature < 0 || !Double.isFinite(temperature)) {
                problems.add(plan, at.child("temperature"), "must be 0 or more, got " + raw.temperature());
            }
        }
        // an explicit 'seed: null' sends no seed; leaving the key out uses the default
        Long seed = raw.seed() != null || plan.has(at.child("seed")) ? raw.seed() : d.seed();
        boolean stream = raw.stream() == null ? d.stream() : raw.stream();
        RunParams.Timeouts t = d.timeouts();
        RawTimeouts rt = raw.timeouts();
        if (rt != null) {
            FieldPath tp = at.child("timeouts");
            t = new RunParams.Timeouts(duration(rt.connect(), t.connect(), tp.child("connect")),
                    duration(rt.firstToken(), t.firstToken(), tp.child("first_token")),
                    duration(rt.idle(), t.idle(), tp.child("idle")),
                    duration(rt.total(), t.total(), tp.child("total")));
        }
        ConnectionPolicy connection = raw.connection() == null ? d.connection()
                : connection(raw.connection(), at.child("connection"), d.connection());
        return new RunParams(warmup, rounds, maxTokens, temperature, seed, stream, t, failAfter, connection);
    }

    private ConnectionPolicy connection(String text, FieldPath at, ConnectionPolicy fallback) {
        return ConnectionPolicy.of(text).orElseGet(() -> {
            problems.add(plan, at, "unknown connection policy '" + text + "'; allowed: " + ConnectionPolicy.allowed()
                    + " (keep_alive reuses connections, close opens one per request)");
            return fallback;
        });
    }

    private int atLeast(Integer value, int fallback, int min, FieldPath at) {
        if (value == null) {
            return fallback;
        }
        if (value < min) {
            problems.add(plan, at, "must be " + (min == 0 ? "0 or more" : "at least " + min) + ", got " + value);
        }
        return value;
    }

    private Duration duration(String text, Duration fallback, FieldPath at) {
        if (text == null) {
            return fallback;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(plan, at, e.getMessage());
            return fallback;
        }
    }

    // ---------------------------------------------------------------- shared checks

    /** An alias or prompt id: present, of the safe alphabet, and unique across the plan and its files. */
    private boolean id(Source src, String value, FieldPath at, String what, Map<String, Origin> seen) {
        if (value == null) {
            problems.add(src, at, "required: the " + what);
            return false;
        }
        if (!ID.matcher(value).matches()) {
            problems.add(src, at, what + " '" + value + "' is not allowed: use 1 to 100 letters, digits, '.', '_',"
                    + " ':' or '-', starting with a letter or digit (aliases and prompt ids end up in file names)");
            return false;
        }
        return unique(src, value, at, what, seen);
    }

    /** An endpoint name: present and unique; it never reaches a file name, so any text will do. */
    private boolean endpointName(String value, FieldPath at, Map<String, Origin> seen) {
        if (value == null || value.isBlank()) {
            problems.add(plan, at, "required: the endpoint name, which models refer to");
            return false;
        }
        return unique(plan, value, at, "endpoint name", seen);
    }

    private boolean unique(Source src, String value, FieldPath at, String what, Map<String, Origin> seen) {
        Origin first = seen.putIfAbsent(value, new Origin(src, at));
        if (first == null) {
            return true;
        }
        String where;
        Integer line = first.source().lineOf(first.path());
        if (Objects.equals(first.source().file(), src.file())) {
            where = line == null ? "" : " (first at line " + line + ")";
        } else {
            where = " (first at " + first.source().file() + (line == null ? "" : ":" + line) + ")";
        }
        problems.add(src, at, "duplicate " + what + " '" + value + "'" + where);
        return false;
    }

    /** Deep read-only copy of free-form params (nested lists and maps too); nulls inside are kept. */
    @SuppressWarnings("unchecked")
    private static <T> T frozen(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), frozen(v)));
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(frozen(v)));
            return (T) Collections.unmodifiableList(copy);
        }
        return value;
    }
}
