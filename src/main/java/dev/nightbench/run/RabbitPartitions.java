package dev.nightbench.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.MessageChannelPartitionHandler;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.core.MessagingTemplate;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.concurrent.TimeoutException;

/**
 * The manager's side of remote partitioning: Spring Batch's {@link MessageChannelPartitionHandler} sends one request
 * per unfinished partition to the broker and polls the shared job repository until every partition has ended, at
 * most {@code nightbench.scale.timeout}. The broker is checked first, so an outage is one clear error before any
 * partition is sent; partitions still running when the wait times out are marked FAILED, so {@code restart} can
 * send them again.
 */
final class RabbitPartitions implements RemotePartitions {

    private static final Logger log = LoggerFactory.getLogger(RabbitPartitions.class);

    private final DirectChannel requests;
    private final JobRepository jobRepository;
    private final ConnectionFactory connectionFactory;
    private final AmqpAdmin admin;
    private final Queue queue;
    private final Duration timeout;

    RabbitPartitions(DirectChannel requests, JobRepository jobRepository, ConnectionFactory connectionFactory,
                     AmqpAdmin admin, Queue queue, Duration timeout) {
        this.requests = requests;
        this.jobRepository = jobRepository;
        this.connectionFactory = connectionFactory;
        this.admin = admin;
        this.queue = queue;
        this.timeout = timeout;
    }

    @Override
    public Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution manager, int workers)
            throws Exception {
        checkBroker(connectionFactory, admin, queue);
        MessageChannelPartitionHandler handler = new MessageChannelPartitionHandler();
        handler.setStepName(ScaleConfiguration.WORKER_STEP);
        handler.setGridSize(workers);
        handler.setJobRepository(jobRepository); // poll the repository for the partitions' ends: no reply queue
        handler.setPollInterval(500);
        handler.setTimeout(timeout.toMillis());
        MessagingTemplate template = new MessagingTemplate();
        template.setDefaultChannel(requests);
        handler.setMessagingOperations(template);
        handler.afterPropertiesSet();
        try {
            return handler.handle(splitter, manager);
        } catch (TimeoutException e) {
            int marked = failRunning(manager);
            throw new IllegalStateException("The measure partitions did not all end within nightbench.scale.timeout ("
                    + timeout + "); " + marked + " still running marked FAILED. Check that 'nightbench worker' "
                    + "processes are up on queue '" + queue.getName() + "', then 'nightbench restart' sends the "
                    + "unfinished partitions again.", e);
        }
    }

    /** Fails fast with where the broker was expected, never with its credentials. */
    static void checkBroker(ConnectionFactory connectionFactory, AmqpAdmin admin, Queue queue) {
        try {
            connectionFactory.createConnection().close();
            admin.declareQueue(queue);
        } catch (AmqpException e) {
            throw new IllegalStateException("Cannot reach the RabbitMQ broker at " + connectionFactory.getHost() + ":"
                    + connectionFactory.getPort() + " (NIGHTBENCH_RABBIT_URL or spring.rabbitmq.*): "
                    + RemoteMessages.root(e) + ". Start the broker (README: \"Scaling out\"), or unset "
                    + "NIGHTBENCH_RABBIT_URL to run the partitions in this process.", e);
        }
    }

    private int failRunning(StepExecution manager) {
        int marked = 0;
        var jobExecution = jobRepository.getJobExecution(manager.getJobExecutionId());
        for (StepExecution s : jobExecution.getStepExecutions()) {
            if (s.getStepName().startsWith(ScaleConfiguration.WORKER_STEP + ":") && s.getStatus().isRunning()) {
                markFailed(jobRepository, s, "no end reported within " + timeout + " (its worker may have died)");
                marked++;
            }
        }
        return marked;
    }

    static void markFailed(JobRepository repository, StepExecution s, String why) {
        log.warn("Partition {} (step execution {}) marked FAILED: {}", s.getStepName(), s.getId(), why);
        s.setStatus(BatchStatus.FAILED);
        s.setExitStatus(ExitStatus.FAILED.addExitDescription(why));
        s.setEndTime(LocalDateTime.now());
        repository.update(s);
    }
}
