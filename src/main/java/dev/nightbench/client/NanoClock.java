package dev.nightbench.client;

/** A monotonic nanosecond source, injectable so tests can control durations. */
@FunctionalInterface
public interface NanoClock {

    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
