package com.ffs.validator.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.ffs.validator.image.PreprocessorConfig;
import com.ffs.validator.metrics.MetricNames;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;

/**
 * Owns ONNX Runtime: one environment, one session per graph, loaded once, with a dynamic batcher per image model.
 * Only plain Java arrays leave this class; tensors and results are closed inside the call that made them.
 *
 * <p>
 * Thread-safe without locks. Everything the engine holds is one immutable {@link Snapshot} behind one atomic
 * reference: readers take it once and see one consistent state, and every change (a model loaded, ready, failed,
 * closed) is a compare-and-set from the snapshot it replaces. {@link #load()} runs once, on the start-up thread, and
 * owns what it opens until it publishes the READY snapshot; every other method may be called from any thread.
 */
@ApplicationScoped
public class InferenceEngine {

    private final ModelsConfig modelsConfig;
    private final InferenceConfig config;
    private final MeterRegistry registry;
    private final BatchProbe probe;
    private final AtomicBoolean loadStarted = new AtomicBoolean();
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(Snapshot.LOADING);

    /**
     * The engine's state at one moment.
     *
     * @param statuses the models loaded so far, in load order
     * @param loaded what serves requests; present once READY (and kept when a fatal error follows), null after close
     * @param failure why the engine failed, when it did
     * @param closed whether the engine was closed; a load still running then closes what it opened
     */
    private record Snapshot(EngineState state, List<ModelStatus> statuses, Loaded loaded, String failure,
            boolean closed) {

        static final Snapshot LOADING = new Snapshot(EngineState.LOADING, List.of(), null, null, false);

        Snapshot withStatus(ModelStatus status) {
            List<ModelStatus> more = new ArrayList<>(statuses);
            more.add(status);
            return new Snapshot(state, List.copyOf(more), loaded, failure, closed);
        }

        Snapshot ready(Loaded serving) {
            return new Snapshot(EngineState.READY, statuses, serving, null, closed);
        }

        Snapshot failed(String reason) {
            return new Snapshot(EngineState.FAILED, statuses, loaded, reason, closed);
        }

        Snapshot closing() {
            return new Snapshot(state, statuses, null, failure, true);
        }
    }

    /** What serves requests once loading is done; closed once, by {@link #close()}. */
    private record Loaded(Map<ModelKind, LoadedModel> models, Semaphore runGate, int concurrentRuns,
            ExecutorService texts, ExecutorService completions, Path demoDir) {
    }

    @Inject
    public InferenceEngine(ModelsConfig modelsConfig, InferenceConfig config, MeterRegistry registry) {
        this(modelsConfig, config, registry, BatchProbe.NONE);
    }

    InferenceEngine(ModelsConfig modelsConfig, InferenceConfig config, MeterRegistry registry, BatchProbe probe) {
        this.modelsConfig = modelsConfig;
        this.config = config;
        this.registry = registry;
        this.probe = probe;
    }

    /**
     * Loads and warms every model: from the model directory, or generated demo models when
     * {@code validator.models.demo} is on. Holds no lock: a batch that fails fatally during warm-up marks the engine
     * FAILED from its batcher thread, and loading then ends with that cause.
     *
     * @throws ModelLoadException naming the file at fault; the engine is then {@link EngineState#FAILED}
     */
    public void load() {
        if (!loadStarted.compareAndSet(false, true)) {
            throw new IllegalStateException("models are loaded once");
        }
        Loader loader = new Loader();
        try {
            Loaded loaded = loader.load();
            Snapshot loading = snapshot.get();
            if (loading.state() != EngineState.LOADING || loading.closed()
                    || !snapshot.compareAndSet(loading, loading.ready(loaded))) {
                throw new ModelLoadException(stoppedWhileLoading());
            }
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: a native library (ONNX Runtime, the tokenizer) that cannot load is a load failure too.
            loader.closeAll();
            Throwable error = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            String reason = error.getMessage() == null ? "no details" : error.getMessage();
            Snapshot failed = snapshot.updateAndGet(s -> s.state() == EngineState.FAILED ? s : s.failed(reason));
            // A fatal error reported during warm-up is the cause; the warm-up's own failure only echoes it.
            String cause = failed.failure();
            throw error instanceof ModelLoadException mle && cause.equals(reason) ? mle
                    : new ModelLoadException(cause, error);
        }
    }

    private String stoppedWhileLoading() {
        Snapshot s = snapshot.get();
        return s.failure() != null ? s.failure() : "the engine was closed while models loaded";
    }

    public EngineState state() {
        return snapshot.get().state();
    }

    /** Why the engine failed, when it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(snapshot.get().failure());
    }

    /**
     * Marks the engine unusable for good after a fatal runtime error: readiness and liveness go DOWN and stay down,
     * and later calls fail, so that the orchestrator replaces the process. The first reason is kept. Never blocks: it
     * is called from batcher threads, also while models load.
     */
    public void markFailed(String reason) {
        Snapshot before = snapshot.getAndUpdate(s -> s.state() == EngineState.FAILED ? s : s.failed(reason));
        if (before.state() != EngineState.FAILED) {
            Log.errorf("Inference engine marked FAILED: %s", reason);
        }
    }

    /** Each loaded model's status, in {@link ModelKind} order (while loading, those loaded so far). */
    public List<ModelStatus> status() {
        return snapshot.get().statuses();
    }

    /** Whether any served model is a generated demo model. */
    public boolean demo() {
        return snapshot.get().statuses().stream().anyMatch(ModelStatus::demo);
    }

    public PreprocessorConfig preprocessing(ModelKind kind) {
        return model(kind).dir.preprocessing();
    }

    public ModelMetadata metadata(ModelKind kind) {
        return model(kind).dir.metadata();
    }

    /** The export's reference outputs for {@code kind}, when its folder has {@code reference_outputs.json}. */
    public Optional<ReferenceOutputs> referenceOutputs(ModelKind kind) {
        return ReferenceOutputs.read(model(kind).dir.folder());
    }

    /** Whether {@code kind} runs a half-precision graph ({@code *_fp16.onnx}), whose outputs drift more. */
    public boolean halfPrecision(ModelKind kind) {
        LoadedModel m = model(kind);
        // The graphs actually opened: on a GPU the fp16 sibling replaces the fp32 file when present.
        return isHalfPrecision(m.image.graph()) || (m.text != null && isHalfPrecision(m.text.graph));
    }

    private static boolean isHalfPrecision(Path graph) {
        return graph.getFileName().toString().endsWith("_fp16.onnx");
    }

    /**
     * Queues one image for {@code kind}'s image graph. The writer fills the image's slot on the calling thread.
     *
     * @param waitWhenFull wait for queue space instead of failing with {@link QueueFullException}
     * @return the image's output row (logits or embedding, as the graph gives it); completed off the batcher thread
     */
    public CompletableFuture<float[]> infer(ModelKind kind, ImageWriter writer, boolean waitWhenFull) {
        return model(kind).batcher.submit(writer::write, waitWhenFull);
    }

    /**
     * Device time one image costs {@code kind}, measured over its recent batches (seeded at warm-up): what admission
     * turns into expected waits. Zero while nothing has run.
     */
    public long nanosPerImage(ModelKind kind) {
        Loaded loaded = snapshot.get().loaded();
        LoadedModel model = loaded == null ? null : loaded.models().get(kind);
        return model == null ? 0 : model.rate.nanosPerImage();
    }

    /** Batches the device runs at once, across all models (1 while nothing is loaded). */
    public int concurrentRuns() {
        Loaded loaded = snapshot.get().loaded();
        return loaded == null ? 1 : loaded.concurrentRuns();
    }

    /**
     * Text embeddings, one row per text, as the model's text graph gives them (not normalised here). Runs on the
     * calling thread, which waits for the run gate: for start-up work. Requests use {@link #embedTextsAsync}.
     */
    public float[][] embedTexts(ModelKind kind, List<String> texts) {
        Loaded loaded = loaded();
        return embedTexts(loaded, textGraph(loaded, kind), kind, texts);
    }

    /**
     * Text embeddings as {@link #embedTexts}, queued on the engine's own text thread, so no caller's thread waits for
     * the run gate. The queue holds {@code validator.inference.max-queued-text-requests} requests.
     *
     * @return the rows; fails with {@link QueueFullException} when the queue is full, with
     *         {@link InferenceException} when the run fails
     */
    public CompletableFuture<float[][]> embedTextsAsync(ModelKind kind, List<String> texts) {
        Loaded loaded = loaded();
        TextGraph graph = textGraph(loaded, kind);
        List<String> copy = List.copyOf(texts);
        CompletableFuture<float[][]> rows = new CompletableFuture<>();
        try {
            loaded.texts().execute(new TextTask(rows, () -> embedTexts(loaded, graph, kind, copy)));
        } catch (RejectedExecutionException e) {
            rows.completeExceptionally(loaded.texts().isShutdown()
                    ? new IllegalStateException("the inference engine is shut down")
                    : new QueueFullException(kind.id() + " text"));
        }
        return rows;
    }

    /** A queued text request; completes its future however it ends, also when it is dropped at shutdown. */
    private record TextTask(CompletableFuture<float[][]> rows, Supplier<float[][]> work)
            implements
                Runnable {
        @Override
        public void run() {
            if (rows.isDone()) {
                // Cancelled while queued: its caller has gone.
                return;
            }
            try {
                rows.complete(work.get());
            } catch (Throwable e) {
                rows.completeExceptionally(e);
            }
        }

        void drop() {
            rows.completeExceptionally(new IllegalStateException("the inference engine is shut down"));
        }
    }

    private float[][] embedTexts(Loaded loaded, TextGraph graph, ModelKind kind, List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        int chunk = Math.max(1, config.batching(kind).maxBatchSize());
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += chunk) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + chunk));
            float[][] rows;
            loaded.runGate().acquireUninterruptibly();
            try {
                rows = OrtCalls.run(() -> graph.run(part), this::markFailed);
            } finally {
                loaded.runGate().release();
            }
            System.arraycopy(rows, 0, out, from, rows.length);
        }
        return out;
    }

    private static TextGraph textGraph(Loaded loaded, ModelKind kind) {
        TextGraph graph = loaded.models().get(kind).text;
        if (graph == null) {
            throw new IllegalArgumentException(kind.id() + " has no text tower");
        }
        return graph;
    }

    private LoadedModel model(ModelKind kind) {
        return loaded().models().get(kind);
    }

    private Loaded loaded() {
        Snapshot s = snapshot.get();
        if (s.state() != EngineState.READY || s.loaded() == null) {
            throw new IllegalStateException("models are not loaded (engine " + s.state()
                    + (s.closed() ? ", closed" : "") + ")");
        }
        return s.loaded();
    }

    /** Stops the batchers (they run what is queued first) and the text thread, then closes the sessions. */
    @PreDestroy
    void close() {
        Snapshot before = snapshot.getAndUpdate(Snapshot::closing);
        if (before.loaded() != null) {
            closeLoaded(before.loaded());
        }
    }

    private static void closeLoaded(Loaded loaded) {
        loaded.texts().shutdown();
        try {
            if (!loaded.texts().awaitTermination(10, TimeUnit.SECONDS)) {
                loaded.texts().shutdownNow().forEach(r -> ((TextTask) r).drop());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loaded.texts().shutdownNow().forEach(r -> ((TextTask) r).drop());
        }
        loaded.models().values().forEach(LoadedModel::close);
        loaded.completions().shutdown();
        deleteDemoModels(loaded.demoDir());
    }

    private static void deleteDemoModels(Path demoDir) {
        if (demoDir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(demoDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            Log.debugf(e, "removing %s", demoDir);
        }
    }

    /** One run of {@link #load()}: what it opened, so that a failure closes all of it. */
    private final class Loader {

        private final Map<ModelKind, LoadedModel> models = new EnumMap<>(ModelKind.class);
        private ExecutorService texts;
        private ExecutorService completions;
        private Path demoDir;
        private Thread prefetch;

        Loaded load() {
            Path root = modelsConfig.demo() ? generateDemoModels() : existingRoot(modelsConfig.dir());
            OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                    "ffs-validator");
            int instances = 0;
            int batches = 0;
            for (ModelKind kind : ModelKind.values()) {
                InferenceConfig.Batching b = config.batching(kind);
                instances += b.instances();
                batches += Math.ceilDiv(b.maxQueuedImages(), b.maxBatchSize()) + b.instances();
            }
            OrtSessions sessions = new OrtSessions(env, config, instances);
            Semaphore runGate = new Semaphore(sessions.concurrentRuns(), true);
            completions = completionPool(batches);
            texts = textPool(config.maxQueuedTextRequests());
            Map<ModelKind, ModelDirectory> dirs = new EnumMap<>(ModelKind.class);
            List<Path> graphs = new ArrayList<>();
            for (ModelKind kind : ModelKind.values()) {
                ModelDirectory dir = ModelDirectory.read(root, kind, modelsConfig.overrides(kind));
                dirs.put(kind, dir);
                Stream.concat(Stream.of(dir.imageGraph()), dir.textGraph().stream()).forEach(graph -> graphs.add(
                        OrtSessions.graphFor(graph, sessions.provider().gpu(), config.fp16Graphs())));
            }
            prefetch = GraphPrefetch.start(graphs);
            for (ModelKind kind : ModelKind.values()) {
                ModelDirectory dir = dirs.get(kind);
                long start = System.nanoTime();
                LoadedModel model = LoadedModel.open(dir, sessions, modelsConfig.overrides(kind),
                        new LoadedModel.Batching(config.batching(kind), runGate, completions,
                                InferenceEngine.this::markFailed, probe, registry));
                models.put(kind, model);
                int outputDim = model.warmUp(sessions.provider().gpu());
                long loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                publish(new ModelStatus(kind, dir.metadata().name(), model.provider, dir.metadata().demo(),
                        loadMillis, outputDim));
                Gauge.builder(MetricNames.MODEL_LOAD_SECONDS, () -> loadMillis / 1000.0)
                        .tag(MetricNames.TAG_MODEL, kind.id()).register(registry);
                Log.infof("Loaded %s model '%s' from %s on %s (%d intra-op threads) in %d ms%s", kind.id(),
                        dir.metadata().name(), model.image.graph(), sessions.provider().label(),
                        sessions.intraOpThreads(), loadMillis,
                        dir.metadata().demo() ? " (DEMO model: outputs are not verdicts)" : "");
            }
            // Only after loading: while graphs load, glibc's sliding threshold reuses freed parse buffers faster.
            long mmapThreshold = config.nativeMmapThreshold().asLongValue();
            if (mmapThreshold > 0 && !NativeMemory.mapLargeAllocations(mmapThreshold)) {
                Log.debugf("validator.inference.native-mmap-threshold not applied (not glibc)");
            }
            NativeMemory.releaseFreed();
            prefetch.interrupt();
            return new Loaded(Collections.unmodifiableMap(new EnumMap<>(models)), runGate, sessions.concurrentRuns(),
                    texts, completions, demoDir);
        }

        /** Publishes one more loaded model; fails when the engine failed or was closed meanwhile. */
        private void publish(ModelStatus status) {
            Snapshot s;
            do {
                s = snapshot.get();
                if (s.state() != EngineState.LOADING || s.closed()) {
                    throw new ModelLoadException(stoppedWhileLoading());
                }
            } while (!snapshot.compareAndSet(s, s.withStatus(status)));
        }

        /** Closes everything this load opened; it never reached the READY snapshot. */
        void closeAll() {
            if (prefetch != null) {
                prefetch.interrupt();
            }
            if (texts != null) {
                texts.shutdownNow().forEach(r -> ((TextTask) r).drop());
            }
            models.values().forEach(LoadedModel::close);
            if (completions != null) {
                completions.shutdown();
            }
            deleteDemoModels(demoDir);
        }

        private Path generateDemoModels() {
            try {
                demoDir = Files.createTempDirectory("ffs-validator-demo-models");
            } catch (IOException e) {
                throw new ModelLoadException("cannot create a temporary directory for demo models: " + e.getMessage(),
                        e);
            }
            DemoModels.writeAll(demoDir);
            Log.warnf("Serving generated DEMO models from %s (validator.models.demo=true): their outputs follow simple "
                    + "colour rules and are not verdicts", demoDir);
            return demoDir;
        }
    }

    /**
     * Completes image futures once their batch has run, off the batcher threads. Its queue holds as many batches as
     * the models' queues; beyond that the batcher completes them itself, after it has given its run slot back.
     */
    private static ExecutorService completionPool(int batches) {
        int threads = Math.clamp(Runtime.getRuntime().availableProcessors(), 2, 4);
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(batches),
                Thread.ofPlatform().name("inference-results-", 0).daemon(true).factory(),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** Runs text-embedding requests one at a time; a full queue refuses (the caller answers 503). */
    private static ExecutorService textPool(int queued) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(Math.max(1, queued)),
                Thread.ofPlatform().name("text-embeddings").daemon(true).factory(),
                new ThreadPoolExecutor.AbortPolicy());
    }

    private static Path existingRoot(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException(dir.toAbsolutePath() + ": model directory missing (validator.models.dir, env "
                    + "VALIDATOR_MODELS_DIR); export the models with models/export.py, or set "
                    + "VALIDATOR_MODELS_DEMO=true to serve demo models");
        }
        return dir;
    }
}
