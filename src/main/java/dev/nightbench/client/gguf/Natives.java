package dev.nightbench.client.gguf;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.args.LogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Makes llama.cpp's Java binding safe to load, once per JVM, before any of its classes is first used.
 *
 * <p>The binding's own loader extracts {@code libjllama.so} into {@code java.io.tmpdir} under a fixed name, first
 * deleting every file there whose name starts with {@code jllama} or {@code llama}, and marks it delete-on-exit: two
 * processes starting at once delete or overwrite each other's library. So the library is extracted here instead, into
 * a content-addressed directory ({@code ${XDG_CACHE_HOME:-~/.cache}/nightbench/jllama/<sha256 prefix>/}) through a
 * temporary file and an atomic move, reused while its hash matches; {@code de.kherud.llama.lib.path} points the binding
 * at it, and {@code de.kherud.llama.tmpdir} at a private empty directory, so its clean-up can never touch anything
 * else. When the cache cannot be written, a per-process temporary directory holds the library instead.
 *
 * <p>llama.cpp's own log (a page per model load) goes to SLF4J under {@code dev.nightbench.client.gguf.llama}:
 * its information at DEBUG, its warnings and errors at WARN.
 */
final class Natives {

    private static final Logger log = LoggerFactory.getLogger(Natives.class);
    private static final Logger LLAMA_LOG = LoggerFactory.getLogger("dev.nightbench.client.gguf.llama");
    static final String LIB_PATH = "de.kherud.llama.lib.path";
    static final String TMP_DIR = "de.kherud.llama.tmpdir";

    private static boolean ready;

    private Natives() {
    }

    /** Extracts the library (once), sets the binding's properties and routes its log; idempotent. */
    static synchronized void prepare() {
        if (ready) {
            return;
        }
        try {
            Path privateTmp = Files.createTempDirectory("nightbench-jllama-tmp-");
            privateTmp.toFile().deleteOnExit();
            System.setProperty(TMP_DIR, privateTmp.toString());
            String given = System.getProperty(LIB_PATH);
            String resource = resource();
            byte[] lib = given != null ? null : read(resource);
            if (given != null) {
                // a libjllama built for this machine (java-llama.cpp's CMake build with GGML_NATIVE=ON, or with CUDA
                // for gpu_layers): the shipped one is a portable AVX2 CPU build
                log.info("llama.cpp binding: native library from -D{}={}", LIB_PATH, given);
            } else if (lib == null) {
                log.warn("llama.cpp binding: no native library {} in its jar for this platform; the binding looks for one"
                        + " itself (in {}, a private directory)", resource, privateTmp);
            } else {
                Path dir = extract(cacheRoot(), lib, privateTmp);
                System.setProperty(LIB_PATH, dir.toString());
                log.debug("llama.cpp binding: native library at {}", dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare llama.cpp's native library: " + e.getMessage(), e);
        }
        routeLog(); // loads the library (LlamaModel's static initializer)
        ready = true;
    }

    /**
     * Sends llama.cpp's own log (of llama and ggml) to SLF4J. Again after each model load: the load's
     * {@code common_init()} points that log at llama.cpp's console logger.
     */
    static void routeLog() {
        LlamaModel.setLogger(LogFormat.TEXT, Natives::log);
    }

    /**
     * Whether llama.cpp's console log (the server part of the binding writes its per-request lines straight to
     * stdout, not through the callback) stays on: only when {@code dev.nightbench.client.gguf.llama} logs at DEBUG.
     * Otherwise each model is loaded with {@code --log-disable}, which silences it for the whole process.
     */
    static boolean consoleLog() {
        return LLAMA_LOG.isDebugEnabled();
    }

    private static void log(LogLevel level, String message) {
        String text = message == null ? "" : message.stripTrailing();
        if (text.isEmpty()) {
            return;
        }
        if (level == LogLevel.WARN || level == LogLevel.ERROR) {
            LLAMA_LOG.warn("{}", text);
        } else {
            LLAMA_LOG.debug("{}", text);
        }
    }

    /**
     * The directory holding {@code libjllama} with these bytes: {@code <root>/<sha256 prefix>/}, written when absent
     * or different; under {@code fallback} when {@code root} cannot be written.
     */
    static Path extract(Path root, byte[] lib, Path fallback) throws IOException {
        String name = System.mapLibraryName("jllama");
        String hash = sha256(lib);
        try {
            Path dir = root.resolve(hash.substring(0, 16));
            Files.createDirectories(dir);
            Path target = dir.resolve(name);
            if (Files.isRegularFile(target) && sha256(Files.readAllBytes(target)).equals(hash)) {
                return dir;
            }
            Path part = Files.createTempFile(dir, name + ".", ".part");
            try {
                Files.write(part, lib);
                try {
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(part);
            }
            return dir;
        } catch (IOException | SecurityException e) {
            Path dir = Files.createDirectories(fallback.resolve("lib"));
            log.warn("llama.cpp binding: cannot write its native library under {} ({}); using {} for this process",
                    root, e.toString(), dir);
            Files.write(dir.resolve(name), lib);
            dir.resolve(name).toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return dir;
        }
    }

    /** {@code ${XDG_CACHE_HOME:-~/.cache}/nightbench/jllama}. */
    static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("nightbench").resolve("jllama");
    }

    /** The binding's resource for this platform, as its loader names it: {@code /de/kherud/llama/Linux/x86_64/...}. */
    static String resource() {
        String os = System.getProperty("os.name", "");
        String folder = os.contains("Windows") ? "Windows" : os.contains("Mac") || os.contains("Darwin") ? "Mac"
                : os.contains("Linux") ? "Linux" : os.replaceAll("\\W", "");
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        arch = switch (arch) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "arm64", "aarch64" -> "aarch64";
            default -> arch.replaceAll("\\W", "");
        };
        return "/de/kherud/llama/" + folder + "/" + arch + "/" + System.mapLibraryName("jllama");
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = LlamaModel.class.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
