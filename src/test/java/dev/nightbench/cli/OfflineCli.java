package dev.nightbench.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Base of the tests of the command line's checks that run before any database is touched: the command line with its
 * output and error captured, and a database URL that cannot work, so a test fails if a command gets that far.
 */
abstract class OfflineCli {

    protected final ByteArrayOutputStream out = new ByteArrayOutputStream();
    protected final ByteArrayOutputStream err = new ByteArrayOutputStream();
    protected final Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("NIGHTBENCH_DB_URL", "jdbc:postgresql://127.0.0.1:1/none")::get);
}
