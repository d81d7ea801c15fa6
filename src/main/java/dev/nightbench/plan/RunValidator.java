package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawRun;
import dev.nightbench.plan.RawPlan.RawTimeouts;

import java.time.Duration;

/**
 * Checks the plan's {@code run:} section (warm-up, rounds, max_tokens, fail_after, temperature, seed, stream, the
 * timeouts, the connection policy and the answer bound) and fills in the defaults of {@link RunParams#defaults()} for what it leaves
 * out. Also checks an endpoint's own connection policy, which overrides the run's.
 */
final class RunValidator {

    private final Source plan;
    private final Problems problems;

    RunValidator(Source plan, Problems problems) {
        this.plan = plan;
        this.problems = problems;
    }

    RunParams run(RawRun raw) {
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
        RunParams.Timeouts t = timeouts(raw.timeouts(), d.timeouts(), at.child("timeouts"));
        ConnectionPolicy connection = raw.connection() == null ? d.connection()
                : connection(raw.connection(), at.child("connection"), d.connection());
        int answerMaxBytes = answerMaxBytes(raw.answerMaxBytes(), d.answerMaxBytes(), at.child("answer_max_bytes"));
        return new RunParams(warmup, rounds, maxTokens, temperature, seed, stream, t, failAfter, connection,
                answerMaxBytes);
    }

    /** A {@code timeouts:} section over {@code fallback}: each duration given replaces the fallback's. */
    RunParams.Timeouts timeouts(RawTimeouts rt, RunParams.Timeouts fallback, FieldPath tp) {
        if (rt == null) {
            return fallback;
        }
        return new RunParams.Timeouts(duration(rt.connect(), fallback.connect(), tp.child("connect")),
                duration(rt.firstToken(), fallback.firstToken(), tp.child("first_token")),
                duration(rt.idle(), fallback.idle(), tp.child("idle")),
                duration(rt.total(), fallback.total(), tp.child("total")));
    }

    private int answerMaxBytes(String text, int fallback, FieldPath at) {
        if (text == null) {
            return fallback;
        }
        try {
            return (int) Sizes.parse(text, RunParams.MIN_ANSWER_MAX_BYTES, RunParams.MAX_ANSWER_MAX_BYTES,
                    "every answer's first 2,000 characters (up to 6,000 bytes) are kept whole for requests.response_prefix");
        } catch (IllegalArgumentException e) {
            problems.add(plan, at, e.getMessage());
            return fallback;
        }
    }

    ConnectionPolicy connection(String text, FieldPath at, ConnectionPolicy fallback) {
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
}
