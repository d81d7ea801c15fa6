package dev.nightbench.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;

/**
 * Where log output goes (configured in {@code logback.xml}): everything, stack traces included, to the log file
 * under {@code NIGHTBENCH_LOG_DIR} (default {@code ~/.nightbench/logs}); on the console only Nightbench's own
 * messages, one line each, without stack traces, so a failure reads as the one paragraph the CLI prints about it.
 * {@code --verbose} puts everything on the console too, stack traces included.
 */
public final class Logs {

    /** Events with this marker go to the log file only (e.g. the stack trace behind a message already printed). */
    public static final Marker FILE_ONLY = MarkerFactory.getMarker("FILE_ONLY");

    private static volatile boolean verbose;

    private Logs() {
    }

    static void verbose(boolean on) {
        verbose = on;
    }

    static boolean verbose() {
        return verbose;
    }

    /** The log file being written, if the file appender is configured. */
    static Optional<Path> file() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return Optional.empty();
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof FileAppender<ILoggingEvent> f && f.getFile() != null) {
                return Optional.of(Path.of(f.getFile()));
            }
        }
        return Optional.empty();
    }

    /** "Details: PATH" for messages that point at the log file, or empty when there is none. */
    static String details() {
        return file().map(f -> " Details: " + f + (verbose ? "" : " (or run again with --verbose)") + ".").orElse("");
    }

    /**
     * The console's filter: with {@code verbose} false it lets through Nightbench's own events only (not file-only
     * ones) while {@code --verbose} is off; with {@code verbose} true, everything while {@code --verbose} is on.
     * logback.xml pairs each with its own console appender (without and with stack traces).
     */
    public static final class ConsoleFilter extends Filter<ILoggingEvent> {

        private boolean forVerbose;

        public void setVerbose(boolean forVerbose) {
            this.forVerbose = forVerbose;
        }

        @Override
        public FilterReply decide(ILoggingEvent event) {
            if (forVerbose != verbose) {
                return FilterReply.DENY;
            }
            if (verbose) {
                return FilterReply.NEUTRAL;
            }
            boolean fileOnly = event.getMarkerList() != null && event.getMarkerList().contains(FILE_ONLY);
            return !fileOnly && event.getLoggerName().startsWith("dev.nightbench") ? FilterReply.NEUTRAL : FilterReply.DENY;
        }
    }
}
