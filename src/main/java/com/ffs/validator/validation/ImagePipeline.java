package com.ffs.validator.validation;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.ffs.validator.image.ImageBody;
import com.ffs.validator.image.ImageDecoder;
import com.ffs.validator.image.ImageSource;
import com.ffs.validator.image.Preprocessing;
import com.ffs.validator.image.Preprocessor;
import com.ffs.validator.image.PreprocessorConfig;
import com.ffs.validator.image.RgbImage;
import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.inference.ModelKind;
import com.ffs.validator.metrics.MetricNames;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;

/**
 * One image's way through the service: fetch (or inline data), decode once, one preprocessed copy per model the
 * request needs, each queued in its model's batcher. Decoding and preprocessing run on the CPU pool; a stopped request's
 * image leaves at the next stage boundary, and its batch slots are withdrawn by its {@link RequestScope}.
 */
final class ImagePipeline {

    private final ImageSource source;
    private final ImageDecoder decoder;
    private final InferenceEngine engine;
    private final RasterChecks rasterChecks;
    private final Executor cpu;
    private final Timer fetchTimer;
    private final Timer decodeTimer;
    private final Timer preprocessTimer;

    ImagePipeline(ImageSource source, ImageDecoder decoder, InferenceEngine engine, RasterChecks rasterChecks,
            Executor cpu, MeterRegistry registry) {
        this.source = source;
        this.decoder = decoder;
        this.engine = engine;
        this.rasterChecks = rasterChecks;
        this.cpu = cpu;
        this.fetchTimer = stageTimer(registry, "fetch");
        this.decodeTimer = stageTimer(registry, "decode");
        this.preprocessTimer = stageTimer(registry, "preprocess");
    }

    private static Timer stageTimer(MeterRegistry registry, String stage) {
        return Timer.builder(MetricNames.STAGE_DURATION).tag(MetricNames.TAG_STAGE, stage).register(registry);
    }

    /** What one image gave: each model's output row, and the raster checks' findings. */
    record Outputs(Map<ModelKind, float[]> rows, RasterChecks.Outcome raster) {
    }

    /**
     * Starts one image; the future gives each model's output row and the raster checks' findings, or fails with the
     * image's error (an {@code IntakeException}, an inference failure, or {@link CancelledException} when the request
     * was stopped). Whatever happens, the future completes once the image's work has left the service.
     */
    CompletableFuture<Outputs> run(String reference, Set<Check> checks,
            Map<ModelKind, PreprocessorConfig> preprocessing, RequestScope scope, StageSpans.ImageTrace trace) {
        Set<ModelKind> models = Check.models(checks);
        if (scope.stopped()) {
            return CompletableFuture.failedFuture(new CancelledException("request stopped"));
        }
        long start = System.nanoTime();
        Span fetch = StageSpans.start(StageSpans.FETCH, trace);
        return source.load(reference, scope.fetches(), cpu)
                .whenComplete((body, e) -> StageSpans.end(fetch, e))
                .thenComposeAsync(body -> {
                    fetchTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    if (scope.stopped()) {
                        body.close();
                        throw new CancelledException("request stopped");
                    }
                    return infer(body, checks, models, preprocessing, scope, trace);
                }, cpu);
    }

    /** Decodes once, runs the raster checks, then queues one preprocessed copy per model. Runs on the CPU pool. */
    private CompletableFuture<Outputs> infer(ImageBody body, Set<Check> checks, Set<ModelKind> models,
            Map<ModelKind, PreprocessorConfig> preprocessing, RequestScope scope, StageSpans.ImageTrace trace) {
        long t0 = System.nanoTime();
        Map<ModelKind, CompletableFuture<float[]>> rows = new EnumMap<>(ModelKind.class);
        List<PreprocessorConfig> configs = models.stream().map(preprocessing::get).toList();
        ImageDecoder.Decoded held;
        Span decode = StageSpans.start(StageSpans.DECODE, trace);
        try (body; Scope s = decode.makeCurrent()) {
            // The body's bytes are not needed once decoded: its share of the body memory goes back here.
            held = decoder.decodeHeld(body.bytes(), (width, height) -> {
                // The raster checks, then the models' preprocessings (which keep a shared pass between them, so their
                // memory adds up), one after another on this thread.
                long preprocessings = 0;
                for (PreprocessorConfig cfg : configs) {
                    preprocessings += Preprocessor.workingBytes(width, height, cfg);
                }
                return Math.max(RasterChecks.workingBytes(width, height, checks), preprocessings);
            }, Preprocessor.draftSide(configs));
        } catch (RuntimeException | Error e) {
            StageSpans.end(decode, e);
            throw e;
        }
        StageSpans.end(decode, null);
        RasterChecks.Outcome raster;
        // The raster's memory is reserved until the last model has written its copy: the writers run here.
        try (ImageDecoder.Decoded decoded = held) {
            RgbImage image = decoded.image();
            decodeTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            raster = rasterChecks.run(image, checks);
            // Models whose resizes share a horizontal pass compute it once (the first one's timer counts it).
            Preprocessing shared = new Preprocessing(image, configs);
            for (ModelKind kind : models) {
                if (scope.stopped()) {
                    break;
                }
                PreprocessorConfig cfg = preprocessing.get(kind);
                // Current while the image is queued: its model's batch links to it (the inference span).
                Span preprocess = StageSpans.start(StageSpans.PREPROCESS, trace);
                CompletableFuture<float[]> row;
                try (Scope s = preprocess.makeCurrent()) {
                    // Admission bounded the images in flight, so waiting for batch space here is short and bounded.
                    row = engine.infer(kind, slot -> {
                        long p0 = System.nanoTime();
                        shared.write(cfg, slot);
                        preprocessTimer.record(System.nanoTime() - p0, TimeUnit.NANOSECONDS);
                    }, true);
                }
                StageSpans.end(preprocess, row.state() == Future.State.FAILED ? row.exceptionNow() : null);
                rows.put(kind, scope.track(row));
            }
        }
        if (rows.size() < models.size()) {
            rows.values().forEach(f -> f.cancel(false));
            return CompletableFuture.failedFuture(new CancelledException("request stopped"));
        }
        return CompletableFuture.allOf(rows.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<ModelKind, float[]> out = new EnumMap<>(ModelKind.class);
            rows.forEach((kind, f) -> out.put(kind, f.join()));
            return new Outputs(out, raster);
        });
    }
}
