package com.ffs.validator.testing;

import java.util.IllegalFormatException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what the loggers under one name (a package or a class) write while it is open, for tests that assert a
 * cause was logged. Works outside Quarkus, where the service's log calls go to the JDK's logger tree.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(String name) {
        this.logger = Logger.getLogger(name);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /** Starts recording everything logged under {@code name}. */
    public static LogCapture of(String name) {
        return new LogCapture(name);
    }

    /** The messages logged at {@code level} or above so far, formatted. */
    public List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).map(LogCapture::text)
                .toList();
    }

    private static String text(LogRecord record) {
        String message = record.getMessage();
        Object[] params = record.getParameters();
        if (message != null && params != null && params.length > 0 && message.contains("%")) {
            try {
                message = String.format(message, params);
            } catch (IllegalFormatException e) {
                // Keep the raw pattern; the test still sees it.
            }
        }
        return message;
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
