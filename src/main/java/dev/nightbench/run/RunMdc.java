package dev.nightbench.run;

import org.slf4j.MDC;

/**
 * The log context (MDC) of a run, printed on every line of the log file ({@code logback.xml}): the run id for
 * the whole job, and the model alias while a cell of that model is worked on. Set on the job's thread; the load
 * workers of {@code CellExecutor} copy it.
 */
final class RunMdc {

    static final String JOB_EXECUTION = "jobExecutionId";
    static final String RUN_ID = "runId";
    static final String MODEL = "model";

    private RunMdc() {
    }

    static void jobExecution(long jobExecutionId) {
        MDC.put(JOB_EXECUTION, String.valueOf(jobExecutionId));
    }

    static void run(long runId) {
        MDC.put(RUN_ID, String.valueOf(runId));
    }

    /** The model's alias in the log context until closed (try-with-resources, so it is cleared in any case). */
    static MDC.MDCCloseable model(String alias) {
        return MDC.putCloseable(MODEL, alias);
    }

    static void clear() {
        MDC.remove(JOB_EXECUTION);
        MDC.remove(RUN_ID);
        MDC.remove(MODEL);
    }
}
