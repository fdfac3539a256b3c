package com.ffs.validator.inference;

import java.nio.FloatBuffer;

/** Writes one preprocessed image into its slot of a batch input, from position 0, exactly the model's input size. */
@FunctionalInterface
public interface ImageWriter {
    void write(FloatBuffer slot) throws Exception;
}
