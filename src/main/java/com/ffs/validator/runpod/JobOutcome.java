package com.ffs.validator.runpod;

import com.ffs.validator.validation.ValidationResponse;

/**
 * How a job ended: an output, or an error message for RunPod's {@code error} string.
 *
 * @param output the result when the job succeeded
 * @param error why it failed
 * @param errorType a short class of failure (e.g. RequestException) for RunPod's error report
 */
public record JobOutcome(ValidationResponse output, String error, String errorType) {

    static JobOutcome success(ValidationResponse output) {
        return new JobOutcome(output, null, null);
    }

    static JobOutcome failure(String errorType, String error) {
        return new JobOutcome(null, error, errorType);
    }

    boolean failed() {
        return error != null;
    }
}
