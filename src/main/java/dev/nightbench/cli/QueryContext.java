package dev.nightbench.cli;

import dev.nightbench.db.Migrations;
import dev.nightbench.report.ReportService;
import dev.nightbench.store.ComparisonStore;
import dev.nightbench.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Import;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Optional;
import java.util.function.Function;

/**
 * The small Spring context of the commands that only read the history ({@code runs}, {@code report}): the
 * configured DataSource, a JdbcClient and the stores, and for {@code report} the report service. No Spring Batch,
 * no Flyway, no scan of every auto-configuration: those are most of a full launch (bench/README.md, "Startup").
 * Same properties and environment as the full context, so {@code NIGHTBENCH_*} and {@code SPRING_DATASOURCE_*}
 * settings mean the same thing.
 *
 * <p>It answers only when the schema is current ({@link Migrations}); otherwise the caller runs the command in the
 * full context, which migrates first, exactly as before.
 *
 * <p>The source classes are not {@code @Configuration}, so the application's own component scan never picks them up.
 */
final class QueryContext {

    private static final Logger log = LoggerFactory.getLogger(QueryContext.class);

    private QueryContext() {
    }

    /** {@code runs}: the run store on a DataSource. */
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
            JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class})
    @Import(RunStore.class)
    static final class Runs {
    }

    /** {@code report}: the run store and the report service with its repository and settings. */
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
            JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class})
    @Import({RunStore.class, ComparisonStore.class, NightbenchConfiguration.class})
    @ComponentScan(basePackageClasses = ReportService.class)
    static final class Reports {
    }

    /**
     * Starts the context {@code source} on {@code db}, and runs {@code body} in it when the schema is current.
     *
     * @return the command's outcome, or empty when the schema needs migrating (nothing was done)
     */
    static <T> Optional<T> run(Class<?> source, Database db, Function<ConfigurableApplicationContext, T> body) {
        return run(source, db, new String[0], body);
    }

    /** {@link #run(Class, Database, Function)} with Spring command-line arguments ({@code --name=value}). */
    static <T> Optional<T> run(Class<?> source, Database db, String[] springArgs,
                               Function<ConfigurableApplicationContext, T> body) {
        try (ConfigurableApplicationContext context = start(source, db, springArgs)) {
            Migrations.Status schema = Migrations.check(context.getBean(DataSource.class));
            if (!schema.current()) {
                log.debug("Schema not current (pending {}, failed {}): using the full context", schema.pending(),
                        schema.failed());
                return Optional.empty();
            }
            return Optional.of(body.apply(context));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the schema history: " + e.getMessage(), e);
        }
    }

    /** The context {@code source} on {@code db}, whatever the schema (its DataSource connects on first use). */
    static ConfigurableApplicationContext start(Class<?> source, Database db) {
        return start(source, db, new String[0]);
    }

    private static ConfigurableApplicationContext start(Class<?> source, Database db, String[] springArgs) {
        return new SpringApplicationBuilder(source)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .properties(new HashMap<>(db.springProperties()))
                .run(springArgs);
    }
}
