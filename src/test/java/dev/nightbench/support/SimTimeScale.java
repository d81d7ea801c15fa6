package dev.nightbench.support;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the simulated models of a test at {@value #SCALE} times their documented delays (system property
 * {@value #PROPERTY}, read by each simulated model when it is created), for classes whose assertions do not depend on
 * the simulated latencies: same requests, answers, failures and order, only the waits are shorter.
 * Not for a test that compares two runs' latencies and expects no regression (exit 0 under
 * {@code --fail-on-regression}, a verdict "unchanged"): at a quarter of sim-fast's 8 ms per token, a millisecond of
 * scheduling noise on a busy machine is a 10 % move (ModelChoiceTest's second run then exits 3); nor for load sweeps,
 * whose levels depend on the latencies. Nor where a figure's formatting depends on its size (a cost below 0.01).
 * {@link SimLargeOnly} scales sim-large alone, which those comparisons tolerate.
 * Use with {@code @ExtendWith(SimTimeScale.class)} on a class or on one test method (each test, its
 * {@code @BeforeEach} included, runs with it); child JVMs get {@link #jvmOption()}.
 */
public class SimTimeScale implements BeforeEachCallback, AfterEachCallback {

    public static final String PROPERTY = "nightbench.sim.time-scale";
    public static final String SCALE = "0.25";

    private final String value;

    public SimTimeScale() {
        this(SCALE);
    }

    private SimTimeScale(String value) {
        this.value = value;
    }

    /**
     * sim-large alone at {@value #SCALE} (75 ms to first token, ~11 ms per token: no finer than sim-fast's own
     * 8 ms), for the tests that compare runs expecting no regression: the slowest model is most of their time.
     */
    public static final class SimLargeOnly extends SimTimeScale {
        public SimLargeOnly() {
            super("sim-large=" + SCALE);
        }
    }

    public static String jvmOption() {
        return "-D" + PROPERTY + "=" + SCALE;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        System.setProperty(PROPERTY, value);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.clearProperty(PROPERTY);
    }
}
