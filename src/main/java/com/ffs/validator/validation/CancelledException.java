package com.ffs.validator.validation;

/** A request stopped before it was answered: its caller left, its deadline passed, or its job was stopped. */
public final class CancelledException extends RuntimeException {

    public CancelledException(String reason) {
        super(reason, null, false, false);
    }
}
