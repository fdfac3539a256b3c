package com.ffs.validator.inference;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.ffs.validator.image.PreprocessorConfig;
import com.ffs.validator.metrics.MetricNames;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;

/**
 * Owns ONNX Runtime: one environment, one session per graph, loaded once, with a dynamic batcher per image model.
 * Only plain Java arrays leave this class; tensors and results are closed inside the call that made them.
 *
 * <p>Thread-safe. {@link #load()} runs once, on the start-up thread; every other method may be called from any
 * thread once {@link #state()} is {@link EngineState#READY}.
 */
@ApplicationScoped
public class InferenceEngine {

    private final ModelsConfig modelsConfig;
    private final InferenceConfig config;
    private final MeterRegistry registry;
    private final Map<ModelKind, LoadedModel> models = new EnumMap<>(ModelKind.class);

    private volatile EngineState state = EngineState.LOADING;
    private volatile String failure;
    private OrtEnvironment env;
    private Semaphore runGate;
    private Path demoDir;

    public InferenceEngine(ModelsConfig modelsConfig, InferenceConfig config, MeterRegistry registry) {
        this.modelsConfig = modelsConfig;
        this.config = config;
        this.registry = registry;
    }

    /**
     * Loads and warms every model: from the model directory, or generated demo models when
     * {@code validator.models.demo} is on.
     *
     * @throws ModelLoadException naming the file at fault; the engine is then {@link EngineState#FAILED}
     */
    public synchronized void load() {
        if (state != EngineState.LOADING || !models.isEmpty()) {
            throw new IllegalStateException("models are loaded once");
        }
        Thread prefetch = null;
        try {
            Path root = modelsConfig.demo() ? generateDemoModels() : existingRoot(modelsConfig.dir());
            env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "ffs-validator");
            int instances = 0;
            for (ModelKind kind : ModelKind.values()) {
                instances += config.batching(kind).instances();
            }
            OrtSessions sessions = new OrtSessions(env, config, instances);
            runGate = new Semaphore(sessions.concurrentRuns(), true);
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
                LoadedModel model = LoadedModel.open(dir, sessions, modelsConfig.overrides(kind), config.batching(kind),
                        runGate, this::markFailed, registry);
                models.put(kind, model);
                model.warmUp(sessions.provider().gpu());
                model.loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                Gauge.builder(MetricNames.MODEL_LOAD_SECONDS, model, m -> m.loadMillis / 1000.0)
                        .tag(MetricNames.TAG_MODEL, kind.id()).register(registry);
                Log.infof("Loaded %s model '%s' from %s on %s (%d intra-op threads) in %d ms%s", kind.id(),
                        dir.metadata().name(), model.image.graph(), sessions.provider().label(),
                        sessions.intraOpThreads(), model.loadMillis,
                        dir.metadata().demo() ? " (DEMO model: outputs are not verdicts)" : "");
            }
            // Only after loading: while graphs load, glibc's sliding threshold reuses freed parse buffers faster.
            long mmapThreshold = config.nativeMmapThreshold().asLongValue();
            if (mmapThreshold > 0 && !NativeMemory.mapLargeAllocations(mmapThreshold)) {
                Log.debugf("validator.inference.native-mmap-threshold not applied (not glibc)");
            }
            NativeMemory.releaseFreed();
            prefetch.interrupt();
            state = EngineState.READY;
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: a native library (ONNX Runtime, the tokenizer) that cannot load is a load failure too.
            failure = e.getMessage();
            if (prefetch != null) {
                prefetch.interrupt();
            }
            state = EngineState.FAILED;
            closeModels();
            throw e instanceof ModelLoadException mle ? mle : new ModelLoadException(e.getMessage(), e);
        }
    }

    public EngineState state() {
        return state;
    }

    /** Why the engine failed, when it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Marks the engine unusable for good after a fatal runtime error: readiness and liveness go DOWN and stay down,
     * and later calls fail, so that the orchestrator replaces the process. The first reason is kept.
     */
    public void markFailed(String reason) {
        synchronized (this) {
            if (state == EngineState.FAILED) {
                return;
            }
            failure = reason;
            state = EngineState.FAILED;
        }
        Log.errorf("Inference engine marked FAILED: %s", reason);
    }

    /** Each loaded model's status, in {@link ModelKind} order. */
    public List<ModelStatus> status() {
        List<ModelStatus> out = new ArrayList<>();
        models.forEach((kind, m) -> out.add(m.status()));
        return out;
    }

    /** Whether any served model is a generated demo model. */
    public boolean demo() {
        return models.values().stream().anyMatch(m -> m.dir.metadata().demo());
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
        return isHalfPrecision(m.image.graph()) || (m.text != null && isHalfPrecision(m.text.loaded.graph()));
    }

    private static boolean isHalfPrecision(Path graph) {
        return graph.getFileName().toString().endsWith("_fp16.onnx");
    }

    /**
     * Queues one image for {@code kind}'s image graph. The writer fills the image's slot on the calling thread.
     *
     * @param waitWhenFull wait for queue space instead of failing with {@link QueueFullException}
     * @return the image's output row (logits or embedding, as the graph gives it)
     */
    public CompletableFuture<float[]> infer(ModelKind kind, ImageWriter writer, boolean waitWhenFull) {
        return model(kind).batcher.submit(writer::write, waitWhenFull);
    }

    /** Text embeddings, one row per text, as the model's text graph gives them (not normalised here). */
    public float[][] embedTexts(ModelKind kind, List<String> texts) {
        LoadedModel m = model(kind);
        if (m.text == null) {
            throw new IllegalArgumentException(kind.id() + " has no text tower");
        }
        if (texts.isEmpty()) {
            return new float[0][];
        }
        int chunk = Math.max(1, config.batching(kind).maxBatchSize());
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += chunk) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + chunk));
            float[][] rows = runGuarded(() -> m.text.run(env, part));
            System.arraycopy(rows, 0, out, from, rows.length);
        }
        return out;
    }

    private LoadedModel model(ModelKind kind) {
        LoadedModel m = models.get(kind);
        if (m == null || state != EngineState.READY && state != EngineState.LOADING) {
            throw new IllegalStateException("model " + kind.id() + " is not loaded (engine " + state + ")");
        }
        return m;
    }

    /** A session run, gated so that at most the configured number run at once across models. */
    @FunctionalInterface
    interface Run<T> {
        T call() throws OrtException;
    }

    private <T> T runGuarded(Run<T> run) {
        runGate.acquireUninterruptibly();
        try {
            return unchecked(run, this::markFailed);
        } finally {
            runGate.release();
        }
    }

    /** Runs a session call; a fatal device error is reported to {@code onFatal} before it is thrown. */
    private static <T> T unchecked(Run<T> run, Consumer<String> onFatal) {
        try {
            return run.call();
        } catch (OrtException e) {
            String message = "ONNX Runtime failed: " + OrtSessions.firstLine(e.getMessage());
            if (isFatal(e)) {
                onFatal.accept(message);
            }
            throw new InferenceException(message, e);
        }
    }

    /** A failed execution provider or a CUDA-level fault leaves the device in an unknown state for every later run. */
    static boolean isFatal(OrtException e) {
        String message = String.valueOf(e.getMessage());
        return e.getCode() == OrtException.OrtErrorCode.ORT_EP_FAIL || message.contains("CUDA failure")
                || message.contains("CUDNN failure") || message.contains("CUBLAS failure")
                || message.contains("cudaError");
    }

    private Path generateDemoModels() {
        try {
            demoDir = Files.createTempDirectory("ffs-validator-demo-models");
        } catch (IOException e) {
            throw new ModelLoadException("cannot create a temporary directory for demo models: " + e.getMessage(), e);
        }
        DemoModels.writeAll(demoDir);
        Log.warnf("Serving generated DEMO models from %s (validator.models.demo=true): their outputs follow simple "
                + "colour rules and are not verdicts", demoDir);
        return demoDir;
    }

    private static Path existingRoot(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException(dir.toAbsolutePath() + ": model directory missing (validator.models.dir, env "
                    + "VALIDATOR_MODELS_DIR); export the models with models/export.py, or set "
                    + "VALIDATOR_MODELS_DEMO=true to serve demo models");
        }
        return dir;
    }

    @PreDestroy
    synchronized void close() {
        closeModels();
        if (demoDir != null) {
            try (Stream<Path> files = Files.walk(demoDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                Log.debugf(e, "removing %s", demoDir);
            }
        }
    }

    private void closeModels() {
        models.values().forEach(LoadedModel::close);
        models.clear();
    }

    /** One model's sessions, names, tokenizer and batcher. */
    private static final class LoadedModel implements AutoCloseable {
        final ModelDirectory dir;
        final String provider;
        final OrtSessions.Loaded image;
        final String imageInput;
        final String imageOutput;
        final int height;
        final int width;
        final TextGraph text;
        final OrtSession.RunOptions runOptions;
        DynamicBatcher batcher;
        int batchSize;
        int outputDim;
        volatile long loadMillis;

        private LoadedModel(ModelDirectory dir, String provider, OrtSessions.Loaded image, OrtSession.RunOptions runOptions,
                String imageInput,
                String imageOutput, TextGraph text) {
            this.dir = dir;
            this.provider = provider;
            this.image = image;
            this.imageInput = imageInput;
            this.imageOutput = imageOutput;
            this.height = dir.preprocessing().outputHeight();
            this.width = dir.preprocessing().outputWidth();
            this.text = text;
            this.runOptions = runOptions;
        }

        static LoadedModel open(ModelDirectory dir, OrtSessions sessions, ModelsConfig.Overrides names,
                InferenceConfig.Batching batching, Semaphore runSlots, Consumer<String> onFatal,
                MeterRegistry registry) {
            ModelKind kind = dir.kind();
            String input = names.imageInput().orElse(ModelKind.IMAGE_INPUT);
            OrtSessions.Loaded image = sessions.open(dir.imageGraph(), new OrtSessions.ImageShape(input,
                    dir.preprocessing().outputHeight(), dir.preprocessing().outputWidth(), batching.maxBatchSize()));
            TextGraph text = null;
            try {
                String output = names.imageOutput().orElse(kind.defaultImageOutput());
                checkImageGraph(dir, image, input, output);
                if (kind.hasText()) {
                    text = TextGraph.open(dir, sessions, names);
                }
                LoadedModel model = new LoadedModel(dir, sessions.provider().label(), image,
                        sessions.batchRunOptions(), input, output, text);
                String tag = kind.id();
                Timer runTimer = Timer.builder(MetricNames.INFERENCE_DURATION).tag(MetricNames.TAG_MODEL, tag)
                        .register(registry);
                Timer waitTimer = Timer.builder(MetricNames.QUEUE_WAIT).tag(MetricNames.TAG_MODEL, tag)
                        .register(registry);
                DistributionSummary sizes = DistributionSummary.builder(MetricNames.BATCH_SIZE)
                        .tag(MetricNames.TAG_MODEL, tag).register(registry);
                model.batcher = new DynamicBatcher(tag, dir.preprocessing().tensorSize(), batching.maxBatchSize(),
                        batching.maxQueueDelay(), batching.maxQueuedImages(), batching.instances(),
                        runSlots, (buffer, count) -> unchecked(() -> model.runImages(buffer, count), onFatal),
                        (size, queueNanos, runNanos, failed) -> {
                            sizes.record(size);
                            runTimer.record(runNanos, TimeUnit.NANOSECONDS);
                            waitTimer.record(queueNanos, TimeUnit.NANOSECONDS);
                        });
                model.batchSize = batching.maxBatchSize();
                Gauge.builder(MetricNames.QUEUE_DEPTH, model.batcher, DynamicBatcher::queued)
                        .tag(MetricNames.TAG_MODEL, tag).register(registry);
                return model;
            } catch (RuntimeException e) {
                image.close();
                if (text != null) {
                    text.close();
                }
                throw e;
            }
        }

        private static void checkImageGraph(ModelDirectory dir, OrtSessions.Loaded loaded, String input, String output) {
            OrtSession session = loaded.session();
            Path graph = loaded.graph();
            try {
                NodeInfo in = session.getInputInfo().get(input);
                if (in == null) {
                    throw new ModelLoadException(graph + ": has no input '" + input + "'; its inputs are "
                            + session.getInputNames() + " (override with validator.models." + dir.kind().id()
                            + ".image-input)");
                }
                if (!(in.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT || t.getShape().length != 4) {
                    throw new ModelLoadException(graph + ": input '" + input + "' must be a float32 tensor "
                            + "[N,3,H,W], got " + in.getInfo() + (graph.equals(dir.imageGraph()) ? ""
                            : " (an fp16 graph must keep float32 inputs and outputs)"));
                }
                long[] shape = t.getShape();
                PreprocessorConfig pre = dir.preprocessing();
                if ((shape[1] > 0 && shape[1] != 3) || (shape[2] > 0 && shape[2] != pre.outputHeight())
                        || (shape[3] > 0 && shape[3] != pre.outputWidth())) {
                    throw new ModelLoadException(graph + ": input '" + input + "' has shape "
                            + java.util.Arrays.toString(shape) + " but " + dir.folder().resolve(
                                    ModelDirectory.PREPROCESSOR_CONFIG) + " produces [N,3," + pre.outputHeight() + ","
                            + pre.outputWidth() + "]");
                }
                if (!session.getOutputInfo().containsKey(output)) {
                    throw new ModelLoadException(graph + ": has no output '" + output + "'; its outputs are "
                            + session.getOutputNames() + " (override with validator.models." + dir.kind().id()
                            + ".image-output)");
                }
            } catch (OrtException e) {
                throw new ModelLoadException(graph + ": cannot read graph metadata (" + e.getMessage() + ")", e);
            }
        }

        float[][] runImages(FloatBuffer batch, int count) throws OrtException {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OnnxTensor input = OnnxTensor.createTensor(env, batch, new long[] {count, 3, height, width});
                    OrtSession.Result result = image.session().run(Map.of(imageInput, input), Set.of(imageOutput),
                            runOptions)) {
                return rows(result, imageOutput, count);
            }
        }

        /** One run at batch 1; on a GPU also one at the largest batch, so its kernels are chosen before traffic. */
        void warmUp(boolean gpu) {
            PreprocessorConfig pre = dir.preprocessing();
            if (gpu) {
                List<CompletableFuture<float[]>> full = new ArrayList<>();
                for (int i = 0; i < batchSize; i++) {
                    full.add(batcher.submit(slot -> slot.put(new float[pre.tensorSize()]), true));
                }
                full.forEach(CompletableFuture::join);
            }
            CompletableFuture<float[]> first = batcher.submit(slot -> {
                for (int i = 0; i < pre.tensorSize(); i++) {
                    slot.put(0f);
                }
            }, true);
            float[] row = first.join();
            outputDim = row.length;
            if (dir.kind() == ModelKind.NSFW && outputDim != dir.metadata().labels().size()) {
                throw new ModelLoadException(dir.imageGraph() + ": gives " + outputDim + " logits but "
                        + dir.folder().resolve(ModelDirectory.CONFIG) + " names " + dir.metadata().labels().size()
                        + " labels in id2label");
            }
            if (text != null) {
                float[][] t;
                try {
                    t = text.run(OrtEnvironment.getEnvironment(), List.of("a photo of clothing"));
                } catch (OrtException e) {
                    throw new ModelLoadException(text.graph + ": warm-up run failed (" + e.getMessage() + ")", e);
                }
                if (t[0].length != outputDim) {
                    throw new ModelLoadException(text.graph + ": gives " + t[0].length + "-d embeddings but "
                            + dir.imageGraph() + " gives " + outputDim + "-d; both towers must share one space");
                }
            }
        }

        ModelStatus status() {
            return new ModelStatus(dir.kind(), dir.metadata().name(), provider, dir.metadata().demo(), loadMillis,
                    outputDim);
        }

        @Override
        public void close() {
            if (batcher != null) {
                batcher.close();
            }
            runOptions.close();
            image.close();
            if (text != null) {
                text.close();
            }
        }
    }

    /** A text tower: tokenizer plus graph. */
    private static final class TextGraph implements AutoCloseable {
        final Path graph;
        final OrtSessions.Loaded loaded;
        final TextEncoder encoder;
        final String idsInput;
        final String maskInput;
        final String output;
        final boolean int32Ids;

        private TextGraph(Path graph, OrtSessions.Loaded loaded, TextEncoder encoder, String idsInput,
                String maskInput, String output, boolean int32Ids) {
            this.graph = graph;
            this.loaded = loaded;
            this.encoder = encoder;
            this.idsInput = idsInput;
            this.maskInput = maskInput;
            this.output = output;
            this.int32Ids = int32Ids;
        }

        static TextGraph open(ModelDirectory dir, OrtSessions sessions, ModelsConfig.Overrides names) {
            Path graph = dir.textGraph().orElseThrow();
            OrtSessions.Loaded loaded = sessions.open(graph);
            try {
                OrtSession s = loaded.session();
                String ids = names.textInput().orElse(ModelKind.TEXT_INPUT);
                String mask = names.textMaskInput().orElse(ModelKind.TEXT_MASK_INPUT);
                String output = names.textOutput().orElse(dir.kind().defaultTextOutput());
                NodeInfo idsInfo = s.getInputInfo().get(ids);
                if (idsInfo == null) {
                    throw new ModelLoadException(graph + ": has no input '" + ids + "'; its inputs are "
                            + s.getInputNames() + " (override with validator.models." + dir.kind().id()
                            + ".text-input)");
                }
                if (!(idsInfo.getInfo() instanceof TensorInfo t) || t.getShape().length != 2
                        || (t.type != OnnxJavaType.INT64 && t.type != OnnxJavaType.INT32)) {
                    throw new ModelLoadException(graph + ": input '" + ids + "' must be an int64 or int32 tensor "
                            + "[N,L], got " + idsInfo.getInfo());
                }
                if (!s.getOutputInfo().containsKey(output)) {
                    throw new ModelLoadException(graph + ": has no output '" + output + "'; its outputs are "
                            + s.getOutputNames() + " (override with validator.models." + dir.kind().id()
                            + ".text-output)");
                }
                for (String name : s.getInputNames()) {
                    if (!name.equals(ids) && !name.equals(mask)) {
                        throw new ModelLoadException(graph + ": unexpected input '" + name + "'; a text graph takes '"
                                + ids + "' and optionally '" + mask + "'");
                    }
                }
                int length = (int) t.getShape()[1];
                TextEncoder encoder = new TextEncoder(dir.tokenizer().orElseThrow(), length,
                        dir.metadata().padTokenId().isPresent() ? dir.metadata().padTokenId().getAsInt() : null,
                        TextCleaner.of(dir.metadata().textClean()));
                return new TextGraph(graph, loaded, encoder, ids, s.getInputNames().contains(mask) ? mask : null,
                        output, t.type == OnnxJavaType.INT32);
            } catch (OrtException e) {
                loaded.close();
                throw new ModelLoadException(graph + ": cannot read graph metadata (" + e.getMessage() + ")", e);
            } catch (RuntimeException e) {
                loaded.close();
                throw e;
            }
        }

        float[][] run(OrtEnvironment env, List<String> texts) throws OrtException {
            TextEncoder.Batch batch = encoder.encode(texts);
            long[] shape = {batch.count(), batch.length()};
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                inputs.put(idsInput, tensor(env, batch.ids(), shape));
                if (maskInput != null) {
                    inputs.put(maskInput, tensor(env, batch.mask(), shape));
                }
                try (OrtSession.Result result = loaded.session().run(inputs, Set.of(output))) {
                    return rows(result, output, batch.count());
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }

        private OnnxTensor tensor(OrtEnvironment env, long[] values, long[] shape) throws OrtException {
            if (int32Ids) {
                int[] ints = new int[values.length];
                for (int i = 0; i < values.length; i++) {
                    ints[i] = Math.toIntExact(values[i]);
                }
                return OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(ints), shape);
            }
            return OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
        }

        @Override
        public void close() {
            encoder.close();
            loaded.close();
        }
    }

    /** Copies a [count, dim] float output out of a result into Java arrays. */
    private static float[][] rows(OrtSession.Result result, String name, int count) throws OrtException {
        Optional<OnnxValue> value = result.get(name);
        if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)) {
            throw new OrtException("output '" + name + "' missing from the result");
        }
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != 2 || shape[0] != count) {
            throw new OrtException("output '" + name + "' has shape " + java.util.Arrays.toString(shape)
                    + ", expected [" + count + ", D]");
        }
        FloatBuffer data = tensor.getFloatBuffer();
        int dim = (int) shape[1];
        float[][] rows = new float[count][dim];
        for (int i = 0; i < count; i++) {
            data.get(rows[i]);
        }
        return rows;
    }
}
