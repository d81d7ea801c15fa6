package dev.nightbench.run;

import dev.nightbench.client.ModelProvider;
import dev.nightbench.client.ModelProviders;
import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.beans.factory.ObjectProvider;
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

    /**
     * The model providers an endpoint's {@code type:} may name: the {@link java.util.ServiceLoader} services on the
     * classpath and every {@link ModelProvider} bean of the context (a bean replaces a service of its class). Plans read
     * in this context ({@link RunSessionFactory}, {@link Scheduler}) and the clients ({@link ClientFactory}) use it.
     */
    @Bean
    ModelProviders modelProviders(ObjectProvider<ModelProvider> beans) {
        return ModelProviders.of(beans.orderedStream().toList());
    }

    /** Reads the API keys from the environment: the only place that passes the environment to the clients. */
    @Bean
    ClientFactory clientFactory(ModelProviders providers) {
        return new ClientFactory(System::getenv, providers);
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
