package dev.nightbench.run;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.amqp.dsl.Amqp;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.dsl.context.IntegrationFlowContext;

import java.net.URI;

/**
 * Remote partitioning over RabbitMQ, present only when a broker is configured: {@code NIGHTBENCH_RABBIT_URL}
 * ({@code amqp://user:password@host:5672/vhost}) or Spring's own {@code spring.rabbitmq.*}. The manager sends one
 * message per partition to the queue {@code nightbench.scale.queue} ({@link ScaleProperties}) through
 * Spring Integration's AMQP outbound adapter and polls the shared job repository for the partitions' ends
 * ({@link RabbitPartitions}); {@code nightbench worker} consumes the queue ({@link PartitionWorker}). Without a
 * broker, partitions run on threads of the manager ({@link ScalePartitionHandler}).
 */
@Configuration(proxyBeanMethods = false)
@EnableIntegration // Boot 4 keeps Spring Integration's auto-configuration in a module Nightbench does not use
@ConditionalOnExpression("'${NIGHTBENCH_RABBIT_URL:}' != '' or '${spring.rabbitmq.addresses:}' != ''"
        + " or '${spring.rabbitmq.host:}' != ''")
class RemotePartitioningConfiguration {

    /** The broker from {@code NIGHTBENCH_RABBIT_URL}; without it, Spring Boot's from {@code spring.rabbitmq.*}. */
    @Bean
    @ConditionalOnExpression("'${NIGHTBENCH_RABBIT_URL:}' != ''")
    CachingConnectionFactory rabbitConnectionFactory(@Value("${NIGHTBENCH_RABBIT_URL}") String url) {
        CachingConnectionFactory factory = new CachingConnectionFactory(URI.create(url));
        factory.setConnectionTimeout(5000);
        return factory;
    }

    @Bean
    Queue partitionQueue(ScaleProperties scale) {
        return new Queue(scale.queue(), true);
    }

    @Bean
    DirectChannel partitionRequests() {
        return new DirectChannel();
    }

    /** Partition requests as text ("stepName|stepExecutionId"): no Java serialization on the wire. */
    @Bean
    IntegrationFlow partitionRequestsToBroker(DirectChannel partitionRequests, RabbitTemplate rabbitTemplate,
                                              Queue partitionQueue) {
        return IntegrationFlow.from(partitionRequests)
                .transform(PartitionRequests::toText)
                .handle(Amqp.outboundAdapter(rabbitTemplate).routingKey(partitionQueue.getName()))
                .get();
    }

    @Bean
    RabbitPartitions rabbitPartitions(DirectChannel partitionRequests, JobRepository jobRepository,
                                      ConnectionFactory connectionFactory, AmqpAdmin amqpAdmin, Queue partitionQueue,
                                      ScaleProperties scale) {
        return new RabbitPartitions(partitionRequests, jobRepository, connectionFactory, amqpAdmin, partitionQueue,
                scale.timeout());
    }

    @Bean
    PartitionWorker partitionWorker(IntegrationFlowContext flows, ConnectionFactory connectionFactory,
                                    AmqpAdmin amqpAdmin, Queue partitionQueue, JobRepository jobRepository,
                                    org.springframework.beans.factory.BeanFactory beanFactory, GracefulStop gracefulStop,
                                    RunLocks locks) {
        return new PartitionWorker(flows, connectionFactory, amqpAdmin, partitionQueue, jobRepository, beanFactory,
                gracefulStop, locks);
    }
}
