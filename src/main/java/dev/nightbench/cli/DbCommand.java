package dev.nightbench.cli;

import dev.nightbench.db.EmbeddedDatabase;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * {@code nightbench db}: starts (or attaches to) the embedded PostgreSQL, prints how to connect and keeps it up until
 * Ctrl-C; {@code db stop} stops it, refused while other Nightbench processes use it unless {@code --force}. Needs no
 * Spring context, and prints as it goes: {@code db} blocks until the process is stopped.
 */
final class DbCommand {

    private final PrintStream out;
    private final PrintStream err;
    private final Function<String, String> env;

    DbCommand(PrintStream out, PrintStream err, Function<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    int run(Args args, String usage) {
        if (!args.positional().isEmpty()) {
            if (!args.positional().getFirst().equals("stop")) {
                throw new UsageException("unknown action '" + args.positional().getFirst() + "' for 'db' (only 'stop')", usage);
            }
            return stop(args.flag("force"));
        }
        if (args.flag("force")) {
            throw new UsageException("--force goes with 'db stop'", usage);
        }
        Database db = Database.resolve(env);
        if (db.embedded() == null) {
            out.println("Nightbench is configured for an external database: " + db.url());
            return Cli.OK;
        }
        EmbeddedDatabase e = db.embedded();
        out.println("Embedded PostgreSQL " + (e.owner() ? "started" : "already running") + " in " + e.dataDirectory());
        out.println("  JDBC:  " + e.jdbcUrl() + "  (user " + EmbeddedDatabase.USER + ", no password)");
        out.println("  psql:  psql -h 127.0.0.1 -p " + e.port() + " -U " + EmbeddedDatabase.USER + " " + EmbeddedDatabase.DATABASE);
        out.println("Press Ctrl-C to leave it (it stops then, unless another Nightbench process uses it).");
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            e.close();
            done.countDown();
        }));
        try {
            done.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        return Cli.OK;
    }

    private int stop(boolean force) {
        if (Database.externalConfigured(env)) {
            out.println("Nightbench is configured for an external database: nothing to stop");
            return Cli.OK;
        }
        Path dir = Database.embeddedDataDirectory(env);
        EmbeddedDatabase.StopResult result = EmbeddedDatabase.stop(dir, force);
        if (!result.wasRunning()) {
            out.println("No embedded PostgreSQL is running in " + dir);
            return Cli.OK;
        }
        if (!result.clients().isEmpty() && !force) {
            err.println("nightbench db stop: the embedded PostgreSQL in " + dir + " is in use by "
                    + String.join(", ", result.clients()) + "; wait for them, or --force to cut them off");
            return Cli.JOB_FAILED;
        }
        if (!result.stopped()) {
            err.println("nightbench db stop: the embedded PostgreSQL in " + dir + " did not stop; see "
                    + EmbeddedDatabase.serverLog(dir));
            return Cli.JOB_FAILED;
        }
        out.println("Stopped the embedded PostgreSQL in " + dir
                + (result.clients().isEmpty() ? "" : " (cut off " + String.join(", ", result.clients()) + ")"));
        return Cli.OK;
    }
}
