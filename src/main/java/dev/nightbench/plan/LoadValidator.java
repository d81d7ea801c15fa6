package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawLoad;
import dev.nightbench.plan.RawPlan.RawRetry;
import dev.nightbench.plan.RawPlan.RawRetryRule;
import dev.nightbench.plan.RawPlan.RawSlo;
import dev.nightbench.plan.RawPlan.RawSweep;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks the plan's {@code load:}, {@code slo:} and {@code retry:} sections and each model's {@code load:}, and
 * works out every model's effective load: the plan's section with the keys the model gives replacing the plan's
 * (an explicit {@code null} or {@code []} clears one; {@code requests} and {@code duration} are one setting, so
 * a model giving either replaces the plan's bound).
 */
final class LoadValidator {

    static final int MAX_CONCURRENCY = 10_000;
    static final int MAX_SWEEP_LEVELS = 50;
    static final int MAX_ATTEMPTS = 100;

    private final Source plan;
    private final Problems problems;

    LoadValidator(Source plan, Problems problems) {
        this.plan = plan;
        this.problems = problems;
    }

    /** What one load section gives, field by field; a field that was wrong is treated as not given. */
    static final class Part {
        static final Part EMPTY = new Part();

        boolean hasConcurrency;
        List<Integer> concurrency = List.of();
        boolean hasRates;
        List<Double> rates = List.of();
        boolean hasBound;
        Integer requests;
        Duration duration;
        boolean hasSweep;
        RawSweepParts sweep;
        boolean hasPromptsFrom;
        String promptsFrom;
    }

    /** A sweep as given; its bound may still come from the load section around it. */
    record RawSweepParts(String mode, double start, double factor, double max, Integer requests, Duration duration,
                         FieldPath at) {
    }

    // ---------------------------------------------------------------- load

    Part part(RawLoad raw, FieldPath at) {
        Part p = new Part();
        if (raw == null) {
            return p;
        }
        FieldPath cAt = at.child("concurrency");
        p.hasConcurrency = raw.concurrency() != null || plan.has(cAt);
        p.concurrency = concurrencyLevels(raw.concurrency(), cAt);
        FieldPath rAt = at.child("rates");
        p.hasRates = raw.rates() != null || plan.has(rAt);
        p.rates = rates(raw.rates(), rAt);
        boolean hasRequests = raw.requests() != null || plan.has(at.child("requests"));
        boolean hasDuration = raw.duration() != null || plan.has(at.child("duration"));
        p.hasBound = hasRequests || hasDuration;
        Bound bound = bound(raw.requests(), raw.duration(), at);
        p.requests = bound.requests();
        p.duration = bound.duration();
        FieldPath sAt = at.child("sweep");
        p.hasSweep = raw.sweep() != null || plan.has(sAt);
        p.sweep = raw.sweep() == null ? null : sweep(raw.sweep(), sAt);
        // the source's name is checked against the plan's sources once they are drawn (DatasetValidator)
        p.hasPromptsFrom = raw.promptsFrom() != null || plan.has(at.child("prompts_from"));
        p.promptsFrom = raw.promptsFrom() == null || raw.promptsFrom().isBlank() ? null : raw.promptsFrom().strip();
        return p;
    }

    /**
     * The effective load of a model from the plan's part and the model's own (or {@link Part#EMPTY}).
     *
     * @param at where to report a problem of the combination: the model's {@code load} when it has one, else the
     *           plan's
     */
    LoadSpec effective(Part planPart, Part modelPart, FieldPath at) {
        List<Integer> concurrency = modelPart.hasConcurrency ? modelPart.concurrency : planPart.concurrency;
        List<Double> rates = modelPart.hasRates ? modelPart.rates : planPart.rates;
        Part boundPart = modelPart.hasBound ? modelPart : planPart;
        RawSweepParts sweep = modelPart.hasSweep ? modelPart.sweep : planPart.sweep;
        Integer requests = boundPart.requests;
        Duration duration = boundPart.duration;
        boolean ok = true;
        if ((!concurrency.isEmpty() || !rates.isEmpty()) && requests == null && duration == null && !boundPart.hasBound) {
            problems.add(plan, at, "needs the requests per level (requests: N) or the time per level (duration: 30s)");
            ok = false;
        }
        int highest = concurrency.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (requests != null && highest > requests) {
            problems.add(plan, at, tooFewRequests(requests, highest));
            ok = false;
        }
        LoadSpec.Sweep resolved = null;
        if (sweep != null) {
            Integer sweepRequests = sweep.requests();
            Duration sweepDuration = sweep.duration();
            if (sweepRequests == null && sweepDuration == null) {
                sweepRequests = requests;
                sweepDuration = duration;
            }
            if (sweepRequests == null && sweepDuration == null) {
                problems.add(plan, sweep.at(), "needs the requests per level (requests: N) or the time per level"
                        + " (duration: 30s), in the sweep or in the load section around it");
                ok = false;
            }
            if (LoadSpec.CONCURRENCY.equals(sweep.mode()) && sweepRequests != null && sweep.max() > sweepRequests) {
                problems.add(plan, sweep.at(), tooFewRequests(sweepRequests, (int) sweep.max()));
                ok = false;
            }
            List<?> fixed = LoadSpec.CONCURRENCY.equals(sweep.mode()) ? concurrency : rates;
            if (!fixed.isEmpty()) {
                String key = LoadSpec.CONCURRENCY.equals(sweep.mode()) ? "concurrency" : "rates";
                problems.add(plan, sweep.at().child("mode"), "a " + sweep.mode() + " sweep cannot be combined with fixed "
                        + key + " levels " + fixed + "; give either the sweep or the levels");
                ok = false;
            }
            resolved = new LoadSpec.Sweep(sweep.mode(), sweep.start(), sweep.factor(), sweep.max(), sweepRequests,
                    sweepDuration);
        }
        String promptsFrom = modelPart.hasPromptsFrom ? modelPart.promptsFrom : planPart.promptsFrom;
        return ok ? new LoadSpec(concurrency, rates, requests, duration, resolved, promptsFrom) : LoadSpec.NONE;
    }

    private static String tooFewRequests(int requests, int concurrency) {
        return "requests per level (" + requests + ") is below the concurrency " + concurrency + ": no more than "
                + requests + " requests could ever be in flight; give at least " + concurrency
                + " requests per level, or a duration";
    }

    private List<Integer> concurrencyLevels(List<Integer> raw, FieldPath at) {
        List<Integer> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        Set<Integer> seen = new LinkedHashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            Integer c = raw.get(i);
            FieldPath ip = at.index(i);
            if (c == null) {
                if (plan.has(ip)) {
                    problems.add(plan, ip, "empty entry; expected a number of concurrent requests, e.g. 4");
                }
            } else if (c < 1 || c > MAX_CONCURRENCY) {
                problems.add(plan, ip, "must be between 1 and " + MAX_CONCURRENCY + " concurrent requests, got " + c);
            } else if (!seen.add(c)) {
                problems.add(plan, ip, "duplicate level " + c);
            } else {
                out.add(c);
            }
        }
        return out;
    }

    private List<Double> rates(List<Double> raw, FieldPath at) {
        List<Double> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        Set<Double> seen = new LinkedHashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            Double r = raw.get(i);
            FieldPath ip = at.index(i);
            if (r == null) {
                if (plan.has(ip)) {
                    problems.add(plan, ip, "empty entry; expected a rate in requests per second, e.g. 2");
                }
            } else if (!(r > 0) || Double.isInfinite(r)) {
                problems.add(plan, ip, "must be a positive number of requests per second, got " + r);
            } else if (!seen.add(r)) {
                problems.add(plan, ip, "duplicate rate " + r);
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private record Bound(Integer requests, Duration duration) {
    }

    private Bound bound(Integer requests, String durationText, FieldPath at) {
        Integer n = null;
        if (requests != null) {
            if (requests < 1) {
                problems.add(plan, at.child("requests"), "must be at least 1, got " + requests);
            } else {
                n = requests;
            }
        }
        Duration d = durationText == null ? null : duration(durationText, at.child("duration"), false);
        if (requests != null && durationText != null) {
            problems.add(plan, at.child("duration"), "give requests or duration per level, not both");
            return new Bound(null, null);
        }
        return new Bound(n, d);
    }

    private RawSweepParts sweep(RawSweep raw, FieldPath at) {
        boolean ok = true;
        String mode = null;
        if (raw.mode() == null) {
            problems.add(plan, at.child("mode"), "required: concurrency (closed loop) or rate (open loop, req/s)");
            ok = false;
        } else {
            mode = raw.mode().strip().toLowerCase(Locale.ROOT);
            if (!mode.equals(LoadSpec.CONCURRENCY) && !mode.equals(LoadSpec.RATE)) {
                problems.add(plan, at.child("mode"), "unknown mode '" + raw.mode() + "'; allowed: concurrency, rate");
                ok = false;
            }
        }
        boolean whole = LoadSpec.CONCURRENCY.equals(mode);
        double start = raw.start() == null ? 1 : raw.start();
        if (!(start > 0) || Double.isInfinite(start)) {
            problems.add(plan, at.child("start"), "must be a positive number, got " + raw.start());
            ok = false;
        } else if (whole && start != Math.rint(start)) {
            problems.add(plan, at.child("start"), "must be a whole number for a concurrency sweep, got " + raw.start());
            ok = false;
        }
        double factor = raw.factor() == null ? 2 : raw.factor();
        if (!(factor > 1) || Double.isInfinite(factor)) {
            problems.add(plan, at.child("factor"), "must be greater than 1 (the load grows by it at each step), got "
                    + raw.factor());
            ok = false;
        }
        double max = 0;
        if (raw.max() == null) {
            problems.add(plan, at.child("max"), "required: the highest level to try");
            ok = false;
        } else {
            max = raw.max();
            if (!(max >= start) || Double.isInfinite(max)) {
                problems.add(plan, at.child("max"), "must be at least start (" + fmt(start) + "), got " + raw.max());
                ok = false;
            } else if (whole && max != Math.rint(max)) {
                problems.add(plan, at.child("max"), "must be a whole number for a concurrency sweep, got " + raw.max());
                ok = false;
            } else if (whole && max > MAX_CONCURRENCY) {
                problems.add(plan, at.child("max"), "must be at most " + MAX_CONCURRENCY + ", got " + raw.max());
                ok = false;
            }
        }
        if (ok && Math.log(max / start) / Math.log(factor) + 1 > MAX_SWEEP_LEVELS) {
            problems.add(plan, at.child("factor"), "makes more than " + MAX_SWEEP_LEVELS + " levels from " + fmt(start)
                    + " to " + fmt(max) + "; use a larger factor or a smaller range");
            ok = false;
        }
        Bound bound = bound(raw.requests(), raw.duration(), at);
        return ok ? new RawSweepParts(mode, start, factor, max, bound.requests(), bound.duration(), at) : null;
    }

    // ---------------------------------------------------------------- slo

    Slo slo(RawSlo raw) {
        if (raw == null) {
            return Slo.NONE;
        }
        FieldPath at = FieldPath.of("slo");
        Double ttft = positive(raw.ttftMs(), at.child("ttft_ms"), "milliseconds");
        Double tpot = positive(raw.tpotMs(), at.child("tpot_ms"), "milliseconds");
        Double e2e = positive(raw.e2eMs(), at.child("e2e_ms"), "milliseconds");
        Double maxErrorRate = raw.maxErrorRate();
        if (maxErrorRate != null && !(maxErrorRate >= 0 && maxErrorRate <= 1)) {
            problems.add(plan, at.child("max_error_rate"), "must be a share between 0 and 1 (0.05 = 5 %), got "
                    + maxErrorRate);
            maxErrorRate = null;
        }
        double percentile = Slo.DEFAULT_PERCENTILE;
        if (raw.percentile() != null) {
            if (!(raw.percentile() > 0 && raw.percentile() <= 100)) {
                problems.add(plan, at.child("percentile"), "must be above 0 and at most 100 (e.g. 95 for p95), got "
                        + raw.percentile());
            } else {
                percentile = raw.percentile();
            }
        }
        return new Slo(ttft, tpot, e2e, maxErrorRate, percentile);
    }

    private Double positive(Double value, FieldPath at, String unit) {
        if (value != null && (!(value > 0) || Double.isInfinite(value))) {
            problems.add(plan, at, "must be a positive number of " + unit + ", got " + value);
            return null;
        }
        return value;
    }

    // ---------------------------------------------------------------- retry

    RetrySettings retry(RawRetry raw) {
        if (raw == null) {
            return RetrySettings.NONE;
        }
        FieldPath at = FieldPath.of("retry");
        if (raw.http4xx() != null || plan.has(at.child("http_4xx"))) {
            problems.add(plan, at.child("http_4xx"), "HTTP 4xx answers other than 429 are never retried (the request"
                    + " itself is refused); remove this key");
        }
        Map<String, RawRetryRule> given = new LinkedHashMap<>();
        given.put(RetrySettings.DEFAULT, raw.defaults());
        given.put(RetrySettings.HTTP_429, raw.http429());
        given.put(RetrySettings.HTTP_5XX, raw.http5xx());
        given.put(RetrySettings.TIMEOUT, raw.timeout());
        given.put(RetrySettings.CONNECT_ERROR, raw.connectError());
        given.put(RetrySettings.TRUNCATED_STREAM, raw.truncatedStream());
        given.put(RetrySettings.INVALID_RESPONSE, raw.invalidResponse());
        Map<String, RetrySettings.Rule> rules = new LinkedHashMap<>();
        given.forEach((key, rule) -> {
            if (rule != null) {
                rules.put(key, rule(rule, at.child(key)));
            }
        });
        return new RetrySettings(rules);
    }

    private RetrySettings.Rule rule(RawRetryRule raw, FieldPath at) {
        Integer attempts = raw.attempts();
        if (attempts != null && (attempts < 1 || attempts > MAX_ATTEMPTS)) {
            problems.add(plan, at.child("attempts"), "must be between 1 (no retry) and " + MAX_ATTEMPTS
                    + " attempts in all, got " + attempts);
            attempts = null;
        }
        Duration backoff = raw.backoff() == null ? null : duration(raw.backoff(), at.child("backoff"), true);
        Duration maxBackoff = raw.maxBackoff() == null ? null : duration(raw.maxBackoff(), at.child("max_backoff"), true);
        if (backoff != null && maxBackoff != null && maxBackoff.compareTo(backoff) < 0) {
            problems.add(plan, at.child("max_backoff"), "must be at least backoff (" + raw.backoff().strip() + "), got '"
                    + raw.maxBackoff() + "'");
        }
        return new RetrySettings.Rule(attempts, backoff, maxBackoff);
    }

    // ---------------------------------------------------------------- shared

    private Duration duration(String text, FieldPath at, boolean allowZero) {
        try {
            return Durations.parse(text, allowZero);
        } catch (IllegalArgumentException e) {
            problems.add(plan, at, e.getMessage());
            return null;
        }
    }

    static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
