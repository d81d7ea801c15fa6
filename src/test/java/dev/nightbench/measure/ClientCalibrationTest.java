package dev.nightbench.measure;

import dev.nightbench.client.ModelClient;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.client.sim.SimulatedModels;
import dev.nightbench.client.sim.SimulatedServer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ClientCalibrationTest {

    /** Ceilings kept in memory, as the client_calibrations table keeps them. */
    private static final class MemoryCache implements ClientCalibration.Cache {
        final Map<String, ClientCalibration.Ceiling> rows = new HashMap<>();

        @Override
        public Optional<ClientCalibration.Ceiling> find(ClientCalibration.Key key, int concurrency) {
            return Optional.ofNullable(rows.get(key + "/" + concurrency));
        }

        @Override
        public void save(ClientCalibration.Key key, ClientCalibration.Ceiling ceiling) {
            rows.put(key + "/" + ceiling.concurrency(), ceiling);
        }
    }

    /** The zero-delay simulated endpoint through the real client; counts how often it was started. */
    private static ClientCalibration.Target instantTarget(AtomicInteger started) {
        started.incrementAndGet();
        SimulatedServer server = new SimulatedServer().keepSent(0).register("instant", SimulatedModels.instant()).start();
        ModelClient client = new OpenAiModelClient(server.baseUrl(), null, Timeouts.defaults(), NanoClock.SYSTEM);
        return new ClientCalibration.Target() {
            @Override
            public ModelClient client() {
                return client;
            }

            @Override
            public String model() {
                return "instant";
            }

            @Override
            public void close() {
                client.close();
                server.close();
            }
        };
    }

    @Test
    void theCeilingIsMeasuredOnceAgainstTheZeroDelayEndpointThenCachedUntilItIsStale() {
        MemoryCache cache = new MemoryCache();
        AtomicInteger started = new AtomicInteger();
        ClientCalibration.Key key = ClientCalibration.Key.current("test");
        Instant now = Instant.parse("2026-12-02T16:00:00Z");
        ClientCalibration calibration = new ClientCalibration(key, cache, () -> instantTarget(started),
                Clock.fixed(now, ZoneOffset.UTC));

        Optional<Double> first = calibration.at(4);
        Optional<Double> again = calibration.at(4);

        assertThat(first).isPresent();
        assertThat(first.get()).isGreaterThan(10.0); // a zero-delay server on loopback: hundreds to thousands per second
        assertThat(again).isEqualTo(first);
        assertThat(started).hasValue(1);
        ClientCalibration.Ceiling stored = cache.find(key, 4).orElseThrow();
        assertThat(stored.requests()).isEqualTo((int) Math.round(first.get() * ClientCalibration.MEASURE_MS / 1000.0));
        assertThat(stored.inFlightMean()).isBetween(0.0, 4.0 + 1e-9);
        assertThat(stored.measuredAt()).isEqualTo(now);

        // eight days later the cached ceiling is stale and measured again
        ClientCalibration later = new ClientCalibration(key, cache, () -> instantTarget(started),
                Clock.fixed(now.plus(ClientCalibration.MAX_AGE).plus(Duration.ofDays(1)), ZoneOffset.UTC));
        assertThat(later.at(4)).isPresent();
        assertThat(started).hasValue(2);
    }

    @Test
    void aLevelThatDroveMoreThanTheCeilingRaisesItAndALowerOneLeavesIt() {
        MemoryCache cache = new MemoryCache();
        ClientCalibration.Key key = ClientCalibration.Key.current("test");
        Instant then = Instant.parse("2026-12-02T16:00:00Z");
        cache.save(key, new ClientCalibration.Ceiling(16, 10.0, 14.9, 10, then));
        ClientCalibration calibration = new ClientCalibration(key, cache, () -> {
            throw new AssertionError("cached: not measured again");
        }, Clock.fixed(then, ZoneOffset.UTC));

        calibration.observed(16, 16.8);
        calibration.observed(16, 12.0);

        assertThat(calibration.at(16)).hasValue(16.8);
        assertThat(cache.find(key, 16).orElseThrow().measuredAt()).isEqualTo(then);
    }

    @Test
    void aCalibrationThatCannotRunGivesNoCeilingInsteadOfFailingTheLevel() {
        ClientCalibration calibration = new ClientCalibration(ClientCalibration.Key.current("test"), new MemoryCache(),
                () -> {
                    throw new IllegalStateException("no port free");
                }, Clock.systemUTC());

        assertThat(calibration.at(2)).isEmpty();
    }
}
