package dev.nightbench.cli;

import dev.nightbench.NightbenchApplication;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.dashboard.DashboardAddress;
import dev.nightbench.measure.Cell;
import dev.nightbench.measure.CellPlanner;
import dev.nightbench.plan.LoadedPlan;
import dev.nightbench.plan.PlanException;
import dev.nightbench.plan.PlanLoader;
import dev.nightbench.report.ReportService;
import dev.nightbench.report.RunComparer;
import dev.nightbench.run.GracefulStop;
import dev.nightbench.store.AnnotationStore;
import dev.nightbench.store.RunStore;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * The command line. Parses and checks everything it can before starting Spring or a database, so bad input
 * exits 2 having written nothing. Commands that need Spring ({@link Commands}) return an {@link Outcome}; this class
 * prints it and exits with its code.
 *
 * <p>Exit codes: 0 success; 1 the job failed or was stopped; 2 bad input or usage (including a run refused
 * because the same plan and date is running or done); 3 a regression was found with
 * {@code --fail-on-regression}; 4 the run completed but a model failed or was unavailable.
 */
public final class Cli {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Cli.class);

    public static final int OK = Outcome.Status.OK.exitCode();
    public static final int JOB_FAILED = Outcome.Status.JOB_FAILED.exitCode();
    public static final int BAD_INPUT = Outcome.Status.BAD_INPUT.exitCode();
    public static final int REGRESSION = Outcome.Status.REGRESSION.exitCode();
    public static final int MODEL_FAILED = Outcome.Status.MODEL_FAILED.exitCode();

    static final String USAGE = """
            Usage: nightbench COMMAND [OPTIONS]

            Commands:
              run       run a benchmark plan (default jobs/demo.yaml)
              restart   finish a failed, stopped or crashed run
              runs      list recent runs
              report    (re)write a run's report under reports/
              compare   compare two runs (ids or labels): Markdown, HTML or CSV, exit 3 on regression
              validate  check a plan file without running it
              db        start the embedded PostgreSQL and print how to connect ('db stop' stops it)
              serve     the dashboard on http://127.0.0.1:8090/, and plans on cron schedules
              doctor    check that a plan's endpoints, models, the database and reports/ are ready
              annotate  score answers by hand: export a run's answers to CSV, import the filled file
              prune     delete the history of old runs (--older-than 180d [--keep-summaries] [--dry-run])
              worker    run measure partitions sent by a manager run over RabbitMQ (NIGHTBENCH_RABBIT_URL)

            'nightbench --version' prints the version. Run 'nightbench COMMAND --help' for a command's options.
            Any command takes --verbose: the log on the console, stack traces included (they always go to the log
            file, NIGHTBENCH_LOG_DIR, default ~/.nightbench/logs).
            Exit codes: 0 ok, 1 job failed or stopped, 2 bad input or usage, 3 regression (--fail-on-regression),
                        4 completed but a model failed or was unavailable.
            Database: NIGHTBENCH_DB_URL (+ NIGHTBENCH_DB_USER, NIGHTBENCH_DB_PASSWORD) or SPRING_DATASOURCE_URL;
                      otherwise an embedded PostgreSQL in NIGHTBENCH_DB_DIR (default ~/.nightbench/pgdata),
                      port NIGHTBENCH_DB_PORT (default 54329).
            """;

    static final Map<String, String> COMMAND_USAGE = Map.ofEntries(
            Map.entry("run", RunOptions.USAGE),
            Map.entry("worker", WorkerCommand.USAGE),
            Map.entry("restart", """
                    Usage: nightbench restart [RUN_ID]
                      Finishes exactly the pairs not yet committed of a failed, stopped or crashed run
                      (default: the newest such run, even one killed before it was registered). A run left
                      STARTED by a killed process is recovered first. A run started with --workers N keeps it.
                    """),
            Map.entry("runs", """
                    Usage: nightbench runs [--limit N]
                      Lists the newest runs (default 20) with status and request counts.
                    """),
            Map.entry("report", """
                    Usage: nightbench report [RUN_ID] [--baseline RUN] [--format json]
                      Writes the run's report under reports/<run-date>_<run-id>/ (default: the newest run).
                      --baseline RUN  compare with (and store) run RUN as baseline (report.mode=PINNED)
                      --format json   print the run's results.json to stdout instead (README "results.json")
                    """),
            Map.entry("validate", """
                    Usage: nightbench validate --plan FILE
                      Checks the plan and prints what it would run; exit 2 with every problem found.
                    """),
            Map.entry("db", """
                    Usage: nightbench db [stop [--force]]
                      db        Starts (or attaches to) the embedded PostgreSQL, prints how to connect and keeps it up
                                until Ctrl-C (it stops then, unless another Nightbench process still uses it).
                      db stop   Stops it; refused (exit 1) while other Nightbench processes use it, unless --force.
                    """),
            Map.entry("serve", Commands.SERVE_USAGE),
            Map.entry("doctor", DoctorCommand.USAGE),
            Map.entry("annotate", AnnotateCommand.USAGE),
            Map.entry("compare", CompareCommand.USAGE), Map.entry("prune", PruneCommand.USAGE));
    private static final String[] NO_ARGS = {}; // no Spring command-line arguments: the settings as configured

    private final PrintStream out;
    private final PrintStream err;
    private final Function<String, String> env;

    public Cli(PrintStream out, PrintStream err, Function<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public int execute(String[] argv) {
        if (List.of(argv).contains("--verbose")) { // any command: the log on the console, stack traces included
            Logs.verbose(true);
            argv = java.util.Arrays.stream(argv).filter(a -> !"--verbose".equals(a)).toArray(String[]::new);
        }
        if (argv.length == 1 && List.of("--version", "-V").contains(argv[0])) {
            out.println("nightbench " + dev.nightbench.run.Version.current());
            return OK;
        }
        if (argv.length == 0 || List.of("--help", "-h", "help").contains(argv[0])) {
            (argv.length == 0 ? err : out).print(USAGE);
            return argv.length == 0 ? BAD_INPUT : OK;
        }
        String command = argv[0];
        List<String> rest = List.of(argv).subList(1, argv.length);
        String usage = COMMAND_USAGE.get(command);
        if (usage == null) {
            err.println("nightbench: unknown command '" + command + "'");
            err.print(USAGE);
            return BAD_INPUT;
        }
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(usage);
            return OK;
        }
        try {
            return switch (command) {
                case "run" -> run(Args.parse(command, rest, Set.of("plan", "label", "run-date", "baseline", "workers"),
                        Set.of("fail-on-regression", "fail-on-model-failure"), 0, usage));
                case "restart" -> {
                    Long id = Args.parse(command, rest, Set.of(), Set.of(), 1, usage).runId(usage);
                    yield withSpring(c -> c.restart(id, this::print));
                }
                case "runs" -> {
                    Args a = Args.parse(command, rest, Set.of("limit"), Set.of(), 0, usage);
                    int limit = positiveInt(a.option("limit"), 20, "--limit", usage);
                    yield query(QueryContext.Runs.class, NO_ARGS, ctx -> ReadCommands.runs(ctx.getBean(RunStore.class),
                            limit), c -> c.runs(limit));
                }
                case "report" -> {
                    Args a = Args.parse(command, rest, Set.of("baseline", "format"), Set.of(), 1, usage);
                    Long id = a.runId(usage), baseline = BaselineOption.parse(a, usage);
                    boolean json = ReadCommands.json(a.option("format"), usage);
                    yield query(QueryContext.Reports.class, BaselineOption.springArgs(baseline), ctx -> ReadCommands
                            .report(ctx.getBean(RunStore.class), ctx.getBean(ReportService.class), id, baseline, json),
                            c -> c.report(id, baseline, json));
                }
                case "compare" -> {
                    CompareCommand.Request request = CompareCommand.parse(rest);
                    yield query(QueryContext.Reports.class, NO_ARGS, ctx -> CompareCommand.run(request,
                            ctx.getBean(RunComparer.class)), c -> c.compare(request));
                }
                case "validate" -> validate(Args.parse(command, rest, Set.of("plan"), Set.of(), 0, usage), usage);
                case "db" -> new DbCommand(out, err, env).run(Args.parse(command, rest, Set.of(), Set.of("force"), 1, usage),
                        usage);
                case "doctor" -> new DoctorCommand(out, env).run(Path.of(Args.parse(command, rest, Set.of("plan"), Set.of(),
                        0, usage).options().getOrDefault("plan", "jobs/demo.yaml")));
                case "annotate" -> {
                    AnnotateCommand.Request request = AnnotateCommand.parse(Args.parse(command, rest,
                            Set.of("out", "rater"), Set.of(), 2, usage));
                    yield withSpring(Database.resolve(env), NO_ARGS, ctx -> AnnotateCommand.run(request,
                            ctx.getBean(AnnotationStore.class), ctx.getBean(NightbenchProperties.class).reportsDir()));
                }
                case "prune" -> {
                    PruneCommand.Request request = PruneCommand.parse(Args.parse(command, rest, Set.of("older-than",
                            "batch-size", "max-batches"), Set.of("keep-summaries", "dry-run"), 0, usage));
                    yield withSpring(Database.resolve(env), NO_ARGS, ctx -> PruneCommand.run(request,
                            ctx.getBean(dev.nightbench.store.Retention.class)));
                }
                case "worker" -> {
                    Args.parse(command, rest, Set.of(), Set.of(), 0, usage);
                    yield withSpring(Database.resolve(env), NO_ARGS, WorkerCommand::run);
                }
                case "serve" -> { // the one servlet application: its dashboard (DashboardServer)
                    Args.parse(command, rest, Set.of(), Set.of(), 0, usage);
                    yield withSpring(Database.resolve(env), new String[] {"--spring.main.web-application-type=servlet"},
                            ctx -> ctx.getBean(Commands.class).serve(this::print, DashboardAddress.line(ctx)));
                }
                default -> throw new IllegalStateException(command);
            };
        } catch (UsageException e) {
            err.println("nightbench " + command + ": " + e.getMessage());
            err.print(e.usage());
            return BAD_INPUT;
        } catch (PlanException e) {
            printPlanProblems(e);
            return BAD_INPUT;
        } catch (RuntimeException e) {
            return failed(command, e);
        }
    }

    /** One paragraph for what went wrong; the stack trace goes to the log file (and with --verbose, the console). */
    private int failed(String command, RuntimeException e) {
        log.error(Logs.FILE_ONLY, "nightbench {} failed", command, e);
        if (Commands.databaseFault(e)) {
            err.println("nightbench " + command + ": cannot use the database: " + Commands.rootMessage(e).replaceAll("\\.$", "") + ".\n"
                    + "Nothing already committed is lost. Check that the database is up and reachable (" + databaseWhere()
                    + "), then run the command again; an unfinished run is finished by 'nightbench restart'."
                    + Logs.details());
        } else {
            err.println("nightbench " + command + ": failed: " + Commands.rootMessage(e).replaceAll("\\.$", "") + "." + Logs.details());
        }
        if (Logs.verbose()) {
            e.printStackTrace(err);
        }
        return JOB_FAILED;
    }

    private int run(Args args) {
        Path plan = Path.of(args.options().getOrDefault("plan", "jobs/demo.yaml"));
        LocalDate runDate = null;
        if (args.option("run-date") != null) {
            try {
                runDate = LocalDate.parse(args.option("run-date"));
            } catch (DateTimeParseException e) {
                throw new UsageException("--run-date '" + args.option("run-date") + "' is not a date like 2026-11-22",
                        COMMAND_USAGE.get("run"));
            }
        }
        Integer workers = RunOptions.workers(args);
        LoadedPlan loaded = new PlanLoader().loadWithSnapshot(plan); // bad plan: exit 2 before any database work
        OpenAiModelClient.warmUpClassesInBackground(); // while Spring starts, not between the job's start and its first request
        LocalDate date = runDate;
        Long baseline = BaselineOption.parse(args, COMMAND_USAGE.get("run"));
        return withSpring(Database.resolve(env), BaselineOption.springArgs(baseline), ctx -> ctx.getBean(Commands.class)
                .run(loaded, date, args.option("label"), baseline, args.flag("fail-on-regression"),
                args.flag("fail-on-model-failure"), workers, this::print));
    }

    private int validate(Args args, String usage) {
        if (args.option("plan") == null) {
            throw new UsageException("--plan FILE is required", usage);
        }
        LoadedPlan loaded = new PlanLoader().loadWithSnapshot(Path.of(args.option("plan")));
        var plan = loaded.plan();
        out.printf("%s: valid plan '%s' (hash %s)%n", plan.source(), plan.name(), plan.hash().substring(0, 12));
        out.printf("  %d endpoint(s), %d model(s), %d prompt(s); warm-up %d, rounds %d, stream %s%n",
                plan.endpoints().size(), plan.models().size(), plan.prompts().size(), plan.run().warmup(),
                plan.run().rounds(), plan.run().stream());
        plan.models().forEach(m -> out.printf("  model %s -> %s on %s%n", m.alias(), m.model(), m.endpoint()));
        plan.workloads().sources().stream().filter(src -> src.sha256() != null).forEach(src -> out.printf(
                "  prompts from %s: %d prompt(s) of %d record(s) in %s (%s, sha256 %s)%s%n", src.name(), src.promptsDrawn(),
                src.recordsRead(), src.path(), src.kind(), src.sha256().substring(0, 12), src.loadOnly() ? ", load only" : ""));
        out.printf("  %d measured requests per run%n", plan.models().size() * plan.latencyPrompts().size() * plan.run().rounds());
        for (var source : plan.workloads().sources().stream().filter(s -> s.sha256() == null).toList()) {
            String counted = plan.prompts().stream().filter(p -> source.name().equals(p.origin().source()))
                    .map(p -> p.origin().lengthSource()).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            String tokenizer = dev.nightbench.plan.ModelTokenizers.tokenizer(source);
            out.printf("  %s source %s: %d prompt(s), seed %d%s%n", source.kind(), source.name(), source.promptsDrawn(),
                    source.seed(), counted == null ? "" : "; lengths " + counted + (counted.startsWith("estimate:")
                            && tokenizer != null && !tokenizer.equals("estimate")
                            ? " here (the run fits them with " + tokenizer + "'s tokenizer)" : ""));
        }
        long loadCells = CellPlanner.measureCells(plan).stream().filter(Cell::isLoad).count();
        if (loadCells > 0) {
            out.printf("  %d load cells (model x concurrency or rate level, sweep levels included)%n", loadCells);
        }
        return OK;
    }

    private static int positiveInt(String value, int dflt, String name, String usage) {
        if (value == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(name + " must be a positive whole number, not '" + value + "'", usage);
    }

    private void printPlanProblems(PlanException e) {
        err.println("nightbench: the plan is not valid:");
        e.problems().forEach(p -> err.println("  " + p));
    }

    /**
     * A command that only reads the history: answered from the small {@link QueryContext} when the schema is
     * current, else from the full context, which migrates first.
     */
    private int query(Class<?> context, String[] springArgs, Function<ConfigurableApplicationContext, Outcome> quick,
                      Function<Commands, Outcome> full) {
        Database db = Database.resolve(env);
        Thread hook = new Thread(db::close, "nightbench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return QueryContext.run(context, db, springArgs, quick).map(this::print).orElseGet(() -> withSpring(db,
                    springArgs, ctx -> full.apply(ctx.getBean(Commands.class))));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                db.close();
            } catch (IllegalStateException shuttingDown) {
                // the hook is closing it
            }
        }
    }

    private int withSpring(Function<Commands, Outcome> body) {
        return withSpring(Database.resolve(env), NO_ARGS, ctx -> body.apply(ctx.getBean(Commands.class)));
    }

    /**
     * Starts Spring on the configured (or embedded) database, runs {@code body}, prints its outcome and shuts down.
     * SIGTERM or Ctrl-C stops running jobs gracefully before the context and the embedded database are closed.
     */
    private int withSpring(Database db, String[] springArgs, Function<ConfigurableApplicationContext, Outcome> body) {
        ConfigurableApplicationContext[] context = new ConfigurableApplicationContext[1];
        int[] exitCode = {JOB_FAILED};
        CountDownLatch commandDone = new CountDownLatch(1);
        // SIGTERM or Ctrl-C: the job stops first, the command then reports how its run ended, and only then are
        // the context and the database closed; the process exits with the command's code (1 for a stopped run),
        // not the JVM's 143.
        Thread hook = new Thread(() -> {
            if (context[0] != null) {
                if (context[0].getBean(GracefulStop.class).stopAndWait(Duration.ofSeconds(60))) {
                    awaitQuietly(commandDone, Duration.ofSeconds(30));
                }
                context[0].close();
                awaitQuietly(commandDone, Duration.ofSeconds(5)); // serve returns once its context is closed
            }
            db.close();
            out.flush();
            err.flush();
            Runtime.getRuntime().halt(commandDone.getCount() == 0 ? exitCode[0] : JOB_FAILED);
        }, "nightbench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            SpringApplication app = new SpringApplicationBuilder(NightbenchApplication.class) // spring.main.* decides:
                    .web(WebApplicationType.NONE) // application.yaml says none, serve's --spring.main... servlet
                    .logStartupInfo(false)
                    .registerShutdownHook(false)
                    .properties(FlywayWhenNeeded.properties(db))
                    .build();
            context[0] = app.run(springArgs);
            exitCode[0] = print(body.apply(context[0])); // before the shutdown hook may halt
            return exitCode[0];
        } finally {
            commandDone.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                if (context[0] != null) {
                    context[0].close();
                }
                db.close();
            } catch (IllegalStateException shuttingDown) {
                // the hook is closing everything
            }
        }
    }

    /** Prints a command's lines, in order, each on its stream; returns its exit code. */
    private int print(Outcome outcome) {
        outcome.lines().forEach(this::print);
        return outcome.exitCode();
    }

    private void print(Outcome.Line line) {
        (line.toStderr() ? err : out).println(line.text());
    }

    /** Where the database is meant to be, without credentials. */
    private String databaseWhere() {
        String url = env.apply("NIGHTBENCH_DB_URL");
        if (url == null || url.isBlank()) {
            url = env.apply("SPRING_DATASOURCE_URL");
        }
        return url != null && !url.isBlank() ? url.replaceAll("//[^/@]*@", "//***@").replaceAll("\\?.*$", "")
                : "the embedded PostgreSQL, NIGHTBENCH_DB_DIR and NIGHTBENCH_DB_PORT";
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
