package dev.nightbench.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a run's report folder the way the tests name it, {@code <run-date>_<run-id>}, now that its name ends with the
 * database's short id ({@code <run-date>_<run-id>_<8 hex digits>}, V31): the tests' database is a fresh one each
 * time, so they cannot know that id in advance.
 */
public final class ReportDirs {

    private static final Pattern DATABASE = Pattern.compile("_[0-9a-f]{8}");

    private ReportDirs() {
    }

    /**
     * The folder {@code reports/<dateAndRunId>_<database>}; when there is none, the path of the old name, so that
     * reading from it fails naming what was looked for. Two folders for one run (two databases) fail the test.
     */
    public static Path of(Path reports, String dateAndRunId) {
        if (Files.notExists(reports)) {
            return reports.resolve(dateAndRunId);
        }
        try (Stream<Path> dirs = Files.list(reports)) {
            List<Path> found = dirs.filter(d -> {
                String name = d.getFileName().toString();
                return name.startsWith(dateAndRunId) && DATABASE.matcher(name.substring(dateAndRunId.length())).matches();
            }).toList();
            if (found.size() > 1) {
                throw new AssertionError("more than one report folder for " + dateAndRunId + ": " + found);
            }
            return found.isEmpty() ? reports.resolve(dateAndRunId) : found.getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
