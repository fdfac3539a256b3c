package com.ffs.validator.validation;

/** A request the service will not run as sent (HTTP 400 on the native API, a FAILED job on RunPod routes). */
public final class RequestException extends RuntimeException {

    /** Machine-readable reason, sent as {@code code} next to the message. */
    public enum Code {
        INVALID_JSON,
        INVALID_REQUEST,
        UNKNOWN_ACTION,
        NO_IMAGES,
        TOO_MANY_IMAGES,
        INVALID_THRESHOLD,
        NO_TEXTS,
        TOO_MANY_TEXTS,
        INVALID_TEXT,
        NO_SIMILARITY_TARGET,
        INVALID_REFERENCE_IMAGE,
        INVALID_TIMEOUT,
        UNKNOWN_CHECK
    }

    private final Code code;

    public RequestException(Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
