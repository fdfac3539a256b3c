package com.ffs.validator.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;

/**
 * Records the lines the console would print for what the loggers under one name write while it is open, formatted by
 * the console handler Quarkus configured ({@code quarkus.log.console.format}). Inside a {@code @QuarkusTest}.
 */
public final class ConsoleLines extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Handler console;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ConsoleLines(String name) {
        this.console = find(LogContext.getLogContext().getLogger("").getHandlers());
        if (console == null) {
            throw new IllegalStateException("no console handler with a formatter");
        }
        this.logger = Logger.getLogger(name);
        logger.addHandler(this);
    }

    /** Starts recording the console lines of everything logged under {@code name}. */
    public static ConsoleLines of(String name) {
        return new ConsoleLines(name);
    }

    /** The lines so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The handler that writes the console's lines (the one with a formatter), however Quarkus nests it. */
    private static Handler find(Handler[] handlers) {
        for (Handler handler : handlers) {
            if (handler.getFormatter() != null) {
                return handler;
            }
            if (handler instanceof ExtHandler ext) {
                Handler inner = find(ext.getHandlers());
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(console.getFormatter().format(ExtLogRecord.wrap(record)));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
