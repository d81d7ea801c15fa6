package dev.nightbench.run;

import org.springframework.batch.infrastructure.item.ExecutionContext;

import java.util.Optional;

/**
 * What a run keeps in its job execution context: the run id, put there by {@code registerRun} in the same
 * transaction as the runs row, and the hash of the plan it registered. Spring Batch copies the context into a
 * restart's execution, so every later step, every restart (and a step running in another JVM) reads them from
 * the job repository instead of from this process's memory.
 */
final class RunContext {

    static final String RUN_ID = "nightbench.run.id";
    static final String PLAN_HASH = "nightbench.plan.hash";
    /** The run's report directory, put there by the report step for the alerts after it. */
    static final String REPORT_DIR = "nightbench.report.dir";

    private RunContext() {
    }

    static Optional<Long> runId(ExecutionContext context) {
        return context.containsKey(RUN_ID) ? Optional.of(context.getLong(RUN_ID)) : Optional.empty();
    }

    static String reportDir(ExecutionContext context) {
        return context.containsKey(REPORT_DIR) ? context.getString(REPORT_DIR) : null;
    }

    static void registered(ExecutionContext context, long runId, String planHash) {
        context.putLong(RUN_ID, runId);
        context.putString(PLAN_HASH, planHash);
    }
}
