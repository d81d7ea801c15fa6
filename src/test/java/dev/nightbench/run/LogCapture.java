package dev.nightbench.run;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records the log lines of a logger (and its children) with the thread and log context (MDC) they were written
 * with, read on the writing thread. Attach, run, read, close.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    /** One log line: its thread, message and log context. */
    record Line(String thread, String logger, String message, Map<String, String> mdc) {
    }

    private final Logger logger;
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogCapture(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        setName("capture-" + loggerName);
        setContext(logger.getLoggerContext());
        start();
        logger.addAppender(this);
    }

    static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(new Line(event.getThreadName(), event.getLoggerName(), event.getFormattedMessage(),
                Map.copyOf(event.getMDCPropertyMap())));
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
    }
}
