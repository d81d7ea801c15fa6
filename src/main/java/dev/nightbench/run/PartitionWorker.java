package dev.nightbench.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.BeanFactoryStepLocator;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.integration.amqp.dsl.Amqp;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.dsl.context.IntegrationFlowContext;

import java.util.concurrent.CountDownLatch;

/**
 * {@code nightbench worker}: consumes partition requests from the broker, one at a time, and runs each with Spring
 * Batch's {@link StepExecutionRequestHandler} (the worker step {@code measurePartition}, its state in the shared
 * job repository). A message is acknowledged once its partition has ended, so the broker redelivers the request of
 * a worker that died mid-partition; the worker that receives it finds the partition left STARTED and marks it
 * FAILED instead of running it twice at once, and the manager sees the run fail; {@code restart} runs it again from
 * its first uncommitted cell. While it runs a partition it holds its run's shared partition lock
 * ({@link RunLocks#holdPartition}): a {@code restart} of a run whose manager died refuses while a worker is still at
 * work on it, so no partition is ever sent to a second worker while the first one still runs it.
 */
public class PartitionWorker {

    private static final Logger log = LoggerFactory.getLogger(PartitionWorker.class);

    private final IntegrationFlowContext flows;
    private final ConnectionFactory connectionFactory;
    private final AmqpAdmin admin;
    private final Queue queue;
    private final JobRepository jobRepository;
    private final StepExecutionRequestHandler handler;
    private final GracefulStop gracefulStop;
    private final RunLocks locks;

    PartitionWorker(IntegrationFlowContext flows, ConnectionFactory connectionFactory, AmqpAdmin admin, Queue queue,
                    JobRepository jobRepository, BeanFactory beanFactory, GracefulStop gracefulStop, RunLocks locks) {
        this.locks = locks;
        this.flows = flows;
        this.connectionFactory = connectionFactory;
        this.admin = admin;
        this.queue = queue;
        this.jobRepository = jobRepository;
        this.gracefulStop = gracefulStop;
        BeanFactoryStepLocator steps = new BeanFactoryStepLocator();
        steps.setBeanFactory(beanFactory);
        this.handler = new StepExecutionRequestHandler();
        handler.setJobRepository(jobRepository);
        handler.setStepLocator(steps);
    }

    /** Consumes partitions until the process is told to stop (SIGTERM, Ctrl-C). */
    public void serveUntilStopped() throws InterruptedException {
        RabbitPartitions.checkBroker(connectionFactory, admin, queue);
        CountDownLatch stopped = new CountDownLatch(1);
        gracefulStop.onStop(stopped::countDown);
        var registration = flows.registration(IntegrationFlow
                .from(Amqp.inboundAdapter(connectionFactory, queue.getName())
                        .configureContainer(c -> c.prefetchCount(1).concurrentConsumers(1)
                                .defaultRequeueRejected(false)))
                .handle(message -> run(String.valueOf(message.getPayload())))
                .get()).id("nightbenchPartitionWorker").register();
        log.info("Worker {} consuming measure partitions from queue '{}' on {}:{}", WorkerHost.name(), queue.getName(),
                connectionFactory.getHost(), connectionFactory.getPort());
        try {
            stopped.await();
        } finally {
            registration.destroy();
        }
    }

    void run(String text) {
        StepExecutionRequest request = PartitionRequests.fromText(text);
        StepExecution found = jobRepository.getStepExecution(request.getStepExecutionId());
        if (found == null) {
            log.warn("Partition request {} names no step execution in this job repository; dropped", text);
            return;
        }
        // taken before the status is read: a restart that saw the lock free has recovered it (FAILED) by then
        try (RunLocks.Held lock = locks.holdPartition(found.getJobExecution().getJobInstance().getInstanceId())) {
            run(request, jobRepository.getStepExecution(request.getStepExecutionId()));
        }
    }

    private void run(StepExecutionRequest request, StepExecution s) {
        if (s.getStatus() == BatchStatus.STARTED || s.getStatus() == BatchStatus.STOPPING) {
            // redelivered: the worker that started it is gone (a live one holds the message unacknowledged)
            RabbitPartitions.markFailed(jobRepository, s, "its worker died mid-partition (the broker redelivered "
                    + "the request); 'nightbench restart' runs it again from its first uncommitted cell");
            return;
        }
        if (s.getStatus() != BatchStatus.STARTING) {
            log.info("Partition {} is already {}; request dropped", s.getStepName(), s.getStatus());
            return;
        }
        log.info("Running partition {} (step execution {}) of job execution {}", s.getStepName(), s.getId(),
                s.getJobExecutionId());
        StepExecution done = handler.handle(request);
        log.info("Partition {} ended {}", done.getStepName(), done.getStatus());
    }
}
