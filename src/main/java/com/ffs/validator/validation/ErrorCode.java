package com.ffs.validator.validation;

import com.ffs.validator.image.IntakeError;

/** The stable per-image error codes of the API. Extend as needed; never rename. */
public enum ErrorCode {
    INVALID_URL,
    INVALID_IMAGE_DATA,
    FETCH_BLOCKED,
    FETCH_FAILED,
    FETCH_TIMEOUT,
    FETCH_HTTP_STATUS,
    FETCH_TOO_LARGE,
    UNSUPPORTED_FORMAT,
    DECODE_FAILED,
    IMAGE_TOO_LARGE,
    INFERENCE_FAILED,
    /** The request was stopped (caller gone, deadline passed, job stopped) before this image was done. */
    CANCELLED,
    INTERNAL_ERROR;

    static ErrorCode of(IntakeError error) {
        return valueOf(error.name());
    }
}
