package com.ffs.validator.inference;

/** A model that cannot be loaded; the message names the file and what was expected, and is shown as is. */
public final class ModelLoadException extends RuntimeException {

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
