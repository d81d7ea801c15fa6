package dev.nightbench.run;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * Fault injection for the crash tests: started with {@code -Dnightbench.test.halt-at=POINT}, the process halts
 * with exit code 137 (no shutdown hook, no rollback, like {@code kill -9}) when it reaches POINT. Without the
 * property every point is a no-op. The points: {@code registerRun.before-insert} and
 * {@code registerRun.after-insert} (inside registration, before its transaction commits), and
 * {@code STEP.after} for every step (its work committed, the step not yet recorded as COMPLETED): this bean is
 * every step's listener.
 */
@Component
final class CrashPoints implements StepExecutionListener {

    static final String PROPERTY = "nightbench.test.halt-at";

    static void reached(String point) {
        if (point.equals(System.getProperty(PROPERTY))) {
            System.err.println("nightbench: halting at crash point " + point + " (" + PROPERTY + ")");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        reached(stepExecution.getStepName() + ".after");
        return null;
    }
}
