package dev.nightbench.measure;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The client's own ceiling: how many requests per second this JVM on this host can drive at a concurrency when the
 * server costs nothing. Measured by a short closed loop ({@value #WARM_UP_MS} ms to warm up, then
 * {@value #MEASURE_MS} ms counted) through the real client against the built-in simulated endpoint answering at
 * once ({@code SimulatedModels.instant()}, {@value #MAX_TOKENS} tokens per answer, in this JVM), and cached per
 * host, JVM, Nightbench version and processor count (table {@code client_calibrations}), so each concurrency costs
 * about a second and a half once; a ceiling older than {@link #MAX_AGE} is measured again, and one that a level
 * exceeded is raised to that level's throughput ({@link #observed}).
 *
 * <p>The ceiling is measured with the simulated server in the same process, so it is a lower bound of what the
 * client alone can do; and on a busy host it is lower than on a quiet one. {@link ClientLimitRules} treats a level
 * at {@value ClientLimitRules#CEILING_SHARE} of it as client-limited. Answers longer than the calibration's cost the
 * client more per request, so for them the rule errs towards not marking.
 */
public final class ClientCalibration implements ClientCeilings {

    static final long WARM_UP_MS = 500;
    static final long MEASURE_MS = 1_000;
    static final int MAX_TOKENS = 32;
    public static final Duration MAX_AGE = Duration.ofDays(7);

    private static final Logger log = LoggerFactory.getLogger(ClientCalibration.class);

    /** Where a ceiling holds: a different host, JVM, version or processor count measures again. */
    public record Key(String host, String jvm, String version, int cpus) {

        /** This host and JVM, for Nightbench {@code version}. */
        public static Key current(String version) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "unknown";
            }
            return new Key(host, System.getProperty("java.vm.name", "java") + " " + Runtime.version(), version,
                    Runtime.getRuntime().availableProcessors());
        }
    }

    /** One measured ceiling. */
    public record Ceiling(int concurrency, double requestsPerSecond, double inFlightMean, int requests,
                         Instant measuredAt) {
    }

    /** Where ceilings are kept between runs. */
    public interface Cache {
        Optional<Ceiling> find(Key key, int concurrency);

        void save(Key key, Ceiling ceiling);
    }

    /** A client of an endpoint that answers at once, with the model name to ask for; closed after measuring. */
    public interface Target extends AutoCloseable {
        ModelClient client();

        String model();

        @Override
        void close();
    }

    private final Key key;
    private final Cache cache;
    private final Supplier<Target> targets;
    private final Clock clock;

    public ClientCalibration(Key key, Cache cache, Supplier<Target> targets, Clock clock) {
        this.key = key;
        this.cache = cache;
        this.targets = targets;
        this.clock = clock;
    }

    @Override
    public synchronized Optional<Double> at(int concurrency) {
        try {
            Optional<Ceiling> cached = cache.find(key, concurrency)
                    .filter(c -> c.measuredAt().plus(MAX_AGE).isAfter(clock.instant()));
            if (cached.isPresent()) {
                return Optional.of(cached.get().requestsPerSecond());
            }
            Ceiling c = measure(concurrency);
            cache.save(key, c);
            log.info("Client ceiling at concurrency {}: {} req/s against the zero-delay endpoint ({} requests, {} on "
                            + "the wire on average; cached for {} on {})", concurrency,
                    Math.round(c.requestsPerSecond()), c.requests(), String.format("%.1f", c.inFlightMean()),
                    key.host(), key.version());
            return Optional.of(c.requestsPerSecond());
        } catch (RuntimeException e) {
            log.warn("Could not measure the client's ceiling at concurrency {}: {}", concurrency, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public synchronized void observed(int concurrency, double requestsPerSecond) {
        try {
            cache.find(key, concurrency).filter(c -> requestsPerSecond > c.requestsPerSecond()).ifPresent(c -> {
                cache.save(key, new Ceiling(concurrency, requestsPerSecond, c.inFlightMean(), c.requests(),
                        c.measuredAt()));
                log.info("Client ceiling at concurrency {} raised from {} to {} req/s: a level drove more than the "
                        + "calibration measured", concurrency, Math.round(c.requestsPerSecond()),
                        Math.round(requestsPerSecond));
            });
        } catch (RuntimeException e) {
            log.warn("Could not update the client's ceiling at concurrency {}: {}", concurrency, e.toString());
        }
    }

    private Ceiling measure(int concurrency) {
        try (Target target = targets.get()) {
            ChatRequest request = new ChatRequest(target.model(),
                    List.of(new ChatMessage("user", "Calibrate the client.")), MAX_TOKENS, null, null, true, Map.of());
            long start = System.nanoTime();
            long from = start + WARM_UP_MS * 1_000_000;
            long to = from + MEASURE_MS * 1_000_000;
            AtomicInteger counted = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicLong onWire = new AtomicLong();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(Thread.ofPlatform().name("nightbench-calibration-", w).daemon(true).start(() -> {
                    while (System.nanoTime() < to) {
                        RequestMeter meter = new RequestMeter(true);
                        try {
                            target.client().chat(request, meter);
                        } catch (ModelClientException e) {
                            failed.incrementAndGet();
                        }
                        long sent = meter.sentNanos();
                        long closed = meter.closedNanos();
                        if (sent != Long.MIN_VALUE && closed != Long.MIN_VALUE) {
                            onWire.addAndGet(Math.max(0, Math.min(closed, to) - Math.max(sent, from)));
                            if (closed >= from && closed <= to) {
                                counted.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            for (Thread t : workers) {
                t.join();
            }
            if (failed.get() > counted.get()) {
                throw new IllegalStateException(failed.get() + " of the calibration's requests failed");
            }
            double seconds = MEASURE_MS / 1000.0;
            return new Ceiling(concurrency, counted.get() / seconds, onWire.get() / (MEASURE_MS * 1e6),
                    counted.get(), clock.instant());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
