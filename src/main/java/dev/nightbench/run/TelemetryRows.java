package dev.nightbench.run;

import dev.nightbench.store.TelemetryStore;
import dev.nightbench.telemetry.Facts;
import dev.nightbench.telemetry.ModelTelemetry;
import dev.nightbench.telemetry.TelemetrySampler;

import java.time.Instant;
import java.util.List;

/** Maps telemetry's samples and outcomes to store's rows (the one place, as {@link StoreRows} does for cells). */
final class TelemetryRows {

    private TelemetryRows() {
    }

    static List<TelemetryStore.SampleRow> samples(long runId, List<TelemetrySampler.Sample> samples) {
        return samples.stream().map(s -> new TelemetryStore.SampleRow(runId, s.modelAlias(), s.endpoint(),
                s.source().value(), s.metric(), s.value(), s.sampledAt())).toList();
    }

    static TelemetryStore.ModelRow model(long runId, ModelTelemetry m, Instant at) {
        Facts f = m.facts();
        return new TelemetryStore.ModelRow(runId, m.modelAlias(), m.endpoint(), m.source().value(), m.status().value(),
                m.detail(), m.pollsFailed(), f.serverVersion(), f.contextSize(), f.parameters(), f.quantization(),
                f.licence(), f.gpuName(), at);
    }
}
