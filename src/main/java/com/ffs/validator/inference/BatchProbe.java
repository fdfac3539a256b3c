package com.ffs.validator.inference;

import ai.onnxruntime.OrtException;

/**
 * Looks at each image batch just before its session runs; an exception it throws fails the batch as the session's
 * would. The service runs with {@link #NONE}; tests stand in a device that fails.
 */
@FunctionalInterface
interface BatchProbe {

    BatchProbe NONE = (kind, count) -> {
    };

    void beforeRun(ModelKind kind, int count) throws OrtException;
}
