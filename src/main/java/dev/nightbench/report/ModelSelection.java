package dev.nightbench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies a run's {@code selection:} rules to its {@code model_selection} rows: which models meet every constraint
 * (a model without a value for a constrained dimension does not: it cannot be shown to), and which of those to make
 * the default. With {@code optimise: <goal>} the best value of that goal wins; with {@code weights:} (or neither,
 * every goal weighing 1) each goal's values are scaled over the acceptable models to 0 (worst) .. 1 (best), a
 * missing value counting 0, and the highest weighted mean wins. Ties go to the model listed first in the plan, so
 * the verdict is a function of the rows alone and a test can state it exactly.
 */
final class ModelSelection {

    /** A dimension of the table: its name in the plan, how it reads, its value, and whether lower is better. */
    enum Dimension {
        MEAN_E2E("mean_e2e_ms", "E2E mean", SelectionData.Row::e2eMsMean, true),
        P95_E2E("p95_e2e_ms", "E2E p95", SelectionData.Row::e2eMsP95, true),
        DECODE("decode_tps", "decode tokens/s", SelectionData.Row::decodeTpsP50, false),
        MEMORY("memory_mb", "memory", SelectionData.Row::memoryMb, true),
        PASS_RATE("pass_rate", "check pass rate", SelectionData.Row::passRate, false),
        JUDGE("judge_score", "judge score", SelectionData.Row::judgeScore, false),
        DISK("disk_mb", "disk footprint", SelectionData.Row::diskMb, true),
        COST("cost_per_1k", "cost per 1,000 prompts", SelectionData.Row::costPerThousand, true);

        final String key;
        final String label;
        final Function<SelectionData.Row, Double> value;
        final boolean lowerBetter;

        Dimension(String key, String label, Function<SelectionData.Row, Double> value, boolean lowerBetter) {
            this.key = key;
            this.label = label;
            this.value = value;
            this.lowerBetter = lowerBetter;
        }

        static Dimension of(String key) {
            for (Dimension d : values()) {
                if (d.key.equals(key)) {
                    return d;
                }
            }
            return null;
        }

        /** The dimension a goal ranks by; quality is the pass rate, or the judge score when no model has checks. */
        static Dimension forGoal(String goal, List<SelectionData.Row> rows) {
            return switch (goal) {
                case "latency" -> P95_E2E;
                case "throughput" -> DECODE;
                case "memory" -> MEMORY;
                case "quality" -> rows.stream().anyMatch(r -> r.passRate() != null) ? PASS_RATE : JUDGE;
                case "footprint" -> DISK;
                case "cost" -> COST;
                default -> throw new IllegalArgumentException("unknown goal '" + goal + "'");
            };
        }
    }

    static final List<String> GOALS = List.of("latency", "throughput", "memory", "quality", "footprint", "cost");

    /** A model with the constraints it fails ("p95_e2e_ms 1812.3 > max 1500") and its score when ranked. */
    record Assessed(SelectionData.Row row, List<String> failures, Set<String> failed, Double score) {
        boolean meets() {
            return failures.isEmpty();
        }
    }

    /**
     * The verdict. {@code recommended} is null without a selection section or when no model meets the constraints.
     *
     * @param ranking how the acceptable models were ranked, e.g. "cheapest" or "weighted score (latency 2, cost 1)"
     */
    record Verdict(List<Assessed> models, Assessed recommended, Assessed runnerUp, String reason, String runnerUpReason,
                   String ranking) {
    }

    private ModelSelection() {
    }

    static Verdict decide(SelectionData data) {
        List<SelectionData.Row> rows = data.rows();
        List<Assessed> assessed = new ArrayList<>();
        for (SelectionData.Row r : rows) {
            assessed.add(assess(r, data.rules()));
        }
        if (!data.hasSelection()) {
            return new Verdict(assessed, null, null, null, null, null);
        }
        List<Assessed> ok = assessed.stream().filter(Assessed::meets).toList();
        if (ok.isEmpty()) {
            return new Verdict(assessed, null, null, null, null, null);
        }
        String optimise = data.rules().stream().filter(r -> r.rule().equals("optimise")).map(SelectionData.Rule::dimension)
                .findFirst().orElse(null);
        Map<String, Double> weights = new LinkedHashMap<>();
        data.rules().stream().filter(r -> r.rule().equals("weight")).forEach(r -> weights.put(r.dimension(), r.weight()));
        boolean constraints = data.rules().stream().anyMatch(r -> r.rule().equals("constraint"));
        String meets = constraints ? "meets every constraint" : "the plan sets no constraints";
        List<Assessed> ranked;
        String ranking;
        if (optimise != null) {
            Dimension d = Dimension.forGoal(optimise, rows);
            Comparator<Double> better = d.lowerBetter ? Comparator.naturalOrder() : Comparator.reverseOrder();
            ranked = ok.stream().sorted(Comparator.comparing((Assessed a) -> d.value.apply(a.row()),
                    Comparator.nullsLast(better))).toList();   // stable: plan order among equals
            ranking = superlative(d);
            Assessed best = ranked.getFirst();
            Double v = d.value.apply(best.row());
            String reason = meets + "; " + (v == null ? "no model has a " + d.label + " figure, so the first acceptable "
                    + "one in plan order" : superlative(d) + " at " + value(d, best.row()));
            Assessed second = ranked.size() > 1 ? ranked.get(1) : null;
            return new Verdict(assessed, best, second, reason, second == null ? null : value(d, second.row()), ranking);
        }
        if (weights.isEmpty()) {
            GOALS.forEach(g -> weights.put(g, 1.0));
            ranking = "weighted score (every goal weighs 1)";
        } else {
            ranking = "weighted score (" + weights.entrySet().stream().map(e -> e.getKey() + " " + plain(e.getValue()))
                    .collect(Collectors.joining(", ")) + ")";
        }
        List<Assessed> scored = new ArrayList<>();
        for (Assessed a : ok) {
            scored.add(new Assessed(a.row(), a.failures(), a.failed(), score(a.row(), ok, weights, rows)));
        }
        ranked = scored.stream().sorted(Comparator.comparing(Assessed::score, Comparator.reverseOrder())).toList();
        List<Assessed> models = new ArrayList<>();
        for (Assessed a : assessed) {
            models.add(scored.stream().filter(s -> s.row() == a.row()).findFirst().orElse(a));
        }
        Assessed best = ranked.getFirst();
        Assessed second = ranked.size() > 1 ? ranked.get(1) : null;
        return new Verdict(models, best, second, meets + "; highest " + ranking + ": " + fmt(best.score()),
                second == null ? null : "weighted score " + fmt(second.score()), ranking);
    }

    /** The weighted mean of the goals' 0..1 scales over the acceptable models. */
    private static double score(SelectionData.Row row, List<Assessed> ok, Map<String, Double> weights,
                                List<SelectionData.Row> all) {
        double sum = 0;
        double total = 0;
        for (Map.Entry<String, Double> w : weights.entrySet()) {
            Dimension d = Dimension.forGoal(w.getKey(), all);
            List<Double> values = ok.stream().map(a -> d.value.apply(a.row())).filter(v -> v != null).toList();
            Double v = d.value.apply(row);
            double s = 0;
            if (v != null) {
                double min = values.stream().mapToDouble(x -> x).min().orElse(v);
                double max = values.stream().mapToDouble(x -> x).max().orElse(v);
                s = max == min ? 1 : d.lowerBetter ? (max - v) / (max - min) : (v - min) / (max - min);
            }
            sum += w.getValue() * s;
            total += w.getValue();
        }
        return total == 0 ? 0 : sum / total;
    }

    private static Assessed assess(SelectionData.Row r, List<SelectionData.Rule> rules) {
        List<String> failures = new ArrayList<>();
        Set<String> failed = new LinkedHashSet<>();
        if (!r.ran()) {
            failures.add("did not run (" + r.availability() + ")");
        }
        for (SelectionData.Rule rule : rules) {
            if (!rule.rule().equals("constraint")) {
                continue;
            }
            if (rule.dimension().equals("licence")) {
                String licence = r.licence() == null ? null : r.licence().strip().toLowerCase(Locale.ROOT);
                if (licence == null || !rule.allowed().contains(licence)) {
                    failures.add("licence " + (licence == null ? "unknown" : r.licence()) + " not in "
                            + String.join(", ", rule.allowed()));
                    failed.add("licence");
                }
                continue;
            }
            Dimension d = Dimension.of(rule.dimension());
            if (d == null) {
                continue;   // the plan validated it; a newer dimension in an older build's database is not ours to judge
            }
            Double v = d.value.apply(r);
            String shown = v == null ? null : value(d, r);
            if (v == null) {
                failures.add(rule.dimension() + " has no value");
            } else if (rule.minValue() != null && v < rule.minValue()) {
                failures.add(rule.dimension() + " " + shown + " below min " + threshold(d, rule.minValue(), r));
            } else if (rule.maxValue() != null && v > rule.maxValue()) {
                failures.add(rule.dimension() + " " + shown + " above max " + threshold(d, rule.maxValue(), r));
            } else {
                continue;
            }
            failed.add(rule.dimension());
        }
        return new Assessed(r, failures, failed, null);
    }

    /** A constraint's limit in its dimension's unit (a pass rate of 0.9 reads 90.0 %). */
    private static String threshold(Dimension d, double limit, SelectionData.Row r) {
        return switch (d) {
            case PASS_RATE -> String.format(Locale.ROOT, "%.1f %%", limit * 100);
            case COST -> cost(limit, r.currency());
            case MEMORY, DISK -> String.format(Locale.ROOT, "%,.0f MB", limit);
            case MEAN_E2E, P95_E2E -> plain(limit) + " ms";
            default -> plain(limit);
        };
    }

    private static String superlative(Dimension d) {
        return switch (d) {
            case COST -> "cheapest";
            case P95_E2E, MEAN_E2E -> "fastest (" + d.label + ")";
            case DECODE -> "highest decode rate";
            case MEMORY -> "smallest memory";
            case PASS_RATE -> "highest check pass rate";
            case JUDGE -> "highest judge score";
            case DISK -> "smallest disk footprint";
        };
    }

    /** A row's value of a dimension as the table shows it, with its unit. */
    static String value(Dimension d, SelectionData.Row r) {
        Double v = d.value.apply(r);
        if (v == null) {
            return Format.NONE;
        }
        return switch (d) {
            case MEAN_E2E, P95_E2E -> String.format(Locale.ROOT, "%.1f ms", v);
            case DECODE -> String.format(Locale.ROOT, "%.1f tokens/s", v);
            case MEMORY, DISK -> String.format(Locale.ROOT, "%,.0f MB", v);
            case PASS_RATE -> String.format(Locale.ROOT, "%.1f %%", v * 100);
            case JUDGE -> String.format(Locale.ROOT, "%.2f", v);
            case COST -> cost(v, r.currency()) + " per 1,000 prompts";
        };
    }

    /** A cost with enough digits to tell cheap models apart, and its currency when the plan gave one. */
    static String cost(Double v, String currency) {
        if (v == null) {
            return Format.NONE;
        }
        String n = v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : v >= 0.01 || v == 0
                ? String.format(Locale.ROOT, "%.2f", v) : new java.math.BigDecimal(v).round(new java.math.MathContext(2)).toPlainString();
        return currency == null ? n : n + " " + currency;
    }

    static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String fmt(Double v) {
        return v == null ? Format.NONE : String.format(Locale.ROOT, "%.2f", v);
    }
}
