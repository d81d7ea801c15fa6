package dev.nightbench;

import dev.nightbench.cli.Cli;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

import java.time.Clock;

/** Nightbench: nightly LLM benchmarks. {@code main} hands the command line to {@link Cli}. */
@SpringBootApplication
public class NightbenchApplication {

    public static void main(String[] args) {
        System.exit(new Cli(System.out, System.err, System::getenv).execute(args));
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
