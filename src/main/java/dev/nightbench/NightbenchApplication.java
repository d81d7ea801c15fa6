package dev.nightbench;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

import java.time.Clock;

/**
 * Nightbench's Spring configuration root: component scan and auto-configuration for every feature package. It
 * holds no {@code main} and imports nothing of ours, so no package points back at the root; the command line
 * ({@code dev.nightbench.cli.Main}) starts this context when a command needs it.
 */
@SpringBootApplication
public class NightbenchApplication {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
