package dev.nightbench.run;

import dev.nightbench.store.TelemetryStore;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** The server telemetry listener of the cell steps, a fresh one per step execution ({@link TelemetryListener}). */
@Configuration(proxyBeanMethods = false)
class TelemetryConfiguration {

    @Bean
    @StepScope
    TelemetryListener telemetryListener(RunSession session, TelemetryStore store, Clock clock) {
        return new TelemetryListener(session, store, clock, System.getenv("PATH"));
    }
}
