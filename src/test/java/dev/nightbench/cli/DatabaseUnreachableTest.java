package dev.nightbench.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database that cannot be reached is one paragraph on the console (what, that nothing committed is lost,
 * what to do, where the details are); its stack trace goes to the log file, and to the console only with
 * {@code --verbose}.
 */
class DatabaseUnreachableTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void quiet() {
        Logs.verbose(false);
    }

    @Test
    void anUnreachableDatabaseIsOneParagraphWithoutAStackTrace() throws Exception {
        int exit = cli(closedPort()).execute(new String[]{"runs"});

        assertThat(exit).isEqualTo(Cli.JOB_FAILED);
        assertThat(err.toString()).contains("nightbench runs: cannot use the database")
                .contains("Nothing already committed is lost").contains("'nightbench restart'")
                .contains("Details: ").contains("--verbose")
                .doesNotContain("\tat ");
        assertThat(err.toString().lines().count()).isLessThanOrEqualTo(2);
    }

    @Test
    void verbosePrintsTheStackTraceToo() throws Exception {
        int exit = cli(closedPort()).execute(new String[]{"runs", "--verbose"});

        assertThat(exit).isEqualTo(Cli.JOB_FAILED);
        assertThat(err.toString()).contains("cannot use the database").contains("\tat ");
    }

    private Cli cli(int port) {
        return new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("NIGHTBENCH_DB_URL", "jdbc:postgresql://127.0.0.1:" + port + "/none",
                        "NIGHTBENCH_DB_USER", "postgres")::get);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
