package dev.nightbench.telemetry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The machine a run ran on, read once when the run is registered (issue 13, item 4), so that comparing two runs can
 * say whether the host, CPU, memory, JVM or GPU changed between them: a GPU-on/GPU-off comparison is only meaningful
 * when nothing else moved. Linux's {@code /proc/cpuinfo} and {@code /proc/meminfo}, the JVM's own properties, and
 * {@link NvidiaSmi} (the telemetry sampler's query: its name and driver columns) when {@code nvidia-smi} is on the
 * {@code PATH}. Nothing here may fail a run: what cannot be read is null.
 *
 * @param hostName      the host name, {@code "unknown"} if it cannot be resolved
 * @param os            {@code os.name os.version (os.arch)}
 * @param cpuModel      the first CPU's model name, null when not readable (no {@code /proc} on macOS or Windows)
 * @param cpuCores      logical processors available to this JVM
 * @param memoryTotalMb total memory from {@code /proc/meminfo}, null when not readable
 * @param jvmVersion    {@code java.vm.vendor java.runtime.version}
 * @param gpuName       the GPUs' names from nvidia-smi, null without one
 * @param gpuDriver     the NVIDIA driver version, null without one
 */
public record HostEnvironment(String hostName, String os, String cpuModel, int cpuCores, Long memoryTotalMb,
                              String jvmVersion, String gpuName, String gpuDriver) {

    private static final Logger log = LoggerFactory.getLogger(HostEnvironment.class);

    /** nvidia-smi answers in well under a second; a hung driver must not hold up registerRun for long. */
    private static final Duration NVIDIA_SMI_TIMEOUT = Duration.ofSeconds(5);

    /** Reads this machine's environment, {@code path} being the {@code PATH} nvidia-smi is looked for on. */
    public static HostEnvironment probe(String path) {
        String cpu = read(Path.of("/proc/cpuinfo")).map(HostEnvironment::cpuModel).orElse(null);
        Long memory = read(Path.of("/proc/meminfo")).map(HostEnvironment::memoryTotalMb).orElse(null);
        String gpuName = null;
        String gpuDriver = null;
        Optional<Path> smi = NvidiaSmi.onPath(path);
        if (smi.isPresent()) {
            try {
                Facts facts = new NvidiaSmi(smi.get(), NVIDIA_SMI_TIMEOUT).read().facts();
                gpuName = facts.gpuName();
                gpuDriver = facts.serverVersion() == null ? null : facts.serverVersion().replaceFirst("^driver ", "");
            } catch (IOException | RuntimeException e) {
                log.warn("nvidia-smi is on the PATH but did not answer; the run's GPU is not recorded: {}", e.getMessage());
            }
        }
        return new HostEnvironment(localHostName(), System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " (" + System.getProperty("os.arch") + ")", cpu, Runtime.getRuntime().availableProcessors(), memory,
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"), gpuName,
                gpuDriver);
    }

    /**
     * The first processor's model from {@code /proc/cpuinfo}: {@code model name} on x86, else {@code Hardware}
     * or {@code Processor} as ARM kernels write it; null when none is there.
     */
    static String cpuModel(String cpuinfo) {
        String fallback = null;
        for (String line : cpuinfo.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (value.isEmpty()) {
                continue;
            }
            if (key.equals("model name")) {
                return value;
            }
            if (fallback == null && (key.equals("Hardware") || key.equals("Processor") || key.equals("cpu model"))) {
                fallback = value;
            }
        }
        return fallback;
    }

    /** {@code MemTotal: 16318420 kB} in MB (rounded down); null when the line is absent or not a number. */
    static Long memoryTotalMb(String meminfo) {
        for (String line : meminfo.split("\\R")) {
            if (line.startsWith("MemTotal:")) {
                String[] f = line.substring("MemTotal:".length()).strip().split("\\s+");
                try {
                    long kb = Long.parseLong(f[0]);
                    return kb / 1024;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.isReadable(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
