package dev.nightbench.cli;

import dev.nightbench.alert.AlertProperties;
import dev.nightbench.monitoring.MonitoringProperties;
import dev.nightbench.report.TrendSettings;
import dev.nightbench.run.ScaleProperties;
import dev.nightbench.run.ServeProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;

import java.nio.file.Path;

/**
 * Every {@code nightbench.*} setting that Spring binds, in one tree, from {@code application.yaml}, system properties
 * or environment variables with Spring's relaxed names ({@code NIGHTBENCH_REPORTS_DIR}, {@code NIGHTBENCH_REPORT_MODE},
 * {@code NIGHTBENCH_REPORT_LAST_N}, {@code NIGHTBENCH_SERVE_SCHEDULES_0_CRON}, {@code NIGHTBENCH_SERVE_SCHEDULES_0_PLAN},
 * {@code NIGHTBENCH_SERVE_BIND}, {@code NIGHTBENCH_SERVE_PORT}, {@code NIGHTBENCH_SERVE_TOKEN}, ...). Each branch checks its values where it is built, so a bad one fails at startup naming the key to set. Feature
 * packages never see this root: {@link NightbenchConfiguration} hands each branch to its feature as a bean.
 *
 * <p>Not in this tree, because they are read before Spring starts or without it, as JVM switches
 * ({@code -D...}) or environment variables:
 * <ul>
 *   <li>{@code nightbench.client.warmup} ({@code -Dnightbench.client.warmup=false}): skips the OpenAI client's class
 *       warm-up, read by {@code OpenAiModelClient} while Spring is still starting; there only to measure what the
 *       warm-up saves;</li>
 *   <li>{@code nightbench.db.unsafe-no-fsync} ({@code -D...=true} or {@code NIGHTBENCH_DB_UNSAFE_NO_FSYNC=true}):
 *       starts the embedded PostgreSQL without fsync, read by {@code EmbeddedDatabase} before Spring starts;</li>
 *   <li>{@code nightbench.test.halt-at} ({@code -Dnightbench.test.halt-at=POINT}): the crash tests' fault injection
 *       ({@code run.CrashPoints}), never set in production;</li>
 *   <li>{@code NIGHTBENCH_DB_URL}, {@code NIGHTBENCH_DB_USER}, {@code NIGHTBENCH_DB_PASSWORD}, {@code NIGHTBENCH_DB_DIR},
 *       {@code NIGHTBENCH_DB_PORT} ({@link Database}, which picks the database Spring then uses),
 *       {@code NIGHTBENCH_LOG_DIR} (logback.xml) and {@code NIGHTBENCH_SIM_SLOWDOWN} (the simulated endpoint);</li>
 *   <li>{@code NIGHTBENCH_RABBIT_URL} (the broker of scaled runs, {@code run.RemotePartitioningConfiguration}, whose
 *       presence decides whether the broker's beans exist) and {@code NIGHTBENCH_WORKER_HOST} ({@code run.WorkerHost},
 *       read once per process).</li>
 * </ul>
 *
 * @param reportsDir where reports are written ({@code nightbench.reports-dir}, default {@code reports})
 * @param report     how a run is compared with its baseline ({@code nightbench.report.*})
 * @param serve      what {@code serve} runs and when ({@code nightbench.serve.*})
 * @param alerts     webhooks told about every plan's runs, and their retries ({@code nightbench.alerts.*})
 * @param monitoring how often {@code serve}'s Prometheus metrics read the history ({@code nightbench.monitoring.*})
 * @param scale      the queue and wait of scaled runs' workers ({@code nightbench.scale.*})
 */
@ConfigurationProperties(NightbenchProperties.PREFIX)
public record NightbenchProperties(@DefaultValue(DEFAULT_REPORTS_DIR) Path reportsDir,
                                   @DefaultValue TrendSettings report,
                                   @DefaultValue ServeProperties serve, AlertProperties alerts,
                                   @DefaultValue MonitoringProperties monitoring,
                                   @DefaultValue ScaleProperties scale) {

    static final String PREFIX = "nightbench";
    static final String DEFAULT_REPORTS_DIR = "reports";

    @ConstructorBinding
    public NightbenchProperties {
        alerts = alerts == null ? AlertProperties.DEFAULTS : alerts;
        reportsDir = reportsDir == null ? Path.of(DEFAULT_REPORTS_DIR) : reportsDir;
        report = report == null ? TrendSettings.defaults() : report;
        serve = serve == null ? new ServeProperties(null) : serve;
        monitoring = monitoring == null ? MonitoringProperties.defaults() : monitoring;
        scale = scale == null ? new ScaleProperties(null, null) : scale;
    }

    /** Without {@code alerts}, {@code monitoring} and {@code scale} (the constructor before they were added). */
    public NightbenchProperties(Path reportsDir, TrendSettings report, ServeProperties serve) {
        this(reportsDir, report, serve, null, null, null);
    }

    /**
     * {@code nightbench.reports-dir} as Spring binds it, for a command that does not start the full context
     * ({@code doctor}): from {@code environment} when there is one, else from system properties and environment
     * variables alone.
     */
    static Path reportsDir(ConfigurableEnvironment environment) {
        ConfigurableEnvironment source = environment;
        if (source == null) {
            source = new StandardEnvironment();
            ConfigurationPropertySources.attach(source);
        }
        return Binder.get(source).bind(PREFIX + ".reports-dir", Path.class).orElse(Path.of(DEFAULT_REPORTS_DIR));
    }
}
