package dev.nightbench.client.gguf;

import de.kherud.llama.LlamaModel;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The GGUF models this process has loaded, kept for its whole life and shared by every gguf client that asks for the
 * same file with the same settings.
 *
 * <p>Why: llama.cpp's Java binding (de.kherud:llama 4.2.0) frees almost nothing when a model is closed. Measured on
 * stories260K (a 1.2 MB file), each load + one answer + close left about 27-33 MB more resident memory (context 512
 * to 8192), so a long-lived {@code nightbench serve} that loaded its gguf models again every night would grow until
 * the machine ran out of memory (bench/gguf/memory.sh). Kept loaded, a model costs its memory once, as with a
 * llama-server that stays up; a later run in the process reuses it and says so instead of a load time
 * ({@link GgufModelClient#loadNote}). A process that runs once ({@code nightbench run}) loads each model once either way.
 *
 * <p>The key is the file's real path, size and modification time and every setting: a file replaced under the same
 * path, or other settings (threads, context, slots ...), is loaded anew; the model it replaces stays in memory, as the
 * binding cannot free it.
 */
final class LoadedModels {

    /** A loaded model: the binding's handle, whether its tokenizer adds BOS, how long loading took, and when. */
    record Loaded(LlamaModel model, boolean addsBos, Duration took, Instant at) {
    }

    /** What a client got: the model, and whether this call loaded it (false: an earlier client of the process did). */
    record Use(Loaded loaded, boolean fresh) {
    }

    /** Loads a model for a key not loaded yet. */
    interface Loader {
        Loaded load() throws IOException;
    }

    private record Key(FileKey file, GgufSettings settings) {
    }

    /** A file's content as far as the file system tells: its real path, size and modification time. */
    private record FileKey(Path realPath, long size, Instant modified) {
        static FileKey of(Path file) throws IOException {
            Path real = file.toRealPath();
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            return new FileKey(real, a.size(), a.lastModifiedTime().toInstant());
        }
    }

    private static final Map<Key, Loaded> MODELS = new ConcurrentHashMap<>();
    private static final Map<FileKey, String> SHA256 = new ConcurrentHashMap<>();

    private LoadedModels() {
    }

    /**
     * The model loaded from {@code file} with {@code settings}: the one loaded earlier in this process, or one that
     * {@code loader} loads now (two callers at once: one loads, the other waits for it). A failed load is not kept.
     */
    static Use use(Path file, GgufSettings settings, Loader loader) throws IOException {
        Key key = key(file, settings);
        Loaded present = MODELS.get(key);
        if (present != null) {
            return new Use(present, false);
        }
        synchronized (LoadedModels.class) { // loads one at a time: a load takes the machine's memory bandwidth anyway
            present = MODELS.get(key);
            if (present != null) {
                return new Use(present, false);
            }
            Loaded loaded = loader.load();
            MODELS.put(key, loaded);
            return new Use(loaded, true);
        }
    }

    /** How many models this process holds (tests, the memory benchmark). */
    static int size() {
        return MODELS.size();
    }

    /**
     * The file's SHA-256 (lower-case hex), read once per process for each path, size and modification time: hashing
     * reads the whole file (1.1-1.2 GB/s on the 2-core test machine, from the page cache), so a 4 GB model costs about
     * 4 s once, outside any request.
     */
    static String sha256(Path file) throws IOException {
        FileKey key = FileKey.of(file);
        String known = SHA256.get(key);
        if (known != null) {
            return known;
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(key.realPath())) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        String hex = HexFormat.of().formatHex(digest.digest());
        SHA256.put(key, hex);
        return hex;
    }

    private static Key key(Path file, GgufSettings settings) throws IOException {
        return new Key(FileKey.of(file), settings);
    }
}
