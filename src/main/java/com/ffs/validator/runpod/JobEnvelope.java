package com.ffs.validator.runpod;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * RunPod's job envelope, as /run, /runsync, /status and /cancel return it.
 *
 * @param id job id
 * @param status IN_QUEUE, IN_PROGRESS, COMPLETED, FAILED, CANCELLED or TIMED_OUT
 * @param delayTime milliseconds from submission to start
 * @param executionTime milliseconds from start to finish
 * @param output the result (the native API's response body) when COMPLETED
 * @param error when FAILED, runpod-python's error report (error_type, error_message, ...) as a JSON string,
 *        the same string a RunPod queue job carries
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "id", "status", "delayTime", "executionTime", "output", "error" })
@Schema(name = "JobEnvelope", description = "RunPod job status envelope")
public record JobEnvelope(String id, JobState status, Long delayTime, Long executionTime, Object output,
        String error) {
}
