package dev.nightbench.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's simulated models at {@value #SCALE} times their documented delays (system property
 * {@value #PROPERTY}, read by each simulated model when it is created), for classes whose assertions do not depend on
 * the simulated latencies: same requests, answers, failures and order, only the waits are shorter.
 * Use with {@code @ExtendWith(SimTimeScale.class)}; child JVMs get {@link #jvmOption()}.
 */
public final class SimTimeScale implements BeforeAllCallback, AfterAllCallback {

    public static final String PROPERTY = "nightbench.sim.time-scale";
    public static final String SCALE = "0.25";

    public static String jvmOption() {
        return "-D" + PROPERTY + "=" + SCALE;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        System.setProperty(PROPERTY, SCALE);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.clearProperty(PROPERTY);
    }
}
