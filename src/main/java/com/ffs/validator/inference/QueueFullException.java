package com.ffs.validator.inference;

/** A model's batch queue is full; the caller should retry later. */
public final class QueueFullException extends RuntimeException {

    public QueueFullException(String model) {
        super("the " + model + " model's queue is full", null, false, false);
    }
}
