package com.ffs.validator.inference;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
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

    /**
     * Threads ONNX Runtime uses inside one operator (default: on CPU the cores divided by concurrent runs; on CUDA 1,
     * since the GPU does the work and the cores decode images).
     */
    Optional<Integer> intraOpThreads();

    /** Threads ONNX Runtime uses across independent operators. */
    @WithDefault("1")
    int interOpThreads();

    /**
     * Whether ONNX Runtime's idle intra-op threads spin instead of sleeping; off by default because they share the
     * cores with the decode and preprocessing pool.
     */
    @WithDefault("false")
    boolean allowSpinning();

    /**
     * Session runs in flight at once across all models (default: 1 on CPU, where one run uses every core; on CUDA the
     * sum of the models' instances).
     */
    Optional<Integer> concurrentRuns();

    /** Graph optimisation level: {@code none}, {@code basic}, {@code extended} or {@code all}. */
    @WithDefault("all")
    String optimizationLevel();

    /**
     * Memory-pattern planning of activation buffers (default: on for CPU; off for CUDA, where several sessions in one
     * JVM otherwise grow GPU memory).
     */
    Optional<Boolean> memoryPattern();

    /**
     * Lets ONNX Runtime keep a second, pre-arranged copy of constant weights for its CPU matrix kernels; off by
     * default: for ViT batches packing on the fly is a small part of each product, while the copies cost about a
     * quarter more memory.
     */
    @WithDefault("false")
    boolean prepackWeights();

    /**
     * Hands the activation memory a batch used back after each run (default: on for CPU, where the models run one at
     * a time and would otherwise each keep their largest batch's memory; off for CUDA, where allocating device memory
     * again costs time).
     */
    Optional<Boolean> arenaShrinkage();

    /**
     * Native blocks from this size up get their own memory mappings, returned to the system when freed (glibc's
     * {@code M_MMAP_THRESHOLD}); 0 keeps glibc's sliding threshold, under which freed activation memory stays resident.
     */
    @WithDefault("1M")
    MemorySize nativeMmapThreshold();

    /** ONNX Runtime's CPU memory arena, which keeps activation memory for reuse between runs. */
    @WithDefault("true")
    boolean cpuArena();

    /** GPU memory the CUDA arena of one session may take, e.g. {@code 8G} (default: no limit). */
    Optional<MemorySize> cudaGpuMemLimit();

    /** How the CUDA arena grows: {@code next-power-of-two} (ONNX Runtime's default) or {@code same-as-requested}. */
    @WithDefault("next-power-of-two")
    ArenaExtendStrategy cudaArenaExtendStrategy();

    /**
     * cuDNN convolution algorithm search: {@code heuristic} (default: every batch size the batcher forms is a new
     * shape, and an exhaustive search for each would stall those batches), {@code exhaustive} or {@code default}.
     */
    @WithDefault("heuristic")
    CudnnConvAlgoSearch cudaCudnnConvAlgoSearch();

    /** Runs the image graphs through the TensorRT execution provider (CUDA serves what TensorRT cannot). */
    @WithDefault("false")
    boolean tensorrt();

    /**
     * Where TensorRT engines and timing caches are kept, so later starts skip the build (default: a folder under the
     * system temporary directory; point it at a persistent volume).
     */
    Optional<Path> tensorrtCacheDir();

    /** Lets TensorRT build fp16 engines. */
    @WithDefault("true")
    boolean tensorrtFp16();

    /** On a GPU, serves {@code <graph>_fp16.onnx} (e.g. {@code model_fp16.onnx}) instead of the graph when present. */
    @WithDefault("true")
    boolean fp16Graphs();

    /**
     * Folder where ONNX Runtime's optimised graphs are saved on first load and loaded on later starts, skipping
     * graph optimisation (default: off).
     */
    Optional<Path> optimizedModelCache();

    /**
     * Text-embedding requests queued at most for the text towers, which run them one at a time; beyond this new
     * requests are refused (503).
     */
    @WithDefault("32")
    int maxQueuedTextRequests();

    /** Batching of the nsfw model. */
    Batching nsfw();

    /** Batching of the CLIP vision model. */
    Batching clip();

    /** Batching of the SigLIP vision model. */
    Batching siglip();

    /** The processing device. */
    enum Device {
        AUTO,
        CUDA,
        CPU
    }

    /** CUDA arena growth, ONNX Runtime's {@code arena_extend_strategy}. */
    enum ArenaExtendStrategy {
        NEXT_POWER_OF_TWO,
        SAME_AS_REQUESTED
    }

    /** cuDNN convolution algorithm search, ONNX Runtime's {@code cudnn_conv_algo_search}. */
    enum CudnnConvAlgoSearch {
        EXHAUSTIVE,
        HEURISTIC,
        DEFAULT
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

        /**
         * Batches of this model that run at once, like Triton's instance count; on a GPU a second instance overlaps
         * one batch's copies and host work with the next batch's kernels.
         */
        @WithDefault("1")
        int instances();
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
