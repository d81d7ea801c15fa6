package dev.nightbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's checks that run before any database is touched. */
class CliTest extends OfflineCli {

    @Test
    void noCommandPrintsUsageAndExits2() {
        assertThat(cli.execute(new String[0])).isEqualTo(2);
        assertThat(err.toString()).contains("Usage: nightbench COMMAND");
    }

    @Test
    void versionPrintsTheMavenProjectVersionWithTheCheckoutsCommitAndExits0() throws Exception {
        // the pom's own version, not a copy of it
        String pom = Files.readString(Path.of("pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("<artifactId>nightbench</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).isTrue();
        Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String commit = git.waitFor() == 0 ? "+" + head : ""; // tests run from target/classes of this checkout

        assertThat(cli.execute(new String[]{"--version"})).isZero();
        assertThat(out.toString()).isEqualTo("nightbench " + m.group(1) + commit + System.lineSeparator());
        assertThat(dev.nightbench.run.Version.current()).isEqualTo(m.group(1) + commit);
    }

    @Test
    void anUnknownCommandExits2() {
        assertThat(cli.execute(new String[]{"bench"})).isEqualTo(2);
        assertThat(err.toString()).contains("unknown command 'bench'");
    }

    @Test
    void anUnknownOptionExits2WithTheCommandsUsage() {
        assertThat(cli.execute(new String[]{"run", "--plna", "x.yaml"})).isEqualTo(2);
        assertThat(err.toString()).contains("unknown option '--plna'").contains("Usage: nightbench run");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : Cli.COMMAND_USAGE.keySet()) {
            out.reset();
            assertThat(cli.execute(new String[]{command, "--help"})).isEqualTo(0);
            assertThat(out.toString()).startsWith("Usage: nightbench " + command);
        }
    }

    @Test
    void aBadRunDateExits2() {
        assertThat(cli.execute(new String[]{"run", "--run-date", "22/11/2026"})).isEqualTo(2);
        assertThat(err.toString()).contains("--run-date '22/11/2026' is not a date");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "257", "-1", "two", "1.5", ""})
    void aBadWorkerCountExits2NamingTheOptionBeforeAnyDatabaseWork(String workers) {
        assertThat(cli.execute(new String[]{"run", "--workers", workers})).isEqualTo(2);
        assertThat(err.toString()).contains("--workers '" + workers + "' is not a whole number from 1 to 256")
                .contains("Usage: nightbench run");
    }

    @Test
    void runHelpDocumentsWorkers() {
        assertThat(cli.execute(new String[]{"run", "--help"})).isEqualTo(0);
        assertThat(out.toString()).contains("--workers N").contains("1 to 256").contains("scale.workers");
    }

    @Test
    void aMissingPlanExits2NamingTheFileBeforeAnyDatabaseWork(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertThat(cli.execute(new String[]{"run", "--plan", missing.toString()})).isEqualTo(2);
        assertThat(err.toString()).contains("nope.yaml");
    }

    @Test
    void validateReportsAValidPlan(@TempDir Path dir) throws Exception {
        Path plan = dir.resolve("p.yaml");
        Files.writeString(plan, """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: hi, text: "Hello"}]
                run: {rounds: 2}
                """);
        assertThat(cli.execute(new String[]{"validate", "--plan", plan.toString()})).isEqualTo(0);
        assertThat(out.toString()).contains("valid plan 'p'").contains("2 measured requests per run");
    }

    @Test
    void validateWithoutAPlanIsAUsageError() {
        assertThat(cli.execute(new String[]{"validate"})).isEqualTo(2);
        assertThat(err.toString()).contains("--plan FILE is required");
    }

    @Test
    void aNonNumericRunIdIsAUsageError() {
        assertThat(cli.execute(new String[]{"report", "latest"})).isEqualTo(2);
        assertThat(err.toString()).contains("RUN_ID must be a number");
    }
}
