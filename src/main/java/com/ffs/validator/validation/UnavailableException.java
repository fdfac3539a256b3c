package com.ffs.validator.validation;

import java.time.Duration;

/** The service cannot take the request now (HTTP 503 with Retry-After): models not ready, or queues full. */
public final class UnavailableException extends RuntimeException {

    /** Why the request was turned away. */
    public enum Reason {
        /** Models are still loading; retry shortly. */
        MODELS_NOT_READY,
        /** Models failed to load; the service cannot serve until restarted with working models. */
        MODELS_FAILED,
        /** Too much work in flight; retry shortly. */
        OVERLOADED
    }

    private final Reason reason;
    private final Duration retryAfter;

    public UnavailableException(Reason reason, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
