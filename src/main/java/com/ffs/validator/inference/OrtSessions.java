package com.ffs.validator.inference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import io.quarkus.logging.Log;

/**
 * Builds session options from configuration and decides, once, which execution provider runs the models: CPU, CUDA,
 * or TensorRT in front of CUDA. The option maps and file choices are plain functions, so they can be checked without
 * a GPU.
 */
final class OrtSessions {

    /** What an image graph takes, for TensorRT's shape profile and warm-up: {@code [1..maxBatch, 3, H, W]}. */
    record ImageShape(String input, int height, int width, int maxBatch) {
    }

    private final OrtEnvironment env;
    private final InferenceConfig config;
    private final Provider provider;
    private final int intraOpThreads;
    private final int concurrentRuns;

    /** The execution provider serving the models. */
    enum Provider {
        CPU,
        CUDA,
        TENSORRT;

        boolean gpu() {
            return this != CPU;
        }

        String label() {
            return this == TENSORRT ? "TensorRT+CUDA" : name();
        }
    }

    /** @param totalInstances batches that may run at once across the models (the sum of their instances) */
    OrtSessions(OrtEnvironment env, InferenceConfig config, int totalInstances) {
        this.env = env;
        this.config = config;
        boolean cuda = switch (config.device()) {
            case CPU -> false;
            case CUDA -> {
                String problem = cudaProblem();
                if (problem != null) {
                    throw new ModelLoadException("validator.inference.device=cuda but the CUDA execution provider "
                            + "cannot start: " + problem);
                }
                yield true;
            }
            case AUTO -> {
                String problem = cudaProblem();
                if (problem != null) {
                    Log.warnf("CUDA unavailable, running on CPU (%s)", problem);
                }
                yield problem == null;
            }
        };
        if (cuda && config.tensorrt()) {
            String problem = tensorrtProblem();
            if (problem != null) {
                throw new ModelLoadException("validator.inference.tensorrt=true but the TensorRT execution provider "
                        + "cannot start: " + problem);
            }
        } else if (config.tensorrt()) {
            Log.warn("validator.inference.tensorrt=true has no effect without CUDA; running on CPU");
        }
        this.provider = !cuda ? Provider.CPU : config.tensorrt() ? Provider.TENSORRT : Provider.CUDA;
        this.concurrentRuns = concurrentRuns(config, provider.gpu(), totalInstances);
        this.intraOpThreads = intraOpThreads(config, provider.gpu(), concurrentRuns,
                Runtime.getRuntime().availableProcessors());
    }

    Provider provider() {
        return provider;
    }

    /** Run options for image batches: arena shrinkage as configured; the caller closes them. */
    OrtSession.RunOptions batchRunOptions() {
        try {
            OrtSession.RunOptions options = new OrtSession.RunOptions();
            if (config.arenaShrinkage().orElse(!provider.gpu())) {
                options.addRunConfigEntry("memory.enable_memory_arena_shrinkage",
                        provider.gpu() ? "cpu:0;gpu:" + config.cudaDeviceId() : "cpu:0");
            }
            return options;
        } catch (OrtException e) {
            throw new ModelLoadException("cannot create ONNX Runtime run options: " + firstLine(e.getMessage()), e);
        }
    }

    /** ONNX Runtime threads per session run. */
    int intraOpThreads() {
        return intraOpThreads;
    }

    /** Session runs allowed in flight at once across models. */
    int concurrentRuns() {
        return concurrentRuns;
    }

    static int concurrentRuns(InferenceConfig config, boolean gpu, int totalInstances) {
        return Math.max(1, config.concurrentRuns().orElse(gpu ? totalInstances : 1));
    }

    static int intraOpThreads(InferenceConfig config, boolean gpu, int concurrentRuns, int cores) {
        return Math.max(1, config.intraOpThreads().orElse(gpu ? 1 : cores / Math.max(1, concurrentRuns)));
    }

    /** Opens a text graph, or any graph that needs no image shape profile. */
    Loaded open(Path graph) {
        return open(graph, null);
    }

    /**
     * Creates options and a session for {@code graph} (or its fp16 sibling on a GPU); the caller closes both.
     *
     * @param image the image graph's input shape, for TensorRT; null for text graphs, which stay on CUDA
     */
    Loaded open(Path graph, ImageShape image) {
        Path chosen = graphFor(graph, provider.gpu(), config.fp16Graphs());
        SessionOptions options = new SessionOptions();
        try {
            boolean tensorrt = provider == Provider.TENSORRT && image != null;
            Optional<Path> cached = config.optimizedModelCache().map(dir -> optimizedCacheFile(dir, chosen, provider,
                    config.optimizationLevel()));
            boolean fromCache = cached.isPresent() && Files.isRegularFile(cached.get()) && !tensorrt;
            options.setOptimizationLevel(fromCache ? SessionOptions.OptLevel.NO_OPT
                    : optLevel(config.optimizationLevel()));
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(config.interOpThreads());
            options.addConfigEntry("session.intra_op.allow_spinning", config.allowSpinning() ? "1" : "0");
            options.setMemoryPatternOptimization(config.memoryPattern().orElse(!provider.gpu()));
            options.setCPUArenaAllocator(config.cpuArena());
            options.addConfigEntry("session.disable_prepacking", config.prepackWeights() ? "0" : "1");
            if (tensorrt) {
                try (OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(config.cudaDeviceId())) {
                    for (Map.Entry<String, String> e : tensorrtOptions(config, image, tensorrtCacheDir()).entrySet()) {
                        trt.add(e.getKey(), e.getValue());
                    }
                    options.addTensorrt(trt);
                }
            }
            if (provider.gpu()) {
                try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(config.cudaDeviceId())) {
                    for (Map.Entry<String, String> e : cudaOptions(config).entrySet()) {
                        cuda.add(e.getKey(), e.getValue());
                    }
                    options.addCUDA(cuda);
                }
            }
            Path writing = null;
            if (cached.isPresent() && !fromCache && !tensorrt) {
                Files.createDirectories(cached.get().getParent());
                writing = cached.get().resolveSibling(cached.get().getFileName() + "." + ProcessHandle.current().pid()
                        + ".tmp");
                options.setOptimizedModelFilePath(writing.toString());
            }
            OrtSession session = env.createSession((fromCache ? cached.get() : chosen).toString(), options);
            NativeMemory.releaseFreed();
            if (writing != null) {
                publish(writing, cached.get());
            }
            if (fromCache) {
                Log.debugf("Loaded %s from the optimised-model cache %s", chosen, cached.get());
            }
            return new Loaded(session, options, chosen);
        } catch (OrtException | IOException | RuntimeException e) {
            options.close();
            if (e instanceof ModelLoadException m) {
                throw m;
            }
            throw new ModelLoadException(chosen + ": not a loadable ONNX model (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    /** Moves a freshly written optimised graph into place; a concurrent writer of the same key is harmless. */
    private static void publish(Path written, Path target) {
        try {
            Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            try {
                Files.move(written, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException inner) {
                Log.warnf("Cannot store the optimised graph %s: %s", target, inner.getMessage());
            }
        } catch (IOException e) {
            Log.warnf("Cannot store the optimised graph %s: %s", target, e.getMessage());
        }
    }

    /**
     * The graph to load: on a GPU, {@code <stem>_fp16.onnx} next to {@code graph} when it exists and fp16 graphs are
     * enabled; otherwise {@code graph} itself.
     */
    static Path graphFor(Path graph, boolean gpu, boolean fp16Graphs) {
        if (!gpu || !fp16Graphs) {
            return graph;
        }
        String name = graph.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String fp16 = (dot < 0 ? name : name.substring(0, dot)) + "_fp16" + (dot < 0 ? "" : name.substring(dot));
        Path sibling = graph.resolveSibling(fp16);
        return Files.isRegularFile(sibling) ? sibling : graph;
    }

    /**
     * Where the optimised form of {@code graph} is cached: keyed by the graph's folder, name, size and modification
     * time, the provider, the optimisation level and the ONNX Runtime version, so any change gives a new file.
     */
    static Path optimizedCacheFile(Path cacheDir, Path graph, Provider provider, String level) {
        String identity;
        try {
            identity = graph.toAbsolutePath().normalize() + "|" + Files.size(graph) + "|"
                    + Files.getLastModifiedTime(graph).toMillis();
        } catch (IOException e) {
            identity = graph.toAbsolutePath().normalize().toString();
        }
        String key = identity + "|" + provider + "|" + level.toLowerCase(Locale.ROOT) + "|" + ortVersion();
        String folder = graph.getParent() == null ? "model" : graph.getParent().getFileName().toString();
        String stem = graph.getFileName().toString().replaceFirst("\\.onnx$", "");
        return cacheDir.resolve(folder + "-" + stem + "-" + hash(key) + ".onnx");
    }

    private static String ortVersion() {
        String v = OrtEnvironment.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CUDA provider's options, in ONNX Runtime's key names. */
    static Map<String, String> cudaOptions(InferenceConfig config) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("device_id", Integer.toString(config.cudaDeviceId()));
        config.cudaGpuMemLimit().ifPresent(limit -> o.put("gpu_mem_limit", Long.toString(limit.asLongValue())));
        o.put("arena_extend_strategy", switch (config.cudaArenaExtendStrategy()) {
            case NEXT_POWER_OF_TWO -> "kNextPowerOfTwo";
            case SAME_AS_REQUESTED -> "kSameAsRequested";
        });
        o.put("cudnn_conv_algo_search", config.cudaCudnnConvAlgoSearch().name());
        o.put("do_copy_in_default_stream", "1");
        return o;
    }

    /**
     * The TensorRT provider's options for one image graph: engine and timing caches in {@code cacheDir}, fp16 as
     * configured, and one shape profile from batch 1 to the batcher's largest batch, so no batch size rebuilds.
     */
    static Map<String, String> tensorrtOptions(InferenceConfig config, ImageShape image, Path cacheDir) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("device_id", Integer.toString(config.cudaDeviceId()));
        o.put("trt_fp16_enable", config.tensorrtFp16() ? "1" : "0");
        o.put("trt_engine_cache_enable", "1");
        o.put("trt_engine_cache_path", cacheDir.toString());
        o.put("trt_timing_cache_enable", "1");
        o.put("trt_timing_cache_path", cacheDir.toString());
        config.cudaGpuMemLimit().ifPresent(limit -> o.put("trt_max_workspace_size",
                Long.toString(Math.min(limit.asLongValue(), 4L << 30))));
        String shape = "x3x" + image.height() + "x" + image.width();
        o.put("trt_profile_min_shapes", image.input() + ":1" + shape);
        o.put("trt_profile_opt_shapes", image.input() + ":" + image.maxBatch() + shape);
        o.put("trt_profile_max_shapes", image.input() + ":" + image.maxBatch() + shape);
        return o;
    }

    private Path tensorrtCacheDir() throws IOException {
        Path dir = config.tensorrtCacheDir()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "ffs-validator-tensorrt"));
        return Files.createDirectories(dir);
    }

    /** A session with the options it was built from and the graph file it came from. */
    record Loaded(OrtSession session, SessionOptions options, Path graph) implements AutoCloseable {
        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                Log.debugf(e, "closing session");
            }
            options.close();
        }
    }

    private String cudaProblem() {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return "this ONNX Runtime build has no CUDA provider (the CPU artifact is on the classpath)";
        }
        // Without the NVIDIA driver the probe below cannot succeed, and it costs: ONNX Runtime unpacks and maps its
        // ~370 MB CUDA provider library first (seconds of start-up and hundreds of MB of peak memory).
        String driver = NvidiaDriver.absence();
        if (driver != null) {
            return driver;
        }
        try (SessionOptions probe = new SessionOptions()) {
            probe.addCUDA(config.cudaDeviceId());
            return null;
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            return firstLine(e.getMessage());
        }
    }

    private String tensorrtProblem() {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.TENSOR_RT)) {
            return "this ONNX Runtime build has no TensorRT provider";
        }
        String libraries = NvidiaDriver.tensorrtLibrariesProblem(NvidiaDriver::loads);
        if (libraries != null) {
            return libraries;
        }
        String driver = NvidiaDriver.absence();
        if (driver != null) {
            return driver;
        }
        try (SessionOptions probe = new SessionOptions()) {
            probe.addTensorrt(config.cudaDeviceId());
            return null;
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            return firstLine(e.getMessage());
        }
    }

    static SessionOptions.OptLevel optLevel(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "none" -> SessionOptions.OptLevel.NO_OPT;
            case "basic" -> SessionOptions.OptLevel.BASIC_OPT;
            case "extended" -> SessionOptions.OptLevel.EXTENDED_OPT;
            case "all" -> SessionOptions.OptLevel.ALL_OPT;
            default -> throw new ModelLoadException("validator.inference.optimization-level must be none, basic, "
                    + "extended or all, got '" + name + "'");
        };
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no details";
        }
        return message.lines().findFirst().orElse(message).strip();
    }
}
