package dev.nightbench.telemetry;

import dev.nightbench.plan.Endpoint;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Polls the model servers' own telemetry while a step runs cells, on one daemon thread of its own: a sample when a
 * model's cell starts, when it ends, and every {@code interval} in between, of the running model's endpoint only (and
 * {@code nvidia-smi} for endpoints on this machine). Cell start and end only queue a sample, so nothing here is ever
 * on a request's path; a sample already queued for the model is not queued twice, and a cell boundary sample closer
 * than {@link #MIN_GAP} to the previous one of the same model is dropped, so short cells do not turn sampling into load.
 *
 * <p>What the endpoint is, is found out at its first sample ({@link ServerDetector}); one that exposes nothing is
 * remembered as having no telemetry and not asked again. Every sample goes to the {@link Sink} as it is taken; what
 * each model x source came to is returned by {@link #finish()}. Nothing thrown here reaches the run: a failed poll is
 * counted and logged.
 */
public final class TelemetrySampler {

    private static final Logger log = LoggerFactory.getLogger(TelemetrySampler.class);
    static final Duration MIN_GAP = Duration.ofMillis(500);

    /** One figure of one sample, as stored in {@code telemetry_samples}. */
    public record Sample(String modelAlias, String endpoint, TelemetrySource source, String metric, double value,
                         Instant sampledAt) {
    }

    /** Where the samples go (the database); called on the sampler's thread. */
    @FunctionalInterface
    public interface Sink {
        void samples(List<Sample> samples);
    }

    /** A model to sample: its endpoint's base URL (the simulated endpoint's too) and whether it is on this machine. */
    public record Target(String modelAlias, String endpoint, String serverModel, URI baseUrl, boolean local) {
    }

    private final Map<String, Target> targets;
    private final Duration interval;
    private final NvidiaSmi smi;
    private final Clock clock;
    private final Sink sink;
    private final TelemetryHttp http;
    private final ServerDetector detector;
    private final ScheduledExecutorService thread;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private volatile String current;

    // touched on the sampler thread only (and by finish() after it ended)
    private final Map<String, ServerDetector.Detection> detections = new LinkedHashMap<>();
    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    private final Map<String, String> noTelemetry = new LinkedHashMap<>();
    private final Map<String, Instant> lastSample = new ConcurrentHashMap<>();

    /**
     * @param smi     nvidia-smi to run for local targets, or null
     * @param timeout connect and read timeout of each poll
     */
    public TelemetrySampler(List<Target> targets, Duration interval, NvidiaSmi smi, Duration timeout, Clock clock,
                            Sink sink) {
        this.targets = new LinkedHashMap<>();
        targets.forEach(t -> this.targets.put(t.modelAlias(), t));
        this.interval = interval;
        this.smi = smi;
        this.clock = clock;
        this.sink = sink;
        this.http = new TelemetryHttp(timeout);
        this.detector = new ServerDetector(http);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nightbench-telemetry");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
    }

    /**
     * The plan's models as targets. {@code baseUrlOf} gives a model's base URL (its client's, which knows the
     * simulated endpoint's port); a model without one is left out. The simulated endpoint is never "local" for
     * nvidia-smi: it has no GPU.
     */
    public static List<Target> targets(Plan plan, Function<String, URI> baseUrlOf) {
        List<Target> out = new ArrayList<>();
        for (ModelSpec m : plan.models()) {
            URI base = baseUrlOf.apply(m.alias());
            Optional<Endpoint> e = plan.endpoint(m.endpoint());
            if (base != null && e.isPresent()) {
                out.add(new Target(m.alias(), m.endpoint(), m.model(), base,
                        !e.get().simulated() && ServerDetector.local(base)));
            }
        }
        return out;
    }

    /** Starts the periodic samples (taken only while a cell runs). */
    public TelemetrySampler start() {
        long ms = interval.toMillis();
        thread.scheduleWithFixedDelay(() -> {
            String alias = current;
            if (alias != null) {
                sample(alias, false);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    /** A model's cell starts: queue a sample of it, and sample it periodically until its cell ends. */
    public void cellStarted(String modelAlias) {
        current = modelAlias;
        queue(modelAlias);
    }

    /** A model's cell ended: queue a last sample of it. */
    public void cellEnded(String modelAlias) {
        queue(modelAlias);
        if (modelAlias.equals(current)) {
            current = null;
        }
    }

    private void queue(String alias) {
        if (targets.containsKey(alias) && queued.add(alias)) {
            try {
                thread.execute(() -> {
                    queued.remove(alias);
                    sample(alias, true);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.remove(alias); // closing
            }
        }
    }

    private void sample(String alias, boolean boundary) {
        try {
            Target t = targets.get(alias);
            Instant now = clock.instant();
            Instant last = lastSample.get(alias);
            if (boundary && last != null && Duration.between(last, now).compareTo(MIN_GAP) < 0) {
                return;
            }
            lastSample.put(alias, now);
            List<Sample> out = new ArrayList<>();
            ServerDetector.Detection d = detections.computeIfAbsent(t.endpoint(), e -> detect(t));
            if (d.reader() != null) {
                poll(t, d.reader().source(), now, out, () -> d.reader().sample(t.serverModel()),
                        () -> d.reader().facts(t.serverModel()));
            } else {
                noTelemetry.putIfAbsent(alias, d.tried());
            }
            if (smi != null && t.local()) {
                NvidiaSmi.GpuSample[] gpu = new NvidiaSmi.GpuSample[1];
                poll(t, TelemetrySource.NVIDIA_SMI, now, out, () -> (gpu[0] = smi.read()).readings(),
                        () -> gpu[0] == null ? null : gpu[0].facts());
            }
            if (!out.isEmpty()) {
                sink.samples(out);
            }
        } catch (RuntimeException e) {
            log.warn("Telemetry sample of {} failed: {}", alias, e.toString());
        }
    }

    private ServerDetector.Detection detect(Target t) {
        ServerDetector.Detection d = detector.detect(t.baseUrl());
        if (d.reader() != null) {
            log.info("Telemetry for endpoint {}: {} at {}", t.endpoint(), d.reader().source(), ServerDetector.root(t.baseUrl()));
        } else {
            log.info("Endpoint {} exposes no telemetry ({})", t.endpoint(), d.tried());
        }
        return d;
    }

    private interface Read<T> {
        T get() throws IOException;
    }

    /** One source's poll for one model: its readings into {@code out}, its facts once, a failure counted. */
    private void poll(Target t, TelemetrySource source, Instant now, List<Sample> out, Read<List<Reading>> readings,
                      Read<Facts> facts) {
        Tally tally = tallies.computeIfAbsent(t.modelAlias() + "\u0000" + source.value(), k -> new Tally(t, source));
        try {
            for (Reading r : readings.get()) {
                out.add(new Sample(t.modelAlias(), t.endpoint(), source, r.metric(), r.value(), now));
            }
            tally.samples++;
        } catch (IOException | RuntimeException e) {
            tally.failed(e);
            return;
        }
        if (!tally.factsRead) {
            tally.factsRead = true;
            try {
                tally.facts = tally.facts.or(facts.get());
            } catch (IOException | RuntimeException e) {
                tally.failed(e);
            }
        }
    }

    /**
     * Stops sampling, waits for a sample in progress (at most a few timeouts), and says what each sampled model x
     * source came to, in the order the models were first sampled.
     */
    public List<ModelTelemetry> finish() {
        current = null;
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("A telemetry sample was still running after 30 s; left behind");
                thread.shutdownNow();
                thread.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        http.close();
        List<ModelTelemetry> out = new ArrayList<>();
        for (Tally t : tallies.values()) {
            out.add(new ModelTelemetry(t.target.modelAlias(), t.target.endpoint(), t.source,
                    t.samples > 0 ? ModelTelemetry.Status.OK : ModelTelemetry.Status.ERROR, t.lastError, t.samples,
                    t.failures, t.facts));
        }
        noTelemetry.forEach((alias, tried) -> out.add(new ModelTelemetry(alias, targets.get(alias).endpoint(),
                TelemetrySource.ENDPOINT, ModelTelemetry.Status.NO_TELEMETRY,
                "exposes none of llama.cpp /metrics or /props, vLLM /metrics, Ollama /api/ps (" + tried + ")", 0, 0,
                Facts.NONE)));
        return out;
    }

    private static final class Tally {
        final Target target;
        final TelemetrySource source;
        int samples;
        int failures;
        String lastError;
        boolean factsRead;
        Facts facts = Facts.NONE;

        Tally(Target target, TelemetrySource source) {
            this.target = target;
            this.source = source;
        }

        void failed(Exception e) {
            if (failures++ == 0) {
                log.info("Telemetry ({}) of {} failed: {}", source, target.modelAlias(), e.getMessage());
            }
            lastError = source + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }
}
