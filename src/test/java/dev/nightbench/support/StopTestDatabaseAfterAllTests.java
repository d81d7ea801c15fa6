package dev.nightbench.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Stops the tests' embedded PostgreSQL when the test run ends, while the JVM is still running normally, so
 * that nothing slow is left to a shutdown hook after Surefire calls {@code System.exit}. Registered in
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class StopTestDatabaseAfterAllTests implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        try {
            long start = System.nanoTime();
            if (TestDatabase.stop()) {
                System.err.printf("Stopped the tests' embedded PostgreSQL in %d ms%n", (System.nanoTime() - start) / 1_000_000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the tests' embedded PostgreSQL", e);
        }
    }
}
