package com.ffs.validator.inference;

/** Lets tests outside this package release an engine they built by hand. */
public final class Engines {

    private Engines() {
    }

    public static void close(InferenceEngine engine) {
        if (engine != null) {
            engine.close();
        }
    }
}
