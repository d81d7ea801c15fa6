package dev.nightbench.telemetry;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code nvidia-smi --query-gpu=name,driver_version,memory.used,memory.total,utilization.gpu,power.draw
 * --format=csv,noheader,nounits}, one line per GPU, run only when the command is on the {@code PATH}. Memory and power
 * are summed over the GPUs, utilisation is the highest; a field a GPU does not report ({@code [N/A]},
 * {@code [Not Supported]}) is left out.
 */
public final class NvidiaSmi {

    static final List<String> ARGS = List.of(
            "--query-gpu=name,driver_version,memory.used,memory.total,utilization.gpu,power.draw",
            "--format=csv,noheader,nounits");

    private final Path command;
    private final Duration timeout;

    public NvidiaSmi(Path command, Duration timeout) {
        this.command = command;
        this.timeout = timeout;
    }

    /** {@code nvidia-smi} on this {@code PATH}, if it is there. */
    public static Optional<Path> onPath(String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                Path p = Path.of(dir, "nvidia-smi");
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** One reading of the GPUs, with their names and driver. */
    record GpuSample(List<Reading> readings, Facts facts) {
    }

    GpuSample read() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(command.toString());
        cmd.addAll(ARGS);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("nvidia-smi did not answer within " + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("nvidia-smi exited with " + p.exitValue() + ": " + out.strip());
        }
        return parse(out);
    }

    static GpuSample parse(String csv) throws IOException {
        double used = 0;
        double total = 0;
        double power = 0;
        double util = -1;
        boolean anyUsed = false;
        boolean anyTotal = false;
        boolean anyPower = false;
        List<String> names = new ArrayList<>();
        String driver = null;
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 6) {
                throw new IOException("nvidia-smi line is not name, driver, memory used, memory total, utilisation,"
                        + " power: '" + line.strip() + "'");
            }
            names.add(f[0].strip());
            driver = f[1].strip();
            Double u = number(f[2]);
            Double t = number(f[3]);
            Double g = number(f[4]);
            Double w = number(f[5]);
            if (u != null) {
                used += u;
                anyUsed = true;
            }
            if (t != null) {
                total += t;
                anyTotal = true;
            }
            if (g != null) {
                util = Math.max(util, g);
            }
            if (w != null) {
                power += w;
                anyPower = true;
            }
        }
        if (names.isEmpty()) {
            throw new IOException("nvidia-smi listed no GPU");
        }
        List<Reading> readings = new ArrayList<>();
        if (anyUsed) {
            readings.add(new Reading(Reading.GPU_MEMORY_USED_MB, used));
        }
        if (anyTotal) {
            readings.add(new Reading(Reading.GPU_MEMORY_TOTAL_MB, total));
        }
        if (util >= 0) {
            readings.add(new Reading(Reading.GPU_UTIL_PCT, util));
        }
        if (anyPower) {
            readings.add(new Reading(Reading.GPU_POWER_W, power));
        }
        String gpus = names.size() == 1 ? names.getFirst() : names.size() + " x " + String.join(" + ", names);
        return new GpuSample(readings, new Facts("driver " + driver, null, null, null, null, gpus));
    }

    private static Double number(String field) {
        String s = field.strip();
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) ? v : null;
        } catch (NumberFormatException e) {
            return null; // [N/A], [Not Supported]
        }
    }
}
