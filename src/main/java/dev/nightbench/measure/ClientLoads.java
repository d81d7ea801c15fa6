package dev.nightbench.measure;

import java.util.List;
import java.util.Objects;

/** Builds a load level's {@link ClientLoad} from the monitor's reading and the level's own figures. */
final class ClientLoads {

    /** The in-flight rule needs every worker to have sent at least this many requests, or the level is all ramp. */
    static final int MIN_ROUNDS_FOR_IN_FLIGHT = 2;

    private ClientLoads() {
    }

    static ClientLoad of(ClientLoadMonitor.Reading reading, Cell cell, List<CellExecutor.Attempt> attempts,
                         List<Measurement> finals, Double wallMs, Double ceilingRps) {
        boolean closedLoop = !Cell.RATE.equals(cell.loadMode());
        double[] totals = finals.stream().filter(Measurement::ok).map(Measurement::totalMs).filter(Objects::nonNull)
                .mapToDouble(Double::doubleValue).sorted().toArray();
        double[] lags = attempts.stream().map(CellExecutor.Attempt::scheduledLagMs).filter(Objects::nonNull)
                .mapToDouble(Double::doubleValue).sorted().toArray();
        long ok = finals.stream().filter(Measurement::ok).count();
        long sent = finals.stream().filter(m -> m.totalMs() != null).count();
        ClientLoadMonitor.Wire wire = reading.wire();
        Double steady = closedLoop && sent >= MIN_ROUNDS_FOR_IN_FLIGHT * cell.loadLevel() ? wire.steadyMean() : null;
        ClientLimitRules.Verdict v = ClientLimitRules.decide(new ClientLimitRules.Inputs(closedLoop, cell.loadLevel(),
                reading.cpuShare(), reading.cpus(), reading.hostLoadAverage(), reading.schedLagMsP95(),
                totals.length == 0 ? null : Percentiles.ofSorted(totals, totals.length, 0.10), steady,
                attempts.size() > finals.size(), wallMs == null || wallMs <= 0 ? null : ok * 1000.0 / wallMs,
                ceilingRps, lags.length == 0 ? null : Percentiles.ofSorted(lags, lags.length, 0.95),
                reading.workerWaitShare()));
        return new ClientLoad(reading.cpuShare(), reading.cpus(), reading.hostLoadAverage(), reading.schedLagMsP95(),
                reading.schedLagMsMax(), wire.mean(), wire.steadyMean(), wire.max(), ceilingRps,
                reading.workerWaitShare(), v.limited(),
                v.reason());
    }
}
