package dev.nightbench.support;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs Nightbench's real main in a separate JVM, so a test can kill it with SIGKILL like a crash would. */
public final class ChildJvm {

    private ChildJvm() {
    }

    public static Process start(Path workDir, Path log, Map<String, String> env, String... args) throws IOException {
        return start(workDir, log, env, List.of(), args);
    }

    /** With JVM options such as {@code -Dnightbench.test.halt-at=measure.after}. */
    public static Process start(Path workDir, Path log, Map<String, String> env, List<String> jvmOptions, String... args)
            throws IOException {
        return start(workDir, log, env, jvmOptions, List.of(), args);
    }

    /** With {@code jars} appended to the class path, as a user adds a model provider's jar to an installation. */
    public static Process start(List<Path> jars, Path workDir, Path log, Map<String, String> env, String... args)
            throws IOException {
        return start(workDir, log, env, List.of(), jars, args);
    }

    private static Process start(Path workDir, Path log, Map<String, String> env, List<String> jvmOptions,
                                 List<Path> jars, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        StringBuilder classPath = new StringBuilder(System.getProperty("java.class.path"));
        jars.forEach(jar -> classPath.append(File.pathSeparator).append(jar.toAbsolutePath()));
        // C1 only and the serial collector: a child lives seconds, so compiling with C2 and G1's threads only compete
        // with it for the CPU; what it does (and how it dies) is the same
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPath.toString(), "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.add("dev.nightbench.cli.Main");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("NIGHTBENCH_LOG_DIR", workDir.resolve("logs").toString()); // the child's log file
        pb.environment().putAll(env);
        return pb.start();
    }

    public static String classPathSeparator() {
        return File.pathSeparator;
    }

    /** The child's log so far, for assertions and failure messages ("" before it exists, the error when unreadable). */
    public static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** A count from the child's database, 0 while the child has not migrated it yet. */
    public static long countOrZero(JdbcClient jdbc, String sql) {
        try {
            return jdbc.sql(sql).query(Long.class).single();
        } catch (Exception notYetMigrated) {
            return 0;
        }
    }

    /**
     * Waits (at most 4 minutes) until {@code ready} holds, asserts the child is still running, and kills it with
     * SIGKILL: no shutdown hook, no rollback, its job is left STARTED, as a crash leaves it.
     */
    public static void killWhen(Process child, Path log, BooleanSupplier ready)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline && child.isAlive() && !ready.getAsBoolean()) {
            Thread.sleep(50);
        }
        assertThat(child.isAlive())
                .as("the child is still going when killed; log:%n%s", readLog(log)).isTrue();
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
    }
}
