package dev.nightbench.run;

import dev.nightbench.plan.Endpoint;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.RunParams;
import dev.nightbench.store.EnvironmentStore;
import dev.nightbench.telemetry.HostEnvironment;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Maps the host's {@link HostEnvironment} and the plan's settings to store's rows (V16 {@code run_environment},
 * {@code run_settings}): the one place that decides which settings a comparison of two runs lists when they differ.
 * Settings are flattened to text under stable names ({@code run.rounds}, {@code model.<alias>.params.num_gpu}) so
 * that two runs of different plans line up name by name.
 */
final class EnvironmentRows {

    /** A model param whose name looks like a credential is never stored (keys live in environment variables). */
    private static final Pattern CREDENTIAL = Pattern.compile("(?i).*(api[_-]?key|secret|password|passwd|authori[sz]ation|bearer|credential).*");

    private EnvironmentRows() {
    }

    static EnvironmentStore.EnvironmentRow environment(long runId, HostEnvironment h, Instant at) {
        return new EnvironmentStore.EnvironmentRow(runId, h.hostName(), h.os(), h.cpuModel(), h.cpuCores(),
                h.memoryTotalMb(), h.jvmVersion(), h.gpuName(), h.gpuDriver(), at);
    }

    /** The plan's settings by name, sorted. */
    static Map<String, String> settings(Plan plan) {
        Map<String, String> s = new TreeMap<>();
        s.put("plan.name", plan.name());
        RunParams r = plan.run();
        s.put("run.warmup", String.valueOf(r.warmup()));
        s.put("run.rounds", String.valueOf(r.rounds()));
        s.put("run.max_tokens", String.valueOf(r.maxTokens()));
        s.put("run.temperature", String.valueOf(r.temperature()));
        s.put("run.seed", String.valueOf(r.seed()));
        s.put("run.stream", String.valueOf(r.stream()));
        s.put("run.fail_after", String.valueOf(r.failAfter()));
        s.put("run.connection", r.connection().value());
        s.put("run.answer_max_bytes", String.valueOf(r.answerMaxBytes()));
        s.put("run.timeouts.connect", String.valueOf(r.timeouts().connect()));
        s.put("run.timeouts.first_token", String.valueOf(r.timeouts().firstToken()));
        s.put("run.timeouts.idle", String.valueOf(r.timeouts().idle()));
        s.put("run.timeouts.total", String.valueOf(r.timeouts().total()));
        if (plan.slo() != null) {
            s.put("slo", String.valueOf(plan.slo()));
        }
        if (plan.retry() != null) {
            s.put("retry", String.valueOf(plan.retry()));
        }
        for (Endpoint e : plan.endpoints()) {
            s.put("endpoint." + e.name() + ".type", e.simulated() ? "simulated" : "openai");
            if (e.connection() != null) {
                s.put("endpoint." + e.name() + ".connection", e.connection().value());
            }
        }
        for (ModelSpec m : plan.models()) {
            String p = "model." + m.alias() + ".";
            s.put(p + "model", m.model());
            s.put(p + "endpoint", m.endpoint());
            if (m.sizeMb() != null) {
                s.put(p + "size_mb", String.valueOf(m.sizeMb()));
            }
            if (m.load() != null && !m.load().equals(dev.nightbench.plan.LoadSpec.NONE)) {
                s.put(p + "load", String.valueOf(m.load()));
            }
            m.params().forEach((k, v) -> {
                if (!CREDENTIAL.matcher(k).matches()) {
                    s.put(p + "params." + k, String.valueOf(v));
                }
            });
        }
        return s;
    }
}
