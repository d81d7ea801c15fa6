package dev.nightbench.cli;

import java.util.List;

/**
 * The training run of the JDK's AOT cache ({@code src/main/launcher/nightbench-aot}, JDK 25+): every command once, in one JVM,
 * so the cache holds the classes each of them loads, already parsed and linked. The JDK records one process per
 * cache; a single {@code run} would leave out what only {@code runs}, {@code report} and {@code doctor} load.
 * Run it on a throwaway database ({@code NIGHTBENCH_DB_DIR}, {@code NIGHTBENCH_DB_PORT}) and reports directory.
 */
public final class AotTraining {

    private AotTraining() {
    }

    public static void main(String[] args) {
        String plan = args.length > 0 ? args[0] : "jobs/demo.yaml";
        Cli cli = new Cli(System.out, System.err, System::getenv);
        List<List<String>> commands = List.of(List.of("--help"), List.of("validate", "--plan", plan),
                List.of("run", "--plan", plan, "--label", "aot-training"), List.of("runs"), List.of("report"),
                List.of("doctor", "--plan", plan));
        for (List<String> command : commands) {
            int exit = cli.execute(command.toArray(String[]::new));
            System.err.println("AOT training: nightbench " + String.join(" ", command) + " exited " + exit);
        }
        System.exit(0);
    }
}
