package dev.nightbench.telemetry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** nvidia-smi's CSV (two GPUs, one without a power reading), found on a PATH and run as a command. */
class NvidiaSmiTest {

    @TempDir
    Path dir;

    @Test
    void sumsMemoryAndPowerTakesTheHighestUtilisationAndSkipsNotAvailable() throws IOException {
        NvidiaSmi.GpuSample s = NvidiaSmi.parse(Fixtures.text("nvidia-smi/query-gpu.csv"));

        Map<String, Double> r = s.readings().stream().collect(Collectors.toMap(Reading::metric, Reading::value));
        assertThat(r).containsEntry(Reading.GPU_MEMORY_USED_MB, 12288.0).containsEntry(Reading.GPU_MEMORY_TOTAL_MB, 49128.0)
                .containsEntry(Reading.GPU_UTIL_PCT, 87.0).containsEntry(Reading.GPU_POWER_W, 312.45);
        assertThat(s.facts().gpuName()).isEqualTo("2 x NVIDIA GeForce RTX 4090 + NVIDIA GeForce RTX 4090");
        assertThat(s.facts().serverVersion()).isEqualTo("driver 550.54.14");
        assertThatThrownBy(() -> NvidiaSmi.parse("No devices were found")).hasMessageContaining("is not name, driver");
    }

    @Test
    void runsTheCommandFoundOnThePathWithTheQueryArguments() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path fixture = dir.resolve("query-gpu.csv");
        Files.writeString(fixture, Fixtures.text("nvidia-smi/query-gpu.csv"));
        Path args = dir.resolve("args.txt");
        Path smi = Files.writeString(bin.resolve("nvidia-smi"), "#!/bin/sh\necho \"$@\" > '" + args + "'\ncat '"
                + fixture + "'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(NvidiaSmi.onPath(dir.resolve("nowhere") + ":" + bin)).contains(smi);
        assertThat(NvidiaSmi.onPath(dir.resolve("nowhere").toString())).isEmpty();
        NvidiaSmi.GpuSample s = new NvidiaSmi(smi, Duration.ofSeconds(5)).read();

        assertThat(s.readings()).hasSize(4);
        assertThat(Files.readString(args).strip()).isEqualTo(String.join(" ", NvidiaSmi.ARGS));
    }
}
