package dev.nightbench.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Nightbench's one version, the same from the jar, under {@code ./mvnw} and in the tests: the Maven project version
 * (filtered into {@code nightbench-version.properties} at build time), with the git commit when it is known, e.g.
 * {@code 0.1.0-SNAPSHOT+3f9a1c2e4b7d}. The commit is the one the build was given ({@code -Dnightbench.commit}, as
 * {@code .ci/run} passes it), else, for classes run from a checkout's {@code target/classes} ({@code ./mvnw}), its
 * HEAD as git reports it. Stored with every run ({@code runs.nightbench_version}) and printed by
 * {@code nightbench --version}.
 */
public final class Version {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}");
    private static final String CURRENT = read();

    private Version() {
    }

    public static String current() {
        return CURRENT;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/nightbench-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no file: "unknown" below says so
        }
        String version = p.getProperty("version", "");
        if (version.isBlank() || version.startsWith("@")) { // classes built without Maven's resource filtering
            version = "unknown";
        }
        String commit = p.getProperty("commit", "").strip();
        if (!COMMIT.matcher(commit).matches()) {
            commit = checkoutCommit();
        }
        return commit == null ? version : version + "+" + commit;
    }

    /** HEAD of the checkout whose {@code target/classes} these classes are, or null (a jar, no git, not a checkout). */
    private static String checkoutCommit() {
        try {
            Path classes = Path.of(Version.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path project = classes.getParent() == null ? null : classes.getParent().getParent();
            if (!Files.isDirectory(classes) || project == null || Files.notExists(project.resolve(".git"))) {
                return null;
            }
            Process git = new ProcessBuilder("git", "-C", project.toString(), "rev-parse", "--short=12", "HEAD")
                    .redirectErrorStream(true).start();
            git.getOutputStream().close();
            if (!git.waitFor(5, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return null;
            }
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.exitValue() == 0 && COMMIT.matcher(out).matches() ? out : null;
        } catch (Exception e) {
            return null; // the version without a commit is still the version
        }
    }
}
