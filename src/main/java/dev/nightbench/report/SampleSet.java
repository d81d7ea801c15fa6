package dev.nightbench.report;

import dev.nightbench.client.RequestStatus;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The per-request samples of one side of a comparison (a run, or pooled baseline runs), grouped by model and load
 * with all prompts pooled (prompt {@code '*'}), and for the serial latency cells also by model and prompt. A load
 * level is compared as a whole only: its prompts are cycled, so a prompt's share of a level is a handful of
 * requests that are not independent of each other. Only measured requests (measure phase, final attempt) go in;
 * latencies come from requests whose status is {@code ok}.
 */
final class SampleSet {

    /** What a comparison is about: a model under one load, on one prompt or on all ({@link #ALL_PROMPTS}). */
    record Key(String modelAlias, String promptId, String loadMode, double loadLevel) {
    }

    static final String ALL_PROMPTS = "*";

    /** The load mode of the latency cells, one request at a time. */
    static final String SERIAL = "serial";

    private static final Metric[] SAMPLED = {Metric.TTFT_MS, Metric.TPOT_MS, Metric.E2E_MS, Metric.DECODE_TPS};

    /** Samples of one key. */
    static final class Samples {
        private final double[][] values = new double[SAMPLED.length][8];
        private final int[] sizes = new int[SAMPLED.length];
        private int requests;
        private int ok;
        private int checks;
        private int checkPasses;
        /** The judge's scores per criterion, in the order the criteria were first seen. */
        private final Map<String, double[]> scores = new LinkedHashMap<>();
        private final Map<String, Integer> scoreSizes = new HashMap<>();

        private void add(boolean isOk, Double ttft, Double tpot, Double e2e, Double decodeTps) {
            requests++;
            if (!isOk) {
                return;
            }
            ok++;
            append(0, ttft);
            append(1, tpot);
            append(2, e2e);
            append(3, decodeTps);
        }

        private void append(int metric, Double v) {
            if (v == null || v.isNaN()) {
                return;
            }
            if (sizes[metric] == values[metric].length) {
                values[metric] = Arrays.copyOf(values[metric], sizes[metric] * 2);
            }
            values[metric][sizes[metric]++] = v;
        }

        double[] values(Metric metric) {
            for (int i = 0; i < SAMPLED.length; i++) {
                if (SAMPLED[i] == metric) {
                    return Arrays.copyOf(values[i], sizes[i]);
                }
            }
            throw new IllegalArgumentException(metric + " has no per-request samples");
        }

        int requests() {
            return requests;
        }

        int ok() {
            return ok;
        }

        /** (answer, check) pairs of the key's checked answers; 0 when its prompts have no checks. */
        int checks() {
            return checks;
        }

        int checkPasses() {
            return checkPasses;
        }

        /** The criteria the judge scored this key's answers on (empty without a judge). */
        Set<String> criteria() {
            return scores.keySet();
        }

        /** The judge's scores of one criterion; empty when none. */
        double[] scores(String criterion) {
            double[] v = scores.get(criterion);
            return v == null ? new double[0] : Arrays.copyOf(v, scoreSizes.get(criterion));
        }

        private void addScore(String criterion, double score) {
            double[] v = scores.computeIfAbsent(criterion, c -> new double[8]);
            int size = scoreSizes.getOrDefault(criterion, 0);
            if (size == v.length) {
                v = Arrays.copyOf(v, size * 2);
                scores.put(criterion, v);
            }
            v[size] = score;
            scoreSizes.put(criterion, size + 1);
        }
    }

    private final Map<Key, Samples> byKey = new LinkedHashMap<>();

    /**
     * Adds one measured request.
     *
     * @param status the request's final status ({@code ok} or a failure, {@code skipped} included)
     */
    void add(String modelAlias, String promptId, String loadMode, double loadLevel, RequestStatus status, Double ttftMs,
             Double tpotMs, Double e2eMs, Double decodeTps) {
        boolean ok = status == RequestStatus.OK;
        if (SERIAL.equals(loadMode)) {
            byKey.computeIfAbsent(new Key(modelAlias, promptId, loadMode, loadLevel), k -> new Samples())
                    .add(ok, ttftMs, tpotMs, e2eMs, decodeTps);
        }
        byKey.computeIfAbsent(new Key(modelAlias, ALL_PROMPTS, loadMode, loadLevel), k -> new Samples())
                .add(ok, ttftMs, tpotMs, e2eMs, decodeTps);
    }

    /**
     * Adds a model's answer-check outcomes under one load, all prompts pooled ({@code checked_answers}): pass rate
     * is compared per model and load only. A key without measured requests is not created.
     */
    void addChecks(String modelAlias, String loadMode, double loadLevel, long checks, long passes) {
        Samples s = byKey.get(new Key(modelAlias, ALL_PROMPTS, loadMode, loadLevel));
        if (s != null) {
            s.checks += Math.toIntExact(checks);
            s.checkPasses += Math.toIntExact(passes);
        }
    }

    /**
     * Adds one judge score of a model's answer under one load, all prompts pooled ({@code judged_scores}): judge
     * scores are compared per model and criterion only. A key without measured requests is not created.
     */
    void addScore(String modelAlias, String loadMode, double loadLevel, String criterion, double score) {
        Samples s = byKey.get(new Key(modelAlias, ALL_PROMPTS, loadMode, loadLevel));
        if (s != null) {
            s.addScore(criterion, score);
        }
    }

    Map<Key, Samples> byKey() {
        return byKey;
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** Measured requests in all (each counted once, not once per key). */
    int requests() {
        return byKey.entrySet().stream().filter(e -> ALL_PROMPTS.equals(e.getKey().promptId()))
                .mapToInt(e -> e.getValue().requests()).sum();
    }
}
