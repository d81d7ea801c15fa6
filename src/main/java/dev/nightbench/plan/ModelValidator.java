package dev.nightbench.plan;

import dev.nightbench.plan.IdValidator.Origin;
import dev.nightbench.plan.RawPlan.RawEndpoint;
import dev.nightbench.plan.RawPlan.RawModel;
import dev.nightbench.plan.RawPlan.RawPrice;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks the plan's {@code models:} and the models of its {@code models_file}: each has a valid unique alias and a
 * known endpoint (the only one when the plan has one), sane capabilities, size and price, no reserved or empty
 * params, and gets its effective load section ({@link LoadValidator}).
 */
final class ModelValidator {

    /** Request fields Nightbench sets itself; a model's params may not override them. */
    private static final List<String> RESERVED_PARAMS = List.of("model", "messages", "stream", "stream_options");

    private final Source plan;
    private final Problems problems;
    private final IdValidator idChecks;
    private final LoadValidator loads;
    /** The plan-level load section, which each model's own one overrides key by key. */
    private final LoadValidator.Part planLoad;

    ModelValidator(Source plan, Problems problems, IdValidator idChecks, LoadValidator loads,
                   LoadValidator.Part planLoad) {
        this.plan = plan;
        this.problems = problems;
        this.idChecks = idChecks;
        this.loads = loads;
        this.planLoad = planLoad;
    }

    List<ModelSpec> models(RawPlan raw, List<Endpoint> endpoints, WorkshopFiles.Models fileModels) {
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
        boolean ok = idChecks.id(src, m.alias(), aliasAt, "alias", aliases);
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
        if (m.licence() != null && m.licence().isBlank()) {
            problems.add(src, at.child("licence"), "is empty; give the licence (an SPDX id such as mit or apache-2.0)"
                    + " or remove the key");
            ok = false;
        }
        ok &= SyntheticValidator.modelTokenizer(src, problems, m.tokenizer(), at.child("tokenizer"));
        CostSpec cost = m.cost() == null ? null : new CostValidator(src, problems).section(m.cost(), at.child("cost"));
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
                    params == null ? null : frozen(params), load, m.licence() == null ? null : m.licence().strip(), cost,
                    m.tokenizer() == null ? null : m.tokenizer().strip()));
        }
    }

    private boolean notNegative(Source src, FieldPath at, BigDecimal value) {
        if (value != null && value.signum() < 0) {
            problems.add(src, at, "must be 0 or more, got " + value.toPlainString());
            return false;
        }
        return true;
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
