package com.ffs.validator.inference;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How ONNX Runtime runs the models. */
@ConfigMapping(prefix = "validator.inference")
public interface InferenceConfig {

    /** Execution provider: {@code auto} tries CUDA and falls back to CPU, {@code cuda} requires it, {@code cpu} never tries. */
    @WithDefault("auto")
    Device device();

    /** CUDA device ordinal. */
    @WithDefault("0")
    int cudaDeviceId();

    /** Threads ONNX Runtime uses inside one operator (default: available cores divided by concurrent runs). */
    Optional<Integer> intraOpThreads();

    /** Threads ONNX Runtime uses across independent operators. */
    @WithDefault("1")
    int interOpThreads();

    /** Session runs in flight at once across all models (default: 1 on CPU, where one run uses every core; 3 on CUDA). */
    Optional<Integer> concurrentRuns();

    /** Graph optimisation level: {@code none}, {@code basic}, {@code extended} or {@code all}. */
    @WithDefault("all")
    String optimizationLevel();

    /** Batching of the nsfw model. */
    Batching nsfw();

    /** Batching of the CLIP vision model. */
    Batching clip();

    /** Batching of the SigLIP vision model. */
    Batching siglip();

    /** The processing device. */
    enum Device {
        AUTO, CUDA, CPU
    }

    /** A dynamic batcher's limits, like Triton's dynamic_batching. */
    interface Batching {

        /** Largest batch run at once. */
        @WithDefault("8")
        int maxBatchSize();

        /** Longest time the oldest queued image waits for a batch to fill before it runs anyway. */
        @WithDefault("5ms")
        Duration maxQueueDelay();

        /** Images queued at most; beyond this new work is refused (503) or waits (RunPod jobs). */
        @WithDefault("64")
        int maxQueuedImages();
    }

    /** The batching of one model. */
    default Batching batching(ModelKind kind) {
        return switch (kind) {
            case NSFW -> nsfw();
            case CLIP -> clip();
            case SIGLIP -> siglip();
        };
    }
}
