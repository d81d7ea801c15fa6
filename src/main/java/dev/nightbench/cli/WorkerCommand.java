package dev.nightbench.cli;

import dev.nightbench.run.PartitionWorker;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code nightbench worker}: a long-running process that runs measure partitions sent by a manager run over
 * RabbitMQ ({@link PartitionWorker}), until SIGTERM or Ctrl-C. Without a configured broker there is nothing to
 * consume: bad usage, exit 2.
 */
final class WorkerCommand {

    static final String USAGE = """
                    Usage: nightbench worker
                      Runs measure partitions of scaled runs (a plan's scale: section) sent over RabbitMQ
                      (NIGHTBENCH_RABBIT_URL or spring.rabbitmq.*), one at a time, until SIGTERM or Ctrl-C.
                      Needs the manager's database and every plan file at the same absolute path; each
                      partition checks the plan's hash. NIGHTBENCH_WORKER_HOST names it in requests.worker_host.
                    """;

    private WorkerCommand() {
    }

    static Outcome run(ConfigurableApplicationContext context) {
        PartitionWorker worker = context.getBeanProvider(PartitionWorker.class).getIfAvailable();
        if (worker == null) {
            return Outcome.of(Outcome.Status.BAD_INPUT, Outcome.Line.err("nightbench worker: no broker configured. Set "
                    + "NIGHTBENCH_RABBIT_URL (amqp://user:password@host:5672) or spring.rabbitmq.host; the manager "
                    + "('nightbench run' with a plan's scale: section) must use the same broker and database."));
        }
        try {
            worker.serveUntilStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Outcome.of(Outcome.Status.OK, Outcome.Line.out("nightbench worker: stopped"));
    }
}
