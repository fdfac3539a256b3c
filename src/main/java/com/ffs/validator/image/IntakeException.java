package com.ffs.validator.image;

/** An image that could not be fetched or decoded; the message is safe to show to the caller. */
public final class IntakeException extends RuntimeException {

    private final IntakeError error;

    public IntakeException(IntakeError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public IntakeException(IntakeError error, String message, Throwable cause) {
        super(message, cause, false, false);
        this.error = error;
    }

    public IntakeError error() {
        return error;
    }
}
