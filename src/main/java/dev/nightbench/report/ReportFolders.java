package dev.nightbench.report;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Where a run's report goes and who {@code reports/latest.*} belongs to. A folder is named
 * {@code <run-date>_<run-id>_<database>}, the database being the first 8 hex digits of its {@code database_identity}
 * (V31): run ids restart in every database, so {@code <run-date>_<run-id>} alone let a second database's run overwrite
 * the first one's folder. Folders written before V31 keep their old names and stay as they are.
 *
 * <p>{@code latest.md} and {@code latest.html} follow one database, the one {@code reports/latest.database} names
 * (the first to write them): they move only for that database's newest run. Another database's newest run goes to
 * {@code latest-<database>.md} and {@code .html} instead of taking them over.
 */
final class ReportFolders {

    private static final Logger log = LoggerFactory.getLogger(ReportFolders.class);

    /** The file naming the database that {@code latest.*} belong to (its full id, one line). */
    static final String LATEST_OWNER = "latest.database";

    private ReportFolders() {
    }

    /** This database's id (V31), created should its row have been deleted. */
    static String databaseId(JdbcClient jdbc) {
        return jdbc.sql("SELECT id::text FROM database_identity").query(String.class).optional().orElseGet(() -> {
            jdbc.sql("INSERT INTO database_identity DEFAULT VALUES ON CONFLICT DO NOTHING").update();
            return jdbc.sql("SELECT id::text FROM database_identity").query(String.class).single();
        });
    }

    /** "3f9a1c2e" for "3f9a1c2e-...": short enough for a folder name, long enough to tell databases apart. */
    static String shortId(String databaseId) {
        return databaseId.replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
    }

    /** {@code 2026-12-06_41_3f9a1c2e}. */
    static String name(LocalDate runDate, long runId, String databaseId) {
        return runDate + "_" + runId + "_" + shortId(databaseId);
    }

    /** The run's folder under {@code reportsDir}, checked not to escape it. */
    static Path dir(Path reportsDir, ReportData.Run run, String databaseId) {
        Path root = reportsDir.toAbsolutePath().normalize();
        Path dir = root.resolve(name(run.runDate(), run.runId(), databaseId)).normalize();
        if (!dir.startsWith(root)) {
            throw new IllegalStateException("report directory escapes " + reportsDir + ": " + dir);
        }
        return dir;
    }

    /**
     * Copies the run's report in {@code dir} to this database's {@code latest.*} when the run is its newest (or when
     * there is none yet); {@code markdown} is the report with image links relative to {@code reportsDir}.
     */
    static void latest(Path reportsDir, String databaseId, boolean newestRun, Path dir, Supplier<String> markdown)
            throws IOException {
        String latest = latestName(reportsDir, databaseId);
        if (newestRun || Files.notExists(reportsDir.resolve(latest + ".md"))) {
            Files.writeString(reportsDir.resolve(latest + ".md"), markdown.get(), StandardCharsets.UTF_8);
            Files.copy(dir.resolve("report.html"), reportsDir.resolve(latest + ".html"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The names {@code latest.*} of this database get: {@code latest} when they are its, else {@code latest-<id>}. */
    static String latestName(Path reportsDir, String databaseId) throws IOException {
        Path owner = reportsDir.resolve(LATEST_OWNER);
        if (Files.notExists(owner)) {
            // a reports/ folder from before V31 has latest.* and no owner: the database writing now takes them over
            Files.writeString(owner, databaseId + "\n", StandardCharsets.UTF_8);
            return "latest";
        }
        String named = Files.readString(owner, StandardCharsets.UTF_8).strip();
        if (named.equals(databaseId)) {
            return "latest";
        }
        String own = "latest-" + shortId(databaseId);
        log.info("reports/latest.* belong to database {} ({}); this database ({}) writes {}.md and {}.html",
                shortId(named), owner, shortId(databaseId), own, own);
        return own;
    }
}
