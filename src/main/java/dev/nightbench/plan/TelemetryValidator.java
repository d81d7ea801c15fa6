package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawTelemetry;

import java.time.Duration;

/**
 * Checks the plan's {@code telemetry:} section: {@code enabled} and {@code nvidia_smi} are true or false,
 * {@code interval} a duration from {@link TelemetrySpec#MIN_INTERVAL} to {@link TelemetrySpec#MAX_INTERVAL}.
 */
final class TelemetryValidator {

    private final Source plan;
    private final Problems problems;

    TelemetryValidator(Source plan, Problems problems) {
        this.plan = plan;
        this.problems = problems;
    }

    TelemetrySpec telemetry(RawTelemetry raw) {
        TelemetrySpec d = TelemetrySpec.DEFAULT;
        if (raw == null) {
            return d;
        }
        FieldPath at = FieldPath.of("telemetry");
        boolean enabled = bool(raw.enabled(), d.enabled(), at.child("enabled"));
        boolean nvidiaSmi = bool(raw.nvidiaSmi(), d.nvidiaSmi(), at.child("nvidia_smi"));
        Duration interval = d.interval();
        if (raw.interval() != null) {
            FieldPath ip = at.child("interval");
            try {
                Duration parsed = Durations.parse(String.valueOf(raw.interval()));
                if (parsed.compareTo(TelemetrySpec.MIN_INTERVAL) < 0 || parsed.compareTo(TelemetrySpec.MAX_INTERVAL) > 0) {
                    problems.add(plan, ip, "must be from 1s to 1h (sampling must never become load), got '"
                            + raw.interval() + "'");
                } else {
                    interval = parsed;
                }
            } catch (IllegalArgumentException e) {
                problems.add(plan, ip, e.getMessage());
            }
        }
        return new TelemetrySpec(enabled, interval, nvidiaSmi);
    }

    private boolean bool(Object value, boolean fallback, FieldPath at) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        problems.add(plan, at, "must be true or false, got " + CheckValidator.describe(value));
        return fallback;
    }
}
