package com.ffs.validator.runpod;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Job-done bodies as runpod-python builds them: {@code {"output": ...}} for a job that ran, {@code {"error": "..."}}
 * for one that failed, where the error is a <em>string</em> holding a JSON report (error_type, error_message,
 * error_traceback, hostname, worker_id, runpod_version), and {@code "stopPod": true} when the worker asks RunPod to
 * refresh it. A result over the size limit is replaced by an error that says so, since RunPod refuses large bodies and
 * the client would be left without either.
 */
final class ResultBodies {

    static final String TOO_LARGE = "ResultTooLarge";

    private final ObjectMapper mapper;
    private final String hostname;
    private final String workerId;
    private final String version;
    private final long maxBytes;

    ResultBodies(ObjectMapper mapper, String hostname, String workerId, String version, long maxBytes) {
        this.mapper = mapper;
        this.hostname = hostname;
        this.workerId = workerId;
        this.version = version;
        this.maxBytes = maxBytes;
    }

    /** The body for a job's outcome, within the size limit. */
    byte[] of(JobOutcome outcome, boolean stopPod) {
        if (outcome.failed()) {
            return error(outcome.errorType(), outcome.error(), stopPod);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("output", outcome.output());
        if (stopPod) {
            body.put("stopPod", true);
        }
        byte[] bytes = write(body);
        if (bytes.length > maxBytes) {
            return error(TOO_LARGE, "the result is " + bytes.length + " bytes, over the " + maxBytes
                    + "-byte limit for RunPod results (validator.runpod.max-result-bytes); send fewer images per job "
                    + "or ask for an action without embeddings", stopPod);
        }
        return bytes;
    }

    /** A failure body: {@code {"error": "<JSON report>"}}. */
    byte[] error(String type, String message, boolean stopPod) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", report(type, message));
        if (stopPod) {
            body.put("stopPod", true);
        }
        return write(body);
    }

    /** The error report as JSON text, the shape runpod-python sends. */
    String report(String type, String message) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("error_type", type == null ? "Error" : type);
        report.put("error_message", message == null ? "no details" : message);
        report.put("error_traceback", "");
        report.put("hostname", hostname);
        report.put("worker_id", workerId);
        report.put("runpod_version", version);
        try {
            return mapper.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error report", e);
        }
    }

    private byte[] write(Map<String, Object> body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            // Never post nothing: an output that cannot be written becomes an error that can.
            return error("SerializationError", "the result could not be written as JSON: " + e.getOriginalMessage(),
                    body.containsKey("stopPod"));
        }
    }
}
