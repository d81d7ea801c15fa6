package dev.nightbench.client.gguf;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What Nightbench reads of a GGUF file itself, without llama.cpp: that it is one (the magic bytes {@code GGUF}), and
 * the scalar metadata of its header (never the tensors). The one value it needs is whether llama.cpp's tokenizer adds
 * a BOS token to a prompt ({@link #addsBos()}): the binding's {@code encode} tokenizes without it, while llama-server
 * counts it in {@code usage.prompt_tokens}.
 *
 * @param metadata the header's scalar keys and values (strings, numbers, booleans); arrays are skipped
 */
record GgufFile(Map<String, Object> metadata) {

    static final byte[] MAGIC = "GGUF".getBytes(StandardCharsets.US_ASCII);

    /** Null when {@code file} starts with the magic bytes {@code GGUF}; else what it starts with. */
    static String notGguf(Path file) {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        } catch (IOException e) {
            return "cannot read " + file + ": " + e.getMessage();
        }
        if (n == 4 && Arrays.equals(head, MAGIC)) {
            return null;
        }
        return file + " is not a GGUF file (it does not start with the magic bytes \"GGUF\""
                + (n == 0 ? "; it is empty)" : ")");
    }

    /** The header's scalar metadata. */
    static GgufFile read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            byte[] magic = in.readNBytes(4);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(notGguf(file));
            }
            int version = u32(in);
            if (version < 2) {
                throw new IOException(file + " is GGUF version " + version + "; llama.cpp reads version 2 and later");
            }
            u64(in); // tensor count
            long kvCount = u64(in);
            Map<String, Object> metadata = new HashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = string(in);
                Object value = value(in, u32(in));
                if (value != null) {
                    metadata.put(key, value);
                }
            }
            return new GgufFile(Map.copyOf(metadata));
        } catch (EOFException e) {
            throw new IOException(file + " ends inside its GGUF header", e);
        }
    }

    /**
     * Whether llama.cpp adds a BOS token when it tokenizes a prompt: {@code tokenizer.ggml.add_bos_token} when given,
     * else its vocabulary type's default (SentencePiece {@code llama} and WordPiece {@code bert}: yes; others: no).
     */
    boolean addsBos() {
        if (metadata.get("tokenizer.ggml.add_bos_token") instanceof Boolean b) {
            return b;
        }
        Object model = metadata.get("tokenizer.ggml.model");
        return "llama".equals(model) || "bert".equals(model);
    }

    /** Whether it carries a chat template (without one llama.cpp formats chats as ChatML). */
    boolean hasChatTemplate() {
        return metadata.get("tokenizer.chat_template") instanceof String s && !s.isBlank();
    }

    private static Object value(DataInputStream in, int type) throws IOException {
        return switch (type) {
            case 0 -> (long) in.readUnsignedByte();
            case 1 -> (long) in.readByte();
            case 2 -> (long) Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            case 3 -> (long) Short.reverseBytes(in.readShort());
            case 4 -> Integer.toUnsignedLong(u32(in));
            case 5 -> (long) u32(in);
            case 6 -> (double) Float.intBitsToFloat(u32(in));
            case 7 -> in.readUnsignedByte() != 0;
            case 8 -> string(in);
            case 9 -> skipArray(in);
            case 10, 11 -> u64(in);
            case 12 -> Double.longBitsToDouble(u64(in));
            default -> throw new IOException("unknown GGUF value type " + type);
        };
    }

    private static Object skipArray(DataInputStream in) throws IOException {
        int type = u32(in);
        long count = u64(in);
        int width = switch (type) {
            case 0, 1, 7 -> 1;
            case 2, 3 -> 2;
            case 4, 5, 6 -> 4;
            case 10, 11, 12 -> 8;
            default -> 0;
        };
        if (width > 0) {
            in.skipNBytes(count * width);
        } else {
            for (long i = 0; i < count; i++) {
                value(in, type);
            }
        }
        return null;
    }

    private static String string(DataInputStream in) throws IOException {
        long length = u64(in);
        if (length < 0 || length > 64L << 20) {
            throw new IOException("a GGUF string of " + length + " bytes");
        }
        return new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
    }

    private static int u32(DataInputStream in) throws IOException {
        return Integer.reverseBytes(in.readInt());
    }

    private static long u64(DataInputStream in) throws IOException {
        return Long.reverseBytes(in.readLong());
    }
}
