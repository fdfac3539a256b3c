package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.MDC;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON log lines carry the job id at the top as requestId, and null outside a job. */
class RequestIdLogFormatterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @AfterEach
    void clear() {
        MDC.remove(QueueWorker.MDC_REQUEST_ID);
        MDC.remove("traceId");
    }

    private static JsonNode line(String message) throws Exception {
        return line(message, false);
    }

    private static JsonNode line(String message, boolean traceIds) throws Exception {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, message, ExtLogRecord.FormatStyle.NO_FORMAT,
                RequestIdLogFormatterTest.class.getName());
        record.setLoggerName("com.ffs.validator.runpod");
        String text = new RequestIdLogFormatter(new JsonFormatter(), traceIds).format(record);
        assertThat(text.strip()).doesNotContain("\n");
        return MAPPER.readTree(text);
    }

    @Test
    void shouldPutTheJobIdFirstWithLevelAndMessage() throws Exception {
        MDC.put(QueueWorker.MDC_REQUEST_ID, "job-\"1\"");
        JsonNode json = line("Job done in 12 ms");
        assertThat(json.fieldNames().next()).isEqualTo("requestId");
        assertThat(json.get("requestId").asText()).isEqualTo("job-\"1\"");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("message").asText()).isEqualTo("Job done in 12 ms");
    }

    @Test
    void shouldWriteNullOutsideAJob() throws Exception {
        JsonNode json = line("Taking jobs");
        assertThat(json.has("requestId")).isTrue();
        assertThat(json.get("requestId").isNull()).isTrue();
    }

    @Test
    void shouldCarryTheTraceIdWhenTracingIsOn() throws Exception {
        MDC.put(QueueWorker.MDC_REQUEST_ID, "job-1");
        MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(line("Job done", true).get("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(line("Job done", false).has("traceId")).isFalse();
        assertThat(line("Job done", true).get("requestId").asText()).isEqualTo("job-1");
    }
}
