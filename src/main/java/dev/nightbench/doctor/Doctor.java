package dev.nightbench.doctor;

import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.db.Migrations;
import dev.nightbench.measure.CellExecutor;
import dev.nightbench.measure.Measurement;
import dev.nightbench.measure.RequestMeter;
import dev.nightbench.measure.RetryPolicy;
import dev.nightbench.plan.Endpoint;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.run.ClientFactory;
import dev.nightbench.run.Version;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The workshop's validation checklist as code: is everything a run needs there, before a night is spent finding
 * out? Each check reports one {@link Check} as soon as it is done. It writes nothing to the database: the models are
 * probed with the same clients the job uses ({@link ClientFactory}: the plan's timeouts, its API keys from the
 * environment), and the database is only read.
 */
public final class Doctor {

    /** The probe chat's answer is capped at this many tokens: enough to see it work, cheap on a paid endpoint. */
    static final int PROBE_MAX_TOKENS = 32;
    static final int SAMPLE_CHARS = 60;
    static final int MIN_JDK = 21;
    private static final Duration MAX_PROBE_BACKOFF = Duration.ofSeconds(2);

    private final Function<String, String> env;
    private final Consumer<Check> report;
    private final List<Check> checks = new ArrayList<>();

    /**
     * @param env    the environment (API keys are read from it by the variable names the plan gives)
     * @param report called with each check as soon as it is done
     */
    public Doctor(Function<String, String> env, Consumer<Check> report) {
        this.env = env;
        this.report = report;
    }

    public void add(Check check) {
        checks.add(check);
        report.accept(check);
    }

    public List<Check> checks() {
        return List.copyOf(checks);
    }

    public boolean allPassed() {
        return checks.stream().allMatch(Check::ok);
    }

    /** The JDK running Nightbench (21 or newer) and Nightbench's version. */
    public void java() {
        Runtime.Version v = Runtime.version();
        String vendor = System.getProperty("java.vendor", "unknown vendor");
        String detail = "JDK " + v + " (" + vendor + ", " + System.getProperty("java.home") + "), Nightbench "
                + Version.current();
        add(v.feature() >= MIN_JDK ? Check.ok("java", detail)
                : Check.fail("java", detail + ": Nightbench needs JDK " + MIN_JDK + " or newer"));
    }

    /**
     * Each of the plan's alert targets has its webhook URL in the environment (an http(s) URL). Nothing is posted (a
     * test message would reach a channel) and the URL is never printed: only its variable's name.
     */
    public void alerts(Plan plan) {
        for (var target : plan.alerts().targets()) {
            String name = "alert " + target.kind().value();
            String value = env.apply(target.urlEnv());
            java.net.URI uri = null;
            try {
                uri = value == null || value.isBlank() ? null : java.net.URI.create(value.strip());
            } catch (IllegalArgumentException e) {
                // its message would quote the secret
            }
            boolean http = uri != null && uri.getHost() != null
                    && ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()));
            add(http ? Check.ok(name, "$" + target.urlEnv() + " holds an http(s) URL (not contacted)")
                    : Check.fail(name, "$" + target.urlEnv() + (value == null || value.isBlank() ? " is not set"
                    : " holds no http(s) URL") + ": this target's alerts would not be sent"));
        }
    }

    /** Every endpoint reachable ({@code GET /models}), every model listed, and one probe chat per listed model. */
    public void models(Plan plan) {
        List<String> secrets = plan.endpoints().stream().map(Endpoint::apiKeyEnv).filter(Objects::nonNull)
                .map(env).filter(Objects::nonNull).toList();
        ClientFactory.Clients clients = new ClientFactory(env).create(plan);
        try {
            for (Endpoint endpoint : plan.endpoints()) {
                List<ModelSpec> models = plan.models().stream().filter(m -> m.endpoint().equals(endpoint.name())).toList();
                String name = "endpoint " + endpoint.name();
                String where = endpoint.simulated() ? "the simulated endpoint" : endpoint.baseUrl() != null
                        ? Text.url(endpoint.baseUrl().toString()) : "type " + endpoint.type();
                if (models.isEmpty()) {
                    add(Check.ok(name, where + ": no model uses it, not contacted"));
                    continue;
                }
                ModelClient client = clients.byModel().get(models.getFirst().alias());
                long start = System.nanoTime();
                List<String> listed;
                try {
                    listed = client.listModels();
                } catch (ModelClientException e) {
                    add(Check.fail(name, where + " did not answer GET /models: " + e.failure().code() + ": "
                            + Text.sample(e.getMessage(), 300, secrets)));
                    continue;
                }
                add(Check.ok(name, where + " answered GET /models in " + millis(start) + " ms, listing "
                        + listed.size() + " model(s)"));
                for (ModelSpec m : models) {
                    if (!listed.contains(m.model())) {
                        add(Check.fail("model " + m.alias(), "endpoint '" + endpoint.name() + "' does not list '"
                                + Text.sample(m.model(), 120, secrets) + "'; it lists: " + listing(listed, secrets)));
                        continue;
                    }
                    add(Check.ok("model " + m.alias(), "'" + m.model() + "' is listed by '" + endpoint.name() + "'"));
                    add(chat(plan, m, client, secrets));
                }
            }
        } finally {
            try {
                clients.resources().close();
            } catch (Exception e) {
                // closing clients and the simulated endpoint: nothing left to check
            }
        }
    }

    /** One chat with the plan's first prompt, its parameters and timeouts, at most {@value #PROBE_MAX_TOKENS} tokens. */
    private Check chat(Plan plan, ModelSpec model, ModelClient client, List<String> secrets) {
        String name = "chat " + model.alias();
        if (plan.prompts().isEmpty()) {
            return Check.fail(name, "the plan has no prompt to send");
        }
        ChatRequest r = CellExecutor.requestFor(model, plan.prompts().getFirst(), plan.run());
        ChatRequest probe = new ChatRequest(r.model(), r.messages(),
                r.maxTokens() == null ? PROBE_MAX_TOKENS : Math.min(r.maxTokens(), PROBE_MAX_TOKENS), r.temperature(),
                r.seed(), r.stream(), r.extra());
        RetryPolicy retry = RetryPolicy.from(plan.retry());
        Random random = new Random();
        List<String> earlier = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            RequestMeter meter = new RequestMeter(probe.stream(), RequestMeter.DEFAULT_TEXT_LIMIT, client::redact,
                    client.chunksAreReads());
            Instant started = Instant.now();
            try {
                client.chat(probe, meter);
                Measurement m = meter.toMeasurement(started, null);
                return Check.ok(name, describe(m) + ": \"" + Text.sample(m.responseText(), SAMPLE_CHARS, secrets) + "\""
                        + (earlier.isEmpty() ? "" : " (after " + String.join(", ", earlier) + ")"));
            } catch (ModelClientException e) {
                String failure = e.failure().code() + ": " + Text.sample(e.getMessage(), 300, secrets);
                if (!retry.shouldRetry(e.failure(), attempt)) {
                    return Check.fail(name, failure + (earlier.isEmpty() ? "" : " (before: " + String.join(", ", earlier) + ")"));
                }
                earlier.add(e.failure().code());
                sleep(min(retry.backoff(e.failure(), attempt, e.retryAfter(), random), MAX_PROBE_BACKOFF));
            }
        }
    }

    private static String describe(Measurement m) {
        StringBuilder sb = new StringBuilder();
        if (m.ttftMs() != null) {
            sb.append("TTFT ").append(Math.round(m.ttftMs())).append(" ms, ");
        }
        sb.append(m.outputTokens() == null ? "?" : m.outputTokens()).append(" token(s) in ")
                .append(m.e2eMs() == null ? "?" : Math.round(m.e2eMs())).append(" ms");
        return sb.toString();
    }

    /** The database answers, and its schema has every migration this Nightbench ships (Flyway's history). */
    public void database(DataSource dataSource, String where) {
        String url = Text.url(where);
        try (Connection c = dataSource.getConnection()) {
            var meta = c.getMetaData();
            add(Check.ok("database", meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + " at " + url));
        } catch (SQLException e) {
            add(Check.fail("database", "cannot connect to " + url + ": " + e.getMessage()));
            return;
        }
        try {
            Migrations.Status s = Migrations.check(dataSource);
            String counts = (s.shipped().size() - s.pending().size()) + " of " + s.shipped().size() + " migrations applied";
            if (!s.failed().isEmpty()) {
                add(Check.fail("schema", "migration(s) " + versions(s.failed()) + " failed; Flyway needs a repair "
                        + "(see its history table flyway_schema_history)"));
            } else if (!s.pending().isEmpty()) {
                add(Check.fail("schema", counts + ", pending " + versions(s.pending())
                        + "; the next 'nightbench run' or 'nightbench runs' applies them"));
            } else {
                add(Check.ok("schema", "migrated, " + counts + " (latest V" + s.shipped().getLast() + ")"));
            }
        } catch (SQLException e) {
            add(Check.fail("schema", "cannot read Flyway's history: " + e.getMessage()));
        }
    }

    /** The reports directory exists (or can be created) and a file can be written in it. */
    public void reports(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
            Path probe = Files.createTempFile(abs, ".doctor-", ".tmp");
            Files.delete(probe);
            add(Check.ok("reports", abs + " is writable"));
        } catch (IOException | SecurityException e) {
            add(Check.fail("reports", abs + " is not writable: " + e));
        }
    }

    private static String versions(List<String> versions) {
        return String.join(", ", versions.stream().map(v -> "V" + v).toList());
    }

    private static String listing(List<String> items, List<String> secrets) {
        if (items.isEmpty()) {
            return "(none)";
        }
        String joined = String.join(", ", items.subList(0, Math.min(10, items.size())));
        return Text.sample(joined, 400, secrets) + (items.size() > 10 ? ", … (" + items.size() + " in all)" : "");
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
