package dev.nightbench.support;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The sample third-party model provider ({@code src/test/provider-sample/}: Ollama's native API) as a jar of its own,
 * compiled from its sources with the JDK's compiler against the tests' class path, once per test JVM, into
 * {@code target/provider-sample/<pid>/}. Its classes are never on the tests' class path: a child JVM gets the jar appended to
 * its {@code -cp} ({@link ChildJvm#start(List, Path, Path, java.util.Map, String...)}) and finds the provider through
 * {@link java.util.ServiceLoader}, as a user's installation would.
 */
public final class SampleProviderJar {

    /** The provider's endpoint type. */
    public static final String TYPE = "ollama-native";
    /** Its class, for a test that checks it is not on the tests' class path. */
    public static final String PROVIDER_CLASS = "com.example.nightbench.ollama.OllamaNativeProvider";

    private static Path jar;

    private SampleProviderJar() {
    }

    /** The jar, built on first use. */
    public static synchronized Path jar() {
        if (jar == null) {
            try {
                jar = build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot build the sample provider's jar", e);
            }
        }
        return jar;
    }

    private static Path build() throws IOException {
        Path testClasses;
        try {
            testClasses = Path.of(SampleProviderJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path target = testClasses.getParent();
        Path sources = target.getParent().resolve("src/test/provider-sample");
        // one directory per test JVM: parallel Surefire forks must not delete or write each other's jar
        Path out = target.resolve("provider-sample").resolve(String.valueOf(ProcessHandle.current().pid()));
        Path classes = out.resolve("classes");
        deleteTree(out);
        Files.createDirectories(classes);
        List<Path> javaFiles;
        try (Stream<Path> files = Files.walk(sources.resolve("java"))) {
            javaFiles = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("the tests run on a JRE without javac (" + System.getProperty("java.home")
                    + "); the sample provider needs a JDK");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = compiler.getTask(null, files, diagnostics, List.of("-classpath",
                            System.getProperty("java.class.path"), "-d", classes.toString(), "--release", "21",
                            "-Xlint:all,-path,-options", "-Werror", "-proc:none"), null, files.getJavaFileObjectsFromPaths(javaFiles))
                    .call();
            if (!ok) {
                throw new IllegalStateException("the sample provider does not compile: " + diagnostics.getDiagnostics());
            }
        }
        copyTree(sources.resolve("resources"), classes);
        Path result = out.resolve("ollama-native-provider.jar");
        try (OutputStream file = Files.newOutputStream(result); JarOutputStream jarOut = new JarOutputStream(file);
             Stream<Path> entries = Files.walk(classes)) {
            for (Path p : entries.filter(Files::isRegularFile).sorted().toList()) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, jarOut);
                jarOut.closeEntry();
            }
        }
        return result;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                Files.createDirectories(dest.getParent());
                Files.copy(p, dest);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
