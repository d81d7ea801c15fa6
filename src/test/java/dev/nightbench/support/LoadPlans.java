package dev.nightbench.support;

/**
 * A small load plan on the simulated endpoint, shared by the job test and the report test of a load run:
 * sim-fast at two concurrency levels and a Poisson rate, sim-flaky in a concurrency sweep. sim-flaky fails about one
 * request in four, seeded by request number, so with retries off its sweep breaks the 5 % error-rate limit at its
 * first level every run.
 */
public final class LoadPlans {

    private LoadPlans() {
    }

    /** The plan's YAML with this plan name. */
    public static String smallLoadPlan(String name) {
        return SMALL_LOAD_PLAN.formatted(name);
    }

    private static final String SMALL_LOAD_PLAN = """
            name: %s
            endpoints: [{name: sim, type: simulated}]
            models:
              - {alias: sim-fast}
              - alias: sim-flaky
                load: {concurrency: [], rates: [], sweep: {mode: concurrency, start: 1, max: 4, requests: 16}}
            prompts:
              - {id: capital, text: "What is the capital of France?"}
              - {id: haiku, text: "Write a haiku about the night."}
            run: {warmup: 1, rounds: 2, max_tokens: 8, fail_after: 50}
            load: {concurrency: [1, 4], rates: [20], requests: 12}
            slo: {e2e_ms: 60000, max_error_rate: 0.05}
            retry: {default: {attempts: 1}}
            """;
}
