package com.ffs.validator.validation;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits on one request and the pipeline that serves it. */
@ConfigMapping(prefix = "validator.request")
public interface RequestConfig {

    /** Images accepted in one request; more is a 400. */
    @WithDefault("64")
    int maxImages();

    /** Texts accepted in one text-embedding or similarity request; more is a 400. */
    @WithDefault("64")
    int maxTexts();

    /** Longest text accepted, in characters (the text towers read at most 64 or 77 tokens anyway); longer is a 400. */
    @WithDefault("1000")
    int maxTextLength();

    /** How long a request that arrives while models load waits for them before 503 (dev mode waits across reloads). */
    @WithDefault("0s")
    Duration awaitReady();

    /** Threads that decode and preprocess images (default: available cores). */
    Optional<Integer> cpuThreads();

    /**
     * Images accepted and not yet answered, across all requests and jobs; a request that would exceed it is refused
     * with 503 (native API) or waits (RunPod jobs). Bounds memory and every queue behind it.
     */
    @WithDefault("256")
    int maxInFlightImages();

    /**
     * Longest time a request's images are expected to wait behind admitted work (each model's measured time per image)
     * when it is admitted; a request expected to wait longer is refused with 503 and the expected wait (RunPod jobs queue).
     */
    @WithDefault("10s")
    Duration maxQueueTime();
}
