package com.ffs.validator.inference;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import com.ffs.validator.image.PreprocessorConfig;
import com.ffs.validator.metrics.MetricNames;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** One model: its image session, its text tower when it has one, and the batcher in front of the image session. */
final class LoadedModel implements AutoCloseable {

    final ModelDirectory dir;
    final String provider;
    final OrtSessions.Loaded image;
    final TextGraph text;
    final DynamicBatcher batcher;
    private final String imageInput;
    private final String imageOutput;
    private final int height;
    private final int width;
    private final int batchSize;
    private final OrtSession.RunOptions runOptions;
    private final BatchProbe probe;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final MeterRegistry registry;
    /** Removed on close: the registry keeps the first gauge of a name, which would read this batcher once gone. */
    private final Gauge queueDepth;
    /** This model's measured device time per image. */
    final ServiceRate rate = new ServiceRate();

    /** What a model's batches run with, from the engine. */
    record Batching(InferenceConfig.Batching limits, Semaphore runSlots, Executor completions,
            Consumer<String> onFatal, BatchProbe probe, MeterRegistry registry) {
    }

    private LoadedModel(ModelDirectory dir, String provider, OrtSessions.Loaded image, String imageInput,
            String imageOutput, TextGraph text, OrtSession.RunOptions runOptions, Batching batching) {
        this.dir = dir;
        this.provider = provider;
        this.image = image;
        this.imageInput = imageInput;
        this.imageOutput = imageOutput;
        this.height = dir.preprocessing().outputHeight();
        this.width = dir.preprocessing().outputWidth();
        this.text = text;
        this.runOptions = runOptions;
        this.probe = batching.probe();
        InferenceConfig.Batching limits = batching.limits();
        this.batchSize = limits.maxBatchSize();
        String tag = dir.kind().id();
        Timer runTimer = Timer.builder(MetricNames.INFERENCE_DURATION).tag(MetricNames.TAG_MODEL, tag)
                .register(batching.registry());
        Timer waitTimer = Timer.builder(MetricNames.QUEUE_WAIT).tag(MetricNames.TAG_MODEL, tag)
                .register(batching.registry());
        DistributionSummary sizes = DistributionSummary.builder(MetricNames.BATCH_SIZE)
                .tag(MetricNames.TAG_MODEL, tag).register(batching.registry());
        Consumer<String> onFatal = batching.onFatal();
        // Last: the batcher's threads start here, and its runner reads the fields above.
        this.batcher = new DynamicBatcher(tag, dir.preprocessing().tensorSize(), limits.maxBatchSize(),
                limits.maxQueueDelay(), limits.maxQueuedImages(), limits.instances(), batching.runSlots(),
                (buffer, count) -> OrtCalls.run(() -> runImages(buffer, count), onFatal),
                (size, queueNanos, runNanos, failed) -> {
                    if (!failed) {
                        rate.record(size, runNanos);
                    }
                    sizes.record(size);
                    runTimer.record(runNanos, TimeUnit.NANOSECONDS);
                    waitTimer.record(queueNanos, TimeUnit.NANOSECONDS);
                }, batching.completions());
        this.registry = batching.registry();
        try {
            this.queueDepth = Gauge.builder(MetricNames.QUEUE_DEPTH, batcher, DynamicBatcher::queued)
                    .tag(MetricNames.TAG_MODEL, tag).register(registry);
        } catch (RuntimeException | Error e) {
            // The caller closes what it opened; the batcher's threads are this constructor's.
            batcher.close();
            throw e;
        }
    }

    /**
     * Opens the model's sessions, checks them against the model directory, and starts its batcher. When anything
     * fails, everything opened so far (sessions, run options, batcher threads) is closed before the error is thrown.
     */
    static LoadedModel open(ModelDirectory dir, OrtSessions sessions, ModelsConfig.Overrides names,
            Batching batching) {
        ModelKind kind = dir.kind();
        String input = names.imageInput().orElse(ModelKind.IMAGE_INPUT);
        OrtSessions.Loaded image = sessions.open(dir.imageGraph(), new OrtSessions.ImageShape(input,
                dir.preprocessing().outputHeight(), dir.preprocessing().outputWidth(),
                batching.limits().maxBatchSize()));
        TextGraph text = null;
        OrtSession.RunOptions runOptions = null;
        LoadedModel model = null;
        try {
            String output = names.imageOutput().orElse(kind.defaultImageOutput());
            checkImageGraph(dir, image, input, output);
            if (kind.hasText()) {
                text = TextGraph.open(dir, sessions, names);
            }
            runOptions = sessions.batchRunOptions();
            model = new LoadedModel(dir, sessions.provider().label(), image, input, output, text, runOptions,
                    batching);
            return model;
        } catch (RuntimeException | Error e) {
            if (model != null) {
                model.close();
            } else {
                if (runOptions != null) {
                    runOptions.close();
                }
                if (text != null) {
                    text.close();
                }
                image.close();
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
                throw new ModelLoadException(graph + ": input '" + input + "' has shape " + Arrays.toString(shape)
                        + " but " + dir.folder().resolve(ModelDirectory.PREPROCESSOR_CONFIG) + " produces [N,3,"
                        + pre.outputHeight() + "," + pre.outputWidth() + "]");
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

    /** Runs one batch on the image session; called by the batcher with a run slot held. */
    private float[][] runImages(FloatBuffer batch, int count) throws OrtException {
        probe.beforeRun(dir.kind(), count);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor input = OnnxTensor.createTensor(env, batch, new long[] { count, 3, height, width });
                OrtSession.Result result = image.session().run(Map.of(imageInput, input), Set.of(imageOutput),
                        runOptions)) {
            return OrtCalls.rows(result, imageOutput, count);
        }
    }

    /**
     * One run at batch 1; on a GPU also one at the largest batch, so its kernels are chosen before traffic. Waits for
     * the runs on the calling thread, which holds no lock: a run that fails fatally reports to the engine meanwhile.
     *
     * @return the width of the image output
     * @throws ModelLoadException when the outputs do not fit the model directory
     */
    int warmUp(boolean gpu) {
        PreprocessorConfig pre = dir.preprocessing();
        if (gpu) {
            List<CompletableFuture<float[]>> full = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                full.add(batcher.submit(slot -> slot.put(new float[pre.tensorSize()]), true));
            }
            full.forEach(CompletableFuture::join);
        }
        float[] row = batcher.submit(slot -> slot.put(new float[pre.tensorSize()]), true).join();
        int outputDim = row.length;
        if (dir.kind() == ModelKind.NSFW && outputDim != dir.metadata().labels().size()) {
            throw new ModelLoadException(dir.imageGraph() + ": gives " + outputDim + " logits but "
                    + dir.folder().resolve(ModelDirectory.CONFIG) + " names " + dir.metadata().labels().size()
                    + " labels in id2label");
        }
        if (text != null) {
            float[][] t;
            try {
                t = text.run(List.of("a photo of clothing"));
            } catch (OrtException e) {
                throw new ModelLoadException(text.graph + ": warm-up run failed (" + e.getMessage() + ")", e);
            }
            if (t[0].length != outputDim) {
                throw new ModelLoadException(text.graph + ": gives " + t[0].length + "-d embeddings but "
                        + dir.imageGraph() + " gives " + outputDim + "-d; both towers must share one space");
            }
        }
        return outputDim;
    }

    /** Stops the batcher (it runs what is queued first), then closes the run options and sessions; once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        registry.remove(queueDepth);
        try {
            batcher.close();
        } finally {
            runOptions.close();
            image.close();
            if (text != null) {
                text.close();
            }
        }
    }
}
