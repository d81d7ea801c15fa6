package dev.nightbench.plan;

import dev.nightbench.client.ModelProvider;
import dev.nightbench.client.ModelProviders;
import dev.nightbench.plan.IdValidator.Origin;
import dev.nightbench.plan.RawPlan.RawEndpoint;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the plan's {@code endpoints:}: each has a unique name, a known type, an absolute http(s) base URL without
 * credentials (none for the built-in simulator, nor for a model provider that takes none), the NAME of the variable that
 * holds its key, a known connection policy when it overrides the run's, and, for a model provider's type, the
 * {@code settings:} block the provider accepts ({@link ProviderChecks}).
 */
final class EndpointValidator {

    static final String TYPE_OPENAI = "openai";
    static final String TYPE_SIMULATED = "simulated";

    private final Source plan;
    private final Problems problems;
    private final IdValidator idChecks;
    private final RunValidator runs;
    private final ProviderChecks providers;

    EndpointValidator(Source plan, Problems problems, IdValidator idChecks, RunValidator runs,
                      ProviderChecks providers) {
        this.plan = plan;
        this.problems = problems;
        this.idChecks = idChecks;
        this.runs = runs;
        this.providers = providers;
    }

    List<Endpoint> endpoints(List<RawEndpoint> raw) {
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
            boolean ok = idChecks.endpointName(e.name(), ep.child("name"), seen);
            boolean simulated = false;
            String type = e.type() == null ? TYPE_OPENAI : e.type().strip().toLowerCase(Locale.ROOT);
            ModelProvider provider = null;
            if (type.equals(TYPE_SIMULATED)) {
                simulated = true;
            } else if (!type.equals(TYPE_OPENAI)) {
                provider = providers.registry().get(type).orElse(null);
                if (provider == null) {
                    problems.add(plan, ep.child("type"), "unknown type '" + e.type() + "'; allowed: "
                            + TYPE_OPENAI + " (the default: any OpenAI-compatible server), " + TYPE_SIMULATED
                            + " (Nightbench's built-in simulator)" + providers.typesText());
                    ok = false;
                }
            }
            Map<String, Object> settings = null;
            if (provider != null) {
                settings = providers.settings(e.settings(), provider, ep.child("settings"));
                ok &= settings != null;
            } else if (e.settings() != null && (type.equals(TYPE_OPENAI) || type.equals(TYPE_SIMULATED))) {
                problems.add(plan, ep.child("settings"), "only a model provider's endpoint takes settings; type '"
                        + type + "' takes none");
                ok = false;
            }
            URI baseUrl = null;
            if (provider != null && !provider.takesBaseUrl()) {
                if (e.baseUrl() != null) {
                    problems.add(plan, ep.child("base_url"), "an endpoint of type '" + type + "' takes no base_url;"
                            + " remove it");
                    ok = false;
                }
            } else if (simulated) {
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
            ConnectionPolicy connection = e.connection() == null ? null : runs.connection(e.connection(),
                    ep.child("connection"), RunParams.defaults().connection());
            Map<String, Map<String, List<String>>> answers = scripted(e.answers(), simulated, ep.child("answers"),
                    ANSWERS);
            Map<String, Map<String, List<String>>> verdicts = scripted(e.verdicts(), simulated, ep.child("verdicts"),
                    VERDICTS);
            if (ok && answers != null && verdicts != null) {
                out.add(new Endpoint(e.name(), baseUrl, e.apiKeyEnv(), simulated, connection, answers, verdicts, type,
                        settings));
            }
        }
        return out;
    }

    /** What a scripted section of a simulated endpoint holds, for its messages. */
    private record Scripted(String what, String example) {
    }

    private static final Scripted ANSWERS = new Scripted("scripted answers", "a mapping of model name to {prompt id:"
            + " answer text, or a list of texts used in turn}, e.g. {sim-fast: {capital: Paris., sum: ['42', '41']}}");
    private static final Scripted VERDICTS = new Scripted("a scripted judge's verdicts", "a mapping of the judge's model"
            + " name to {judged answer text, or '*' for any other: verdict text, or a list of verdicts used in turn},"
            + " e.g. {sim-judge: {'Paris.': '{\"coherence\": 5, \"reason\": \"...\"}', '*': 'no idea'}}");

    /**
     * A simulated endpoint's {@code answers:} (served model name → prompt id → a text or a list of texts) or
     * {@code verdicts:} (judge model name → answer text → a verdict or a list of verdicts). Which prompt ids exist is
     * checked once the prompts are known ({@link PlanValidator}).
     *
     * @return the texts (empty when none), or null after a problem
     */
    private Map<String, Map<String, List<String>>> scripted(Object raw, boolean simulated, FieldPath at,
                                                            Scripted kind) {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        String example = kind.example();
        if (!simulated) {
            problems.add(plan, at, "only a simulated endpoint takes " + kind.what() + "; remove it");
            return null;
        }
        if (!(raw instanceof Map<?, ?> byModel)) {
            problems.add(plan, at, "expected " + example + ", got " + CheckValidator.describe(raw));
            return null;
        }
        boolean ok = true;
        for (Map.Entry<?, ?> m : byModel.entrySet()) {
            String model = String.valueOf(m.getKey());
            if (!(m.getValue() instanceof Map<?, ?> byPrompt) || byPrompt.isEmpty()) {
                problems.add(plan, at.child(model), "expected " + example + ", got "
                        + CheckValidator.describe(m.getValue()));
                ok = false;
                continue;
            }
            Map<String, List<String>> texts = new LinkedHashMap<>();
            for (Map.Entry<?, ?> p : byPrompt.entrySet()) {
                String prompt = String.valueOf(p.getKey());
                List<?> values = p.getValue() instanceof List<?> l ? l : java.util.Collections.singletonList(p.getValue());
                List<String> strings = new ArrayList<>();
                for (Object v : values) {
                    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                        strings.add(String.valueOf(v));
                    }
                }
                if (values.isEmpty() || strings.size() != values.size()) {
                    problems.add(plan, at.child(model).child(prompt), "expected a text or a non-empty list of"
                            + " texts, got " + CheckValidator.describe(p.getValue()));
                    ok = false;
                }
                texts.put(prompt, strings);
            }
            out.put(model, texts);
        }
        return ok ? out : null;
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
}
