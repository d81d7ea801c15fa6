package dev.nightbench.measure;

/**
 * What the client itself did during one load level ({@link ClientLoadMonitor}) and whether it, not the server, set
 * the pace ({@link ClientLimitRules}). Stored in {@code load_phases} (V8__client_limits.sql); null figures were not
 * measured (not on this platform, or not applicable to the level).
 *
 * @param cpuShare           process CPU time ÷ (wall time × cpus) over the level, 0..1
 * @param cpus               processors the JVM may run on
 * @param hostLoadAverage    the host's 1-minute load average at the end of the level
 * @param schedLagMsP95      scheduling-lag probe: sleep overshoot p95, ms
 * @param schedLagMsMax      ... and its maximum
 * @param inFlightMean       requests on the wire (t0 to response closed), time-weighted mean over the level
 * @param inFlightSteadyMean ... from the first to the last send (closed loop: while every worker had work)
 * @param inFlightMax        the most requests on the wire at once
 * @param ceilingRps         the client's calibrated ceiling at this concurrency against the zero-delay endpoint
 * @param workerWaitShare    share of the workers' request time spent ready but waiting for a core (Linux
 *                           schedstat); null where not available
 * @param limited            the client was the bottleneck
 * @param reason             why, with the figures; null when not limited
 */
public record ClientLoad(Double cpuShare, int cpus, Double hostLoadAverage, Double schedLagMsP95, Double schedLagMsMax,
                         Double inFlightMean, Double inFlightSteadyMean, int inFlightMax, Double ceilingRps,
                         Double workerWaitShare, boolean limited, String reason) {
}
