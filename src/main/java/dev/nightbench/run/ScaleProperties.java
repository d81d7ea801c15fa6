package dev.nightbench.run;

import java.time.Duration;

/**
 * How a manager and its workers meet, from {@code nightbench.scale.*} (e.g. {@code NIGHTBENCH_SCALE_QUEUE},
 * {@code NIGHTBENCH_SCALE_TIMEOUT}); the broker itself is {@code NIGHTBENCH_RABBIT_URL} or {@code spring.rabbitmq.*}.
 * Bound as the {@code scale} branch of the application's one settings tree.
 *
 * @param queue   the RabbitMQ queue of partition requests (default {@value #DEFAULT_QUEUE})
 * @param timeout how long a manager waits for its partitions to end (default 12 hours)
 */
public record ScaleProperties(String queue, Duration timeout) {

    public static final String DEFAULT_QUEUE = "nightbench.partitions";

    public ScaleProperties {
        queue = queue == null || queue.isBlank() ? DEFAULT_QUEUE : queue.strip();
        timeout = timeout == null ? Duration.ofHours(12) : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("nightbench.scale.timeout (NIGHTBENCH_SCALE_TIMEOUT) must be positive, got "
                    + timeout);
        }
    }
}
