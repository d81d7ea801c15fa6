package dev.nightbench.cli;

import dev.nightbench.doctor.Check;
import dev.nightbench.doctor.Doctor;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PlanException;
import dev.nightbench.plan.PlanLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * {@code nightbench doctor}: runs the {@link Doctor}'s checks against a plan, the configured database (through the
 * small {@link QueryContext}, so the same settings apply as for a run, and nothing is migrated or written) and the
 * reports directory, one line per check. Exit 0 when all pass, 1 otherwise; even a plan that does not load is one
 * failed check, so every other check still runs.
 */
final class DoctorCommand {

    static final String USAGE = """
                    Usage: nightbench doctor [--plan FILE]
                      Checks, one line each: the JDK and Nightbench version; the plan (default jobs/demo.yaml); every
                      endpoint answers GET /models; every model is listed; one short probe chat per model (TTFT and
                      the start of the answer); the database answers and has every migration; the reports directory
                      is writable. Writes no run. Exit 0 when every check passes, 1 otherwise.
                    """;

    private final PrintStream out;
    private final Function<String, String> env;

    DoctorCommand(PrintStream out, Function<String, String> env) {
        this.out = out;
        this.env = env;
    }

    int run(Path planPath) {
        out.println("nightbench doctor: " + planPath);
        Doctor doctor = new Doctor(env, check -> out.println("  " + check.line()));
        doctor.java();
        try {
            Plan plan = new PlanLoader().loadWithSnapshot(planPath).plan();
            doctor.add(Check.ok("plan", plan.source() + " is valid: '" + plan.name() + "', " + plan.endpoints().size()
                    + " endpoint(s), " + plan.models().size() + " model(s), " + plan.prompts().size() + " prompt(s)"));
            doctor.models(plan);
            doctor.alerts(plan);
        } catch (PlanException e) {
            StringBuilder problems = new StringBuilder();
            e.problems().forEach(p -> problems.append("\n        ").append(p));
            doctor.add(Check.fail("plan", e.problems().size() + " problem(s) (nightbench validate --plan " + planPath
                    + "):" + problems));
        }
        ConfigurableEnvironment settings = null; // the context's, with application.yaml; else without Spring
        try (Database db = Database.resolve(env);
             ConfigurableApplicationContext context = QueryContext.start(QueryContext.Runs.class, db)) {
            doctor.database(context.getBean(DataSource.class), db.url());
            settings = context.getEnvironment();
        } catch (RuntimeException e) {
            doctor.add(Check.fail("database", Commands.rootMessage(e)));
        }
        doctor.reports(NightbenchProperties.reportsDir(settings));
        long failed = doctor.checks().stream().filter(c -> !c.ok()).count();
        out.println(failed == 0 ? "All " + doctor.checks().size() + " checks passed."
                : failed + " of " + doctor.checks().size() + " checks failed.");
        return failed == 0 ? Cli.OK : Cli.JOB_FAILED;
    }
}
