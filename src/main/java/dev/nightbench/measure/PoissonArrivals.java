package dev.nightbench.measure;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The send schedule of an open-loop load cell, fixed before the first request: a Poisson process of the given
 * rate, i.e. exponentially distributed gaps with mean {@code 1 / rate}, the first request at offset 0. The
 * schedule depends only on the seed, the rate and the bound, so a restart (and every model measured at the same
 * rate) sees the same arrivals.
 */
public final class PoissonArrivals {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private PoissonArrivals() {
    }

    /**
     * @param ratePerSecond mean arrivals per second, positive
     * @param count         arrivals to schedule, or 0 when bounded by {@code duration}
     * @param duration      when {@code count} is 0: every arrival before this offset
     * @param seed          seed of the gaps
     * @return send offsets in nanoseconds from the cell's start, ascending
     */
    public static long[] offsets(double ratePerSecond, int count, Duration duration, long seed) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        if (count <= 0 && (duration == null || duration.isZero() || duration.isNegative())) {
            throw new IllegalArgumentException("give a count or a positive duration");
        }
        SplittableRandom random = new SplittableRandom(seed);
        long limit = count > 0 ? Long.MAX_VALUE : duration.toNanos();
        long[] out = new long[count > 0 ? count : 16];
        int n = 0;
        double t = 0;
        while (count > 0 ? n < count : t < limit) {
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = (long) t;
            t += gapSeconds(random, ratePerSecond) * NANOS_PER_SECOND;
        }
        return count > 0 ? out : Arrays.copyOf(out, n);
    }

    /** An exponential gap by inversion: −ln(1 − U) / rate, U uniform in [0, 1). */
    static double gapSeconds(SplittableRandom random, double ratePerSecond) {
        return -Math.log1p(-random.nextDouble()) / ratePerSecond;
    }

    /** The seed of a rate level: the plan's seed mixed with the rate, so every model at that rate sees the same arrivals. */
    public static long seedFor(Long planSeed, double ratePerSecond) {
        long base = planSeed == null ? 42L : planSeed;
        long z = base * 0x9E3779B97F4A7C15L + Double.doubleToLongBits(ratePerSecond);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
