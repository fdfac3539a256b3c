package com.ffs.validator.inference;

/** A session run failed; the message is safe to show, the cause carries ONNX Runtime's details. */
public final class InferenceException extends RuntimeException {

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
