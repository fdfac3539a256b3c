package com.ffs.validator.inference;

/** Lifecycle of the inference engine. */
public enum EngineState {
    /** Models are being loaded and warmed up. */
    LOADING,
    /** Every model is loaded and warmed. */
    READY,
    /** Loading failed, or a fatal runtime error (e.g. a CUDA fault) made the engine unusable. */
    FAILED
}
