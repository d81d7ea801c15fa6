package dev.nightbench.alert;

import dev.nightbench.plan.AlertsSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.store.AlertStore;
import dev.nightbench.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Tells people after a run: a regression ({@code run_regressions}), a failed or unavailable model
 * ({@code run_models.availability}) or a failed run goes to every target of the plan's {@code alerts:} and of
 * {@code nightbench.alerts.*} that asked for one of those events, as that target's payload ({@link AlertPayloads}).
 * Called by the job's {@code notify} step for a completed run and by its listener for a failed one.
 *
 * <p>An alert never fails the run: every problem (a variable not set, a webhook down after its retries, the database)
 * is logged and, when the database can take it, stored in {@code alert_deliveries}. The URLs are read from the
 * environment when the alert is sent and appear in no log line, row or error text: only their variables' names do.
 */
@Component
public class Alerts {

    private static final Logger log = LoggerFactory.getLogger(Alerts.class);

    private final AlertProperties settings;
    private final RunStore runs;
    private final AlertStore store;
    private final Function<String, String> env;
    private final WebhookSender sender;
    private final Clock clock;

    @Autowired
    Alerts(AlertProperties settings, RunStore runs, AlertStore store, Environment environment, Clock clock) {
        this(settings, runs, store, environment::getProperty, clock, d -> Thread.sleep(d));
    }

    Alerts(AlertProperties settings, RunStore runs, AlertStore store, Function<String, String> env, Clock clock,
           WebhookSender.Sleeper sleeper) {
        this.settings = settings;
        this.runs = runs;
        this.store = store;
        this.env = env;
        this.clock = clock;
        this.sender = new WebhookSender(settings, sleeper);
    }

    /**
     * After a completed run's report: regressions and failed models. With {@code --fail-on-model-failure} a failed
     * model fails the run afterwards, and {@link #afterFailedRun} tells about it then, once.
     */
    public void afterCompletedRun(long runId, Plan plan, String reportPath, boolean failOnModelFailure) {
        guarded(runId, () -> {
            RunAlert alert = facts(runId, null, reportPath);
            if (failOnModelFailure && !alert.failedModels().isEmpty()) {
                log.debug("Run {}: its failed models fail it; the alert goes out as run_failed", runId);
                return;
            }
            send(alert, plan);
        });
    }

    /** After a run ended FAILED: run_failed, with its failed models and regressions if it got that far. */
    public void afterFailedRun(long runId, Plan plan, String failure, String reportPath) {
        guarded(runId, () -> send(facts(runId, failure == null ? "failed" : failure, reportPath), plan));
    }

    private void guarded(long runId, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) { // an alert never fails the run
            log.warn("Alerts for run {} not sent: {}", runId, e.toString());
        }
    }

    private RunAlert facts(long runId, String failure, String reportPath) {
        RunStore.RunSummary run = runs.find(runId).orElseThrow(() -> new IllegalStateException("no run " + runId));
        List<AlertStore.Regression> regressions = store.regressions(runId);
        List<RunAlert.FailedModel> failed = runs.models(runId).stream()
                .filter(m -> m.availability().isFailure())
                .map(m -> new RunAlert.FailedModel(m.modelAlias(), m.availability().value(), m.failureReason()))
                .toList();
        Set<AlertsSpec.Event> events = EnumSet.noneOf(AlertsSpec.Event.class);
        if (failure != null) {
            events.add(AlertsSpec.Event.RUN_FAILED);
        }
        if (!regressions.isEmpty()) {
            events.add(AlertsSpec.Event.REGRESSION);
        }
        if (!failed.isEmpty()) {
            events.add(AlertsSpec.Event.MODEL_FAILED);
        }
        String status = failure != null ? "FAILED" : run.status().value();
        return new RunAlert(runId, run.planName(), run.label(), run.runDate(), status, events, regressions, failed,
                failure, reportPath);
    }

    private void send(RunAlert alert, Plan plan) {
        if (alert.events().isEmpty()) {
            log.debug("Run {}: nothing to alert about", alert.runId());
            return;
        }
        Map<AlertsSpec.Target, String> targets = targets(plan);
        List<String> events = alert.events().stream().sorted().map(AlertsSpec.Event::value).toList();
        for (Map.Entry<AlertsSpec.Target, String> e : targets.entrySet()) {
            AlertsSpec.Target target = e.getKey();
            if (!target.wants(alert.events())) {
                continue;
            }
            AlertStore.Delivery delivery = deliver(alert, target, e.getValue(), events);
            try {
                store.record(delivery);
            } catch (RuntimeException ex) {
                log.warn("Could not store the alert delivery of run {}: {}", alert.runId(), ex.toString());
            }
        }
    }

    /** The plan's targets, then the global ones; a target written in both places is told once. */
    private Map<AlertsSpec.Target, String> targets(Plan plan) {
        Map<AlertsSpec.Target, String> out = new LinkedHashMap<>();
        List<AlertsSpec.Target> fromPlan = plan == null ? List.of() : plan.alerts().targets();
        fromPlan.forEach(t -> out.putIfAbsent(t, "plan"));
        List<AlertsSpec.Target> global = new ArrayList<>(settings.specs());
        global.forEach(t -> {
            boolean same = out.keySet().stream().anyMatch(p -> p.kind() == t.kind() && p.urlEnv().equals(t.urlEnv()));
            if (!same) {
                out.put(t, "global");
            }
        });
        return out;
    }

    private AlertStore.Delivery deliver(RunAlert alert, AlertsSpec.Target target, String configured,
                                        List<String> events) {
        String kind = target.kind().value();
        URI url = url(env.apply(target.urlEnv()));
        if (url == null) {
            String why = "environment variable " + target.urlEnv() + " is not set or holds no http(s) URL";
            log.warn("Alert for run {} ({}) not sent to the {} webhook: {}", alert.runId(), events, kind, why);
            return new AlertStore.Delivery(alert.runId(), kind, target.urlEnv(), configured, events, "no_url", 0,
                    null, why, clock.instant());
        }
        long started = System.nanoTime();
        WebhookSender.Result r = sender.post(url, AlertPayloads.of(target.kind(), alert));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (r.sent()) {
            log.info("Alert for run {} ({}) sent to the {} webhook in ${} (HTTP {}, {} attempt(s), {} ms)",
                    alert.runId(), events, kind, target.urlEnv(), r.httpStatus(), r.attempts(), took.toMillis());
        } else {
            log.warn("Alert for run {} ({}) NOT sent to the {} webhook in ${}: {}", alert.runId(), events, kind,
                    target.urlEnv(), r.error());
        }
        return new AlertStore.Delivery(alert.runId(), kind, target.urlEnv(), configured, events,
                r.sent() ? "sent" : "failed", r.attempts(), r.httpStatus(), r.error(), clock.instant());
    }

    private static URI url(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI uri = URI.create(value.strip());
            boolean http = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
            return http && uri.getHost() != null ? uri : null;
        } catch (IllegalArgumentException e) {
            return null; // its message would quote the secret
        }
    }
}
