package dev.nightbench.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What PostgreSQL's own lock file, {@code postmaster.pid} in the data directory, says about the server: its
 * process id and port. The file outlives a server killed with -9, so a present file only means "maybe running":
 * {@link #alive()} tells a running (or starting, or stopping) server from a stale file.
 *
 * @param pid  the postmaster's process id (first line)
 * @param port the port it listens on (fourth line)
 */
record PostmasterPid(long pid, int port) {

    static final String FILE = "postmaster.pid";

    /** Empty when there is no file, or it is still being written by a starting server. */
    static Optional<PostmasterPid> read(Path dataDirectory) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDirectory.resolve(FILE));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.size() < 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PostmasterPid(Long.parseLong(lines.get(0).trim()), Integer.parseInt(lines.get(3).trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * True while a server runs on the directory. A clean stop removes the file before the process ends (which may
     * linger a moment as a zombie), a kill -9 leaves the file but no process.
     */
    static boolean running(Path dataDirectory) {
        return read(dataDirectory).map(PostmasterPid::alive).orElse(false);
    }

    static boolean exists(Path dataDirectory) {
        return Files.exists(dataDirectory.resolve(FILE));
    }

    boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
