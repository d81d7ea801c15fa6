package dev.nightbench.client.gguf;

import dev.nightbench.support.ChildJvm;
import dev.nightbench.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The binding's process-level faults, each in child JVMs: two processes extracting and loading the native library at
 * once (the binding's own loader would have them delete each other's file in a shared temp directory), and
 * {@code nightbench run} of a gguf plan ending by itself although llama.cpp's native thread outlives
 * {@code LlamaModel.close()}.
 */
class GgufChildJvmTest {

    @Test
    void twoJvmsExtractAndLoadTheLibraryAtOnceAndLeaveTheTempDirectoryAlone(@TempDir Path dir) throws Exception {
        GgufModelClientTest.assumeModels();
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Files.writeString(tmp.resolve("llama-someone-elses"), "keep");
        Files.writeString(tmp.resolve("jllama-someone-elses"), "keep");
        String model = GgufModelClientTest.MODELS.resolve(GgufModelClientTest.STORIES).toString();
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path log = dir.resolve("child-" + i + ".log");
            logs.add(log);
            children.add(loadOnce(log, cache, "-Djava.io.tmpdir=" + tmp, model));
        }
        for (int i = 0; i < 2; i++) {
            assertThat(children.get(i).waitFor(2, TimeUnit.MINUTES)).as("child %d ends; log:%n%s", i,
                    ChildJvm.readLog(logs.get(i))).isTrue();
            assertThat(children.get(i).exitValue()).as("log:%n%s", ChildJvm.readLog(logs.get(i))).isZero();
            assertThat(ChildJvm.readLog(logs.get(i))).contains("answer: ").contains("lib: " + cache);
        }
        assertThat(tmp.resolve("llama-someone-elses")).exists();
        assertThat(tmp.resolve("jllama-someone-elses")).exists();
        try (Stream<Path> files = Files.walk(cache)) {
            List<Path> libs = files.filter(f -> f.getFileName().toString().equals(System.mapLibraryName("jllama")))
                    .toList();
            assertThat(libs).hasSize(1);
            assertThat(Natives.sha256(Files.readAllBytes(libs.getFirst()))).startsWith(
                    libs.getFirst().getParent().getFileName().toString());
        }
    }

    @Test
    void aLibraryBuiltForTheMachineIsUsedWhereTheLibPathPropertyPointsAndNothingIsExtracted(@TempDir Path dir)
            throws Exception {
        GgufModelClientTest.assumeModels();
        Path own = Files.createDirectories(dir.resolve("own-build"));
        try (var in = Natives.class.getResourceAsStream(Natives.resource())) {
            org.junit.jupiter.api.Assumptions.assumeTrue(in != null, "no native library in the binding's jar here");
            Files.copy(in, own.resolve(System.mapLibraryName("jllama")));
        }
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path log = dir.resolve("child.log");
        Process child = loadOnce(log, cache, "-D" + Natives.LIB_PATH + "=" + own,
                GgufModelClientTest.MODELS.resolve(GgufModelClientTest.STORIES).toString());

        assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("child ends; log:%n%s", ChildJvm.readLog(log)).isTrue();
        assertThat(child.exitValue()).as("log:%n%s", ChildJvm.readLog(log)).isZero();
        assertThat(ChildJvm.readLog(log)).contains("answer: ").contains("lib: " + own);
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    /** A child JVM running {@link LoadOnce} on {@code model} with one system property, its cache at {@code cache}. */
    private static Process loadOnce(Path log, Path cache, String property, String model) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", property, LoadOnce.class.getName(), model)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        return pb.start();
    }

    @Test
    void anUnwritableCacheFallsBackToAPrivateDirectory(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Path lib = Natives.extract(file.resolve("jllama"), new byte[] {1, 2, 3}, dir.resolve("private"));
        assertThat(lib).startsWith(dir.resolve("private"));
        assertThat(lib.resolve(System.mapLibraryName("jllama"))).hasBinaryContent(new byte[] {1, 2, 3});
        // and a present library with the right hash is reused as it is
        Path cached = Natives.extract(dir.resolve("cache"), new byte[] {4, 5}, dir.resolve("p2"));
        assertThat(Natives.extract(dir.resolve("cache"), new byte[] {4, 5}, dir.resolve("p3"))).isEqualTo(cached);
    }

    @Test
    void nightbenchRunOfAGgufPlanEndsByItselfWithExitZero(@TempDir Path dir) throws Exception {
        GgufModelClientTest.assumeModels();
        Path plan = Files.writeString(dir.resolve("gguf-exit.yaml"), """
                name: gguf-exit
                endpoints: [{name: local, type: gguf, settings: {threads: 1, context_size: 512}}]
                models: [{alias: stories, model: %s}]
                prompts: [{id: once, text: "Once upon a time"}]
                run: {warmup: 1, rounds: 1, max_tokens: 8, temperature: 0}
                """.formatted(GgufModelClientTest.MODELS.resolve(GgufModelClientTest.STORIES)));
        Path log = dir.resolve("run.log");
        Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", TestDatabase.newDatabase(), "NIGHTBENCH_DB_USER",
                "postgres"); // reports under dir, the working directory
        long start = System.nanoTime();
        Process child = ChildJvm.start(dir, log, env, "run", "--plan", plan.toString());
        boolean ended = child.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            child.destroyForcibly();
        }
        assertThat(ended).as("the run ends by itself; log:%n%s", ChildJvm.readLog(log)).isTrue();
        assertThat(child.exitValue()).as("log:%n%s", ChildJvm.readLog(log)).isZero();
        System.out.printf("gguf run ended by itself in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }
}
