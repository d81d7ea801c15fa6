package dev.nightbench.run;

import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/**
 * The run's session as a {@code @JobScope} bean: one per job execution, built when the job first asks for it
 * (its listener does, before the first step) and closed ({@link RunSession#close()}) when the job scope ends.
 * Every step and listener gets a proxy that resolves to the session of the job execution it works for, so there
 * is no lookup by execution id and nothing static.
 */
@Configuration(proxyBeanMethods = false)
class RunSessionConfiguration {

    /** Reads the API keys from the environment: the only place that passes the environment to the clients. */
    @Bean
    ClientFactory clientFactory() {
        return new ClientFactory(System::getenv);
    }

    /**
     * The plan hash to check against: the one the run registered (job execution context) or, before
     * registration, the one it was launched with (job parameters). A run launched with {@code --workers N}
     * ({@link JobParams#WORKERS}) sees its plan with that many workers, partitioned by endpoint when the plan has
     * no {@code scale:}; a restart keeps its parameters, so it partitions its cells the same way.
     */
    @Bean
    @JobScope
    RunSession runSession(RunSessionFactory factory,
                          @Value("#{jobParameters['" + JobParams.PLAN_PATH + "']}") String planPath,
                          @Value("#{jobExecutionContext['" + RunContext.PLAN_HASH + "'] ?: jobParameters['"
                                  + JobParams.PLAN_HASH + "']}") String planHash,
                          @Value("#{jobExecution.executionContext}") ExecutionContext jobContext,
                          @Value("#{jobParameters['" + JobParams.WORKERS + "']}") Long workers) {
        return factory.open(Path.of(planPath), planHash, jobContext, workers == null ? null : workers.intValue());
    }
}
