package com.ffs.validator.inference;

/**
 * A loaded model, as readiness data and responses show it.
 *
 * @param kind which model
 * @param name model id from its config.json
 * @param provider execution provider the session runs on ({@code CUDA} or {@code CPU})
 * @param demo whether this is a generated demo model
 * @param loadMillis time to create the sessions and warm them up
 * @param embeddingDim width of the image output (logits for classifiers)
 */
public record ModelStatus(ModelKind kind, String name, String provider, boolean demo, long loadMillis,
        int embeddingDim) {
}
