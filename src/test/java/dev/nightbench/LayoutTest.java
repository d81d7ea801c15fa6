package dev.nightbench;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.nightbench.client.LayoutLoopFixture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package picture of {@code src/ARCHITECTURE.md} as a checked fact: which feature package may import which,
 * no loops between packages, and the few libraries that only one package may touch. A change that adds an arrow
 * the picture does not have fails here; change the picture and this test together, on purpose.
 */
class LayoutTest {

    /** The arrows between the packages under {@code dev.nightbench}; anything not listed is forbidden. */
    static final ArchRule ALLOWED_ARROWS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("root").definedBy("dev.nightbench")
            .layer("cli").definedBy("dev.nightbench.cli..")
            .layer("doctor").definedBy("dev.nightbench.doctor..")
            .layer("dashboard").definedBy("dev.nightbench.dashboard..")
            .layer("monitoring").definedBy("dev.nightbench.monitoring..")
            .layer("run").definedBy("dev.nightbench.run..")
            .layer("alert").definedBy("dev.nightbench.alert..")
            .layer("report").definedBy("dev.nightbench.report..")
            .layer("store").definedBy("dev.nightbench.store..")
            .layer("measure").definedBy("dev.nightbench.measure..")
            .layer("quality").definedBy("dev.nightbench.quality..")
            .layer("telemetry").definedBy("dev.nightbench.telemetry..")
            .layer("plan").definedBy("dev.nightbench.plan..")
            .layer("client").definedBy("dev.nightbench.client..")
            .layer("db").definedBy("dev.nightbench.db..")
            .whereLayer("root").mayNotAccessAnyLayer()
            .whereLayer("client").mayNotAccessAnyLayer()
            .whereLayer("plan").mayOnlyAccessLayers("client")
            .whereLayer("db").mayNotAccessAnyLayer()
            .whereLayer("quality").mayOnlyAccessLayers("plan")
            .whereLayer("telemetry").mayOnlyAccessLayers("plan")
            .whereLayer("measure").mayOnlyAccessLayers("client", "plan")
            .whereLayer("store").mayOnlyAccessLayers("plan", "client")
            .whereLayer("report").mayOnlyAccessLayers("store", "measure", "plan", "client")
            .whereLayer("alert").mayOnlyAccessLayers("store", "plan")
            .whereLayer("run").mayOnlyAccessLayers("alert", "report", "store", "measure", "quality", "telemetry",
                    "plan", "client")
            .whereLayer("dashboard").mayOnlyAccessLayers("report")
            .whereLayer("doctor").mayOnlyAccessLayers("run", "measure", "plan", "client", "db")
            .whereLayer("monitoring").mayOnlyAccessLayers("store")
            .whereLayer("cli").mayOnlyAccessLayers("root", "doctor", "dashboard", "monitoring", "run", "alert", "report",
                    "store", "measure", "quality", "telemetry", "plan", "client", "db")
            .as("packages import only along the arrows of src/ARCHITECTURE.md");

    static final ArchRule NO_LOOPS = slices().matching("dev.nightbench.(*)..").should().beFreeOfCycles()
            .as("no import loop between any two packages");

    static final ArchRule OPENAI_SDK_ONLY_IN_CLIENT_OPENAI = noClasses()
            .that().resideOutsideOfPackage("dev.nightbench.client.openai..")
            .should().dependOnClassesThat().resideInAPackage("com.openai..")
            .as("only client/openai uses the openai-java SDK");

    static final ArchRule LLAMA_BINDING_ONLY_IN_CLIENT_GGUF = noClasses()
            .that().resideOutsideOfPackage("dev.nightbench.client.gguf..")
            .should().dependOnClassesThat().resideInAPackage("de.kherud..")
            .as("only client/gguf uses llama.cpp's Java binding");

    static final ArchRule NO_STATIC_STEP_LOOKUP = noClasses()
            .should().dependOnClassesThat().haveFullyQualifiedName(
                    "org.springframework.batch.core.scope.context.StepSynchronizationManager")
            .as("run state comes from Spring Batch's scopes, never a static step lookup");

    /**
     * The CLI's own output goes through {@code cli}; everything else logs. Two exceptions, on purpose: the measure
     * step's progress line redraws itself on a terminal, and a crash point (test fault injection) halts the JVM at
     * once, before a logger could flush.
     */
    static final ArchRule NO_CONSOLE_OUTSIDE_CLI = noClasses()
            .that().resideOutsideOfPackage("dev.nightbench.cli..")
            .and().doNotHaveFullyQualifiedName("dev.nightbench.run.MeasureProgress")
            .and().doNotHaveFullyQualifiedName("dev.nightbench.run.CrashPoints")
            .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
            .as("no System.out or System.err outside the CLI's own output");

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.nightbench");

    @Test
    void packagesImportOnlyAlongTheAllowedArrows() {
        ALLOWED_ARROWS.check(MAIN);
    }

    @Test
    void noTwoPackagesImportEachOther() {
        NO_LOOPS.check(MAIN);
    }

    @Test
    void onlyTheOpenAiClientUsesTheSdk() {
        OPENAI_SDK_ONLY_IN_CLIENT_OPENAI.check(MAIN);
    }

    @Test
    void onlyTheGgufClientUsesTheLlamaBinding() {
        LLAMA_BINDING_ONLY_IN_CLIENT_GGUF.check(MAIN);
    }

    @Test
    void noStepReadsItsStateThroughAStaticLookup() {
        NO_STATIC_STEP_LOOKUP.check(MAIN);
    }

    @Test
    void onlyTheCliWritesToTheConsole() {
        NO_CONSOLE_OUTSIDE_CLI.check(MAIN);
    }

    @Test
    void aDeliberateLoopFailsTheLayoutRules() {
        // given: the main classes plus a test-only class in client that imports measure (measure already imports client)
        JavaClasses withLoop = new ClassFileImporter()
                .withImportOption(location -> new ImportOption.DoNotIncludeTests().includes(location)
                        || location.contains(LayoutLoopFixture.class.getSimpleName()))
                .importPackages("dev.nightbench");
        assertThat(withLoop.contain(LayoutLoopFixture.class)).isTrue();

        // when
        EvaluationResult arrows = ALLOWED_ARROWS.evaluate(withLoop);
        EvaluationResult loops = NO_LOOPS.evaluate(withLoop);

        // then
        assertThat(arrows.hasViolation()).isTrue();
        assertThat(String.join("\n", arrows.getFailureReport().getDetails())).contains("LayoutLoopFixture");
        assertThat(loops.hasViolation()).isTrue();
        assertThat(String.join("\n", loops.getFailureReport().getDetails())).contains("LayoutLoopFixture");
    }

    /** Over ~400 lines a class must say why in its class comment ("Over 400 lines because ..."). */
    @Test
    void noLongClassWithoutAStatedReason() throws IOException {
        Pattern reason = Pattern.compile("(?i)over 400 lines");
        List<String> unexplained = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                if (lines.size() > 420 && !reason.matcher(String.join("\n", lines)).find()) {
                    unexplained.add(f + " (" + lines.size() + " lines)");
                }
            }
        }
        assertThat(unexplained).as("classes over ~400 lines without a reason in their comment").isEmpty();
    }

    @Test
    void noSettingIsReadWithValueOutsideThePropertiesTree() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).contains("@Value(\"${nightbench")) {
                    found.add(f.toString());
                }
            }
        }
        assertThat(found).as("nightbench.* settings read with @Value instead of the properties tree").isEmpty();
    }
}
