package dev.nightbench.cli;

/**
 * The process entry point ({@code java -jar target/nightbench.jar}, the launcher scripts, the jar's
 * {@code Start-Class}): hands the command line to {@link Cli} and exits with its code, so the exit code drives
 * cron, CI and schedulers. It lives in {@code cli}, the top package, so the Spring root
 * ({@code NightbenchApplication}) depends on nothing of ours.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new Cli(System.out, System.err, System::getenv).execute(args));
    }
}
