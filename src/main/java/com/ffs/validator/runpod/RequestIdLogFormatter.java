package com.ffs.validator.runpod;

import java.util.logging.Formatter;
import java.util.logging.Handler;

import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.JsonFormatter;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * Puts the job id first in each JSON log line as {@code "requestId"} (null outside a job), the field RunPod's Logs tab
 * groups lines by, as runpod-python writes it. Wraps the JSON formatter that quarkus-logging-json installs, which
 * keeps {@code level} and {@code message} but would bury the id inside {@code mdc}.
 */
final class RequestIdLogFormatter extends ExtFormatter {

    private final Formatter json;
    private final boolean traceIds;

    RequestIdLogFormatter(Formatter json) {
        this(json, false);
    }

    /** @param traceIds whether lines carry the trace id too: with tracing on (ids of an SDK that is off go nowhere) */
    RequestIdLogFormatter(Formatter json, boolean traceIds) {
        this.json = json;
        this.traceIds = traceIds;
    }

    @Override
    public String format(ExtLogRecord record) {
        String line = json.format(record);
        String id = record.getMdc(QueueWorker.MDC_REQUEST_ID);
        if (!line.startsWith("{")) {
            return line;
        }
        String field = "\"requestId\":" + (id == null ? "null"
                : "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(id)) + "\"");
        // With tracing on, the trace id as well (the JSON lines leave out the rest of the MDC).
        String traceId = traceIds ? record.getMdc("traceId") : null;
        if (traceId != null && !traceId.isEmpty()) {
            field += ",\"traceId\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(traceId)) + "\"";
        }
        String rest = line.substring(1).stripLeading();
        return "{" + field + (rest.startsWith("}") ? "" : ",") + rest;
    }

    /**
     * Wraps every console handler whose formatter is JSON (the runpod profile turns JSON on); text consoles of dev and
     * test are left alone.
     *
     * @return whether a handler was wrapped
     */
    static boolean install(boolean traceIds) {
        return wrap(LogContext.getLogContext().getLogger("").getHandlers(), traceIds);
    }

    private static boolean wrap(Handler[] handlers, boolean traceIds) {
        boolean wrapped = false;
        for (Handler handler : handlers) {
            if (handler.getFormatter() instanceof JsonFormatter formatter) {
                handler.setFormatter(new RequestIdLogFormatter(formatter, traceIds));
                wrapped = true;
            }
            if (handler instanceof ExtHandler ext) {
                wrapped |= wrap(ext.getHandlers(), traceIds);
            }
        }
        return wrapped;
    }
}
