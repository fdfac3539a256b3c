package com.ffs.validator.validation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.ffs.validator.image.ImageDecoder;
import com.ffs.validator.image.ImageSource;
import com.ffs.validator.image.IntakeException;
import com.ffs.validator.image.Preprocessing;
import com.ffs.validator.image.Preprocessor;
import com.ffs.validator.image.PreprocessorConfig;
import com.ffs.validator.image.RgbImage;
import com.ffs.validator.inference.EngineState;
import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.inference.InferenceException;
import com.ffs.validator.inference.ModelKind;
import com.ffs.validator.inference.ModelMetadata;
import com.ffs.validator.metrics.MetricNames;
import com.ffs.validator.validation.ImageResult.ImageError;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.vertx.core.Context;

/**
 * The use case: validates a request, then takes each image on its own through fetch, decode, preprocessing and the
 * models it needs, and answers with one result per image in input order. A bad image gets an error result; it never
 * fails the others.
 */
@ApplicationScoped
public class ValidationService {

    private static final Duration LOADING_RETRY = Duration.ofSeconds(5);
    private static final Duration BUSY_RETRY = Duration.ofSeconds(1);
    private static final int SHOWN_INLINE_CHARS = 48;
    /** The action tag of text-embedding requests in metrics. */
    private static final String TEXT_EMBEDDING = "text_embedding";

    private final InferenceEngine engine;
    private final ImageSource source;
    private final ImageDecoder decoder;
    private final RequestConfig requestConfig;
    private final NsfwConfig nsfwConfig;
    private final FashionConfig fashionConfig;
    private final MeterRegistry registry;
    private final ExecutorService cpuPool;
    private final Semaphore inFlightPermits;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer fetchTimer;
    private final Timer decodeTimer;
    private final Timer preprocessTimer;

    private volatile Checks checks;
    private volatile String failure;
    private volatile Map<ModelKind, String> referenceChecks = Map.of();
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    /** The prepared checks; present once models are loaded and prompts embedded. */
    private record Checks(NsfwCheck nsfw, FashionCheck fashion, Map<ModelKind, PreprocessorConfig> preprocessing,
            boolean demo) {
    }

    public ValidationService(InferenceEngine engine, ImageSource source, ImageDecoder decoder,
            RequestConfig requestConfig, NsfwConfig nsfwConfig, FashionConfig fashionConfig, MeterRegistry registry) {
        this.engine = engine;
        this.source = source;
        this.decoder = decoder;
        this.requestConfig = requestConfig;
        this.nsfwConfig = nsfwConfig;
        this.fashionConfig = fashionConfig;
        this.registry = registry;
        int threads = requestConfig.cpuThreads().orElse(Runtime.getRuntime().availableProcessors());
        this.cpuPool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("decode-", 0).daemon(true)
                .factory());
        this.inFlightPermits = new Semaphore(requestConfig.maxInFlightImages(), true);
        Gauge.builder(MetricNames.IMAGES_IN_FLIGHT, inFlight, AtomicInteger::get).register(registry);
        this.fetchTimer = stageTimer("fetch");
        this.decodeTimer = stageTimer("decode");
        this.preprocessTimer = stageTimer("preprocess");
    }

    /**
     * Loads the models, proves the pipeline against the export's reference outputs where a model has them, and
     * prepares the checks: the fashion prompts go through the CLIP text tower once here.
     *
     * @throws RuntimeException with a message that says what is wrong
     */
    void start() {
        try {
            prepareChecks();
        } catch (RuntimeException | LinkageError e) {
            failure = e.getMessage();
            throw e;
        } finally {
            // Wakes requests waiting for readiness, whether loading worked or not.
            started.complete(null);
        }
    }

    private void prepareChecks() {
        engine.load();
        Map<ModelKind, String> verified = new EnumMap<>(ModelKind.class);
        new ReferenceCheck(engine, decoder).run().forEach((kind, outcome) -> {
            verified.put(kind, outcome.summary());
            Log.infof("Reference outputs of %s reproduced: %s", kind.id(), outcome.summary());
        });
        referenceChecks = Map.copyOf(verified);
        Map<ModelKind, PreprocessorConfig> preprocessing = new EnumMap<>(ModelKind.class);
        for (ModelKind kind : ModelKind.values()) {
            preprocessing.put(kind, engine.preprocessing(kind));
        }
        NsfwCheck nsfw = new NsfwCheck(engine.metadata(ModelKind.NSFW).labels(), nsfwConfig.unsafeLabels());
        List<String> prompts = new ArrayList<>(fashionConfig.prompts());
        prompts.addAll(fashionConfig.negativePrompts());
        float[][] embeddings = engine.embedTexts(ModelKind.CLIP, prompts);
        double scale = engine.metadata(ModelKind.CLIP).logitScale().orElse(100.0);
        FashionCheck fashion = new FashionCheck(embeddings, fashionConfig.prompts().size(), scale);
        checks = new Checks(nsfw, fashion, preprocessing, engine.demo());
        Log.infof("Fashion check ready: %d fashion and %d other prompts, logit scale %.2f",
                fashionConfig.prompts().size(), fashionConfig.negativePrompts().size(), scale);
    }

    /**
     * Why the service cannot serve, when it cannot: models failed to load, drift from their reference outputs, or a
     * fatal runtime error (e.g. a CUDA fault) broke the engine.
     */
    public Optional<String> failure() {
        return failure != null ? Optional.of(failure) : engine.failure();
    }

    /** Per model with reference outputs, what the start-up check found (a readable line). */
    public Map<ModelKind, String> referenceChecks() {
        return referenceChecks;
    }

    /** Whether requests can be served: models loaded and warmed, checks prepared. */
    public boolean ready() {
        return checks != null && engine.state() == EngineState.READY;
    }

    /**
     * Runs a request.
     *
     * @throws RequestException     for a malformed request (before any work starts)
     * @throws UnavailableException when models are not ready, or when busy under {@link Admission#REJECT_WHEN_BUSY}
     */
    public CompletableFuture<ValidationResponse> validate(ValidationRequest request, Admission admission) {
        if (request == null) {
            throw rejected(null, new RequestException(RequestException.Code.INVALID_REQUEST,
                    "a JSON body {\"action\": ..., \"images\": [...]} is required"));
        }
        Action action;
        try {
            action = Action.parse(request.action());
            checkImages(request.images());
            checkSimilarityFields(action, request);
        } catch (RequestException e) {
            throw rejected(null, e);
        }
        double nsfwThreshold = threshold(action, request.nsfwThreshold(), nsfwConfig.threshold(), "nsfw_threshold");
        double fashionThreshold = threshold(action, request.fashionThreshold(), fashionConfig.threshold(),
                "fashion_threshold");
        return whenReady(action.wireName(), prepared -> run(request, action, prepared, nsfwThreshold,
                fashionThreshold, admission));
    }

    private CompletableFuture<ValidationResponse> run(ValidationRequest request, Action action, Checks prepared,
            double nsfwThreshold, double fashionThreshold, Admission admission) {
        int n = request.images().size();
        boolean withReference = action == Action.SIMILARITY && request.referenceImage() != null;
        int admitted = n + (withReference ? 1 : 0);
        admit(action, admitted, admission);
        inFlight.addAndGet(admitted);

        CompletableFuture<SimilarityCheck> similarity = action == Action.SIMILARITY
                ? similarityCheck(request, prepared) : CompletableFuture.completedFuture(null);
        // Images wait for the query; if it fails, the whole request fails below, not each image.
        CompletableFuture<SimilarityCheck> query = similarity.exceptionally(e -> null);
        List<CompletableFuture<ImageResult>> results = new ArrayList<>(n);
        for (String reference : request.images()) {
            results.add(processImage(reference, action, prepared, nsfwThreshold, fashionThreshold, query)
                    .whenComplete((r, e) -> release()));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenCombine(similarity, (v, s) -> {
            List<ImageResult> out = results.stream().map(CompletableFuture::join).toList();
            count(action, "ok");
            return new ValidationResponse(out, prepared.demo() ? Boolean.TRUE : null);
        }).whenComplete((r, e) -> {
            if (e != null && unwrap(e) instanceof RequestException) {
                count(action, "client_error");
            }
        });
    }

    /**
     * Embeds texts with the SigLIP text tower, cleaned and padded as the model expects, L2-normalised.
     *
     * @throws RequestException     for a malformed request
     * @throws UnavailableException when models are not ready
     */
    public CompletableFuture<TextEmbeddingResponse> embedTexts(TextEmbeddingRequest request) {
        if (request == null) {
            throw rejectedText(new RequestException(RequestException.Code.INVALID_REQUEST,
                    "a JSON body {\"texts\": [...]} is required"));
        }
        List<String> texts;
        try {
            texts = checkTexts(request.texts(), "texts");
        } catch (RequestException e) {
            throw rejectedText(e);
        }
        return whenReady(TEXT_EMBEDDING, prepared -> CompletableFuture
                .supplyAsync(() -> engine.embedTexts(ModelKind.SIGLIP, texts), cpuPool)
                .thenApply(rows -> {
                    List<float[]> embeddings = new ArrayList<>(rows.length);
                    for (float[] row : rows) {
                        embeddings.add(Scores.l2Normalize(row));
                    }
                    count(TEXT_EMBEDDING, "ok");
                    return new TextEmbeddingResponse(embeddings, engine.metadata(ModelKind.SIGLIP).name(),
                            prepared.demo() ? Boolean.TRUE : null);
                }));
    }

    /**
     * Runs {@code work} once the checks are prepared: now, after waiting up to {@code validator.request.await-ready}
     * for models still loading, or never (503).
     */
    private <T> CompletableFuture<T> whenReady(String action, Function<Checks, CompletableFuture<T>> work) {
        Checks prepared = checks;
        if (prepared == null && engine.state() == EngineState.LOADING && requestConfig.awaitReady().isPositive()) {
            long waitMillis = requestConfig.awaitReady().toMillis();
            return started.copy().completeOnTimeout(null, waitMillis, TimeUnit.MILLISECONDS)
                    .thenCompose(v -> {
                        Checks now = checks;
                        if (now == null || engine.state() != EngineState.READY) {
                            throw unavailable(action);
                        }
                        return work.apply(now);
                    });
        }
        if (prepared == null || engine.state() != EngineState.READY) {
            throw unavailable(action);
        }
        return work.apply(prepared);
    }

    /** Embeds the similarity action's texts and reference image; fails with a RequestException for a bad reference. */
    private CompletableFuture<SimilarityCheck> similarityCheck(ValidationRequest request, Checks prepared) {
        List<String> texts = request.texts() == null ? List.of() : request.texts();
        CompletableFuture<float[][]> textEmbeddings = texts.isEmpty()
                ? CompletableFuture.completedFuture(new float[0][])
                : CompletableFuture.supplyAsync(() -> engine.embedTexts(ModelKind.SIGLIP, texts), cpuPool);
        CompletableFuture<float[]> reference = CompletableFuture.completedFuture(null);
        if (request.referenceImage() != null) {
            reference = source.load(request.referenceImage())
                    .thenComposeAsync(bytes -> infer(bytes, Action.SIMILARITY, prepared), cpuPool)
                    .thenApply(outputs -> outputs.get(ModelKind.SIGLIP))
                    .whenComplete((r, e) -> release())
                    .exceptionally(e -> {
                        Throwable cause = unwrap(e);
                        String why = cause instanceof IntakeException ie ? ie.error().name() + ": " + ie.getMessage()
                                : cause.getMessage();
                        throw new CompletionException(new RequestException(
                                RequestException.Code.INVALID_REFERENCE_IMAGE, "reference_image " + shown(
                                        request.referenceImage()) + " cannot be used: " + why));
                    });
        }
        ModelMetadata metadata = engine.metadata(ModelKind.SIGLIP);
        OptionalDouble scale = metadata.logitScale().map(OptionalDouble::of).orElse(OptionalDouble.empty());
        return textEmbeddings.thenCombine(reference,
                (t, r) -> new SimilarityCheck(texts, t, r, scale, metadata.logitBias().orElse(0.0)));
    }

    private void release() {
        inFlight.decrementAndGet();
        inFlightPermits.release();
    }

    private UnavailableException unavailable(String action) {
        count(action, "rejected");
        return failure()
                .map(f -> new UnavailableException(UnavailableException.Reason.MODELS_FAILED,
                        "models unavailable: " + f, LOADING_RETRY))
                .orElseGet(() -> new UnavailableException(UnavailableException.Reason.MODELS_NOT_READY,
                        "models are still loading", LOADING_RETRY));
    }

    private void admit(Action action, int images, Admission admission) {
        if (admission == Admission.WAIT_WHEN_BUSY) {
            if (Context.isOnEventLoopThread()) {
                throw new IllegalStateException("waiting admission must not run on an event loop");
            }
            inFlightPermits.acquireUninterruptibly(images);
        } else if (!inFlightPermits.tryAcquire(images)) {
            count(action, "rejected");
            throw new UnavailableException(UnavailableException.Reason.OVERLOADED, "busy: " + inFlight.get()
                    + " images in flight (limit " + requestConfig.maxInFlightImages() + "); retry shortly", BUSY_RETRY);
        }
    }

    private CompletableFuture<ImageResult> processImage(String reference, Action action, Checks prepared,
            double nsfwThreshold, double fashionThreshold, CompletableFuture<SimilarityCheck> similarity) {
        String shown = shown(reference);
        long start = System.nanoTime();
        return source.load(reference)
                .thenComposeAsync(bytes -> {
                    fetchTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    return infer(bytes, action, prepared);
                }, cpuPool)
                .thenCombine(similarity, (outputs, query) -> {
                    ImageResult.NsfwResult nsfw = outputs.containsKey(ModelKind.NSFW)
                            ? prepared.nsfw().evaluate(outputs.get(ModelKind.NSFW), nsfwThreshold) : null;
                    ImageResult.FashionResult fashion = outputs.containsKey(ModelKind.CLIP)
                            ? prepared.fashion().evaluate(outputs.get(ModelKind.CLIP), fashionThreshold) : null;
                    float[] embedding = action != Action.SIMILARITY && outputs.containsKey(ModelKind.SIGLIP)
                            ? Scores.l2Normalize(outputs.get(ModelKind.SIGLIP)) : null;
                    SimilarityResult similar = query != null ? query.evaluate(outputs.get(ModelKind.SIGLIP)) : null;
                    countImage("ok", "none");
                    return new ImageResult(shown, nsfw, fashion, embedding, similar, null);
                })
                .exceptionally(e -> {
                    ImageError error = imageError(unwrap(e));
                    countImage("error", error.code().name());
                    return ImageResult.failed(shown, error);
                });
    }

    /** Decodes once, then queues one preprocessed copy per model the action needs. Runs on the CPU pool. */
    private CompletableFuture<Map<ModelKind, float[]>> infer(byte[] bytes, Action action, Checks prepared) {
        long t0 = System.nanoTime();
        Map<ModelKind, CompletableFuture<float[]>> pending = new EnumMap<>(ModelKind.class);
        // The raster's memory is reserved until the last model has written its copy: the writers run here.
        List<PreprocessorConfig> configs = action.models().stream().map(prepared.preprocessing()::get).toList();
        try (ImageDecoder.Decoded decoded = decoder.decodeHeld(bytes, Preprocessor.draftSide(configs))) {
            RgbImage image = decoded.image();
            decodeTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            // Models with the same horizontal resize pass share it (the first one's timer counts it).
            Preprocessing preprocessing = new Preprocessing(image, configs);
            for (ModelKind kind : action.models()) {
                PreprocessorConfig cfg = prepared.preprocessing().get(kind);
                // The pipeline waits for queue space; admission control already bounded the work in flight.
                pending.put(kind, engine.infer(kind, slot -> {
                    long p0 = System.nanoTime();
                    preprocessing.write(cfg, slot);
                    preprocessTimer.record(System.nanoTime() - p0, TimeUnit.NANOSECONDS);
                }, true));
            }
        }
        return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<ModelKind, float[]> out = new EnumMap<>(ModelKind.class);
            pending.forEach((kind, f) -> out.put(kind, f.join()));
            return out;
        });
    }

    private static ImageError imageError(Throwable e) {
        if (e instanceof IntakeException ie) {
            return new ImageError(ErrorCode.of(ie.error()), ie.getMessage());
        }
        if (e instanceof InferenceException) {
            Log.errorf(e, "Inference failed");
            return new ImageError(ErrorCode.INFERENCE_FAILED, e.getMessage());
        }
        Log.errorf(e, "Unexpected failure while processing an image");
        return new ImageError(ErrorCode.INTERNAL_ERROR, "internal error; see the service log");
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private void checkImages(List<String> images) {
        if (images == null || images.isEmpty()) {
            throw new RequestException(RequestException.Code.NO_IMAGES,
                    "'images' must be a non-empty list of image URLs, data: URIs or base64 strings");
        }
        if (images.size() > requestConfig.maxImages()) {
            throw new RequestException(RequestException.Code.TOO_MANY_IMAGES, "at most " + requestConfig.maxImages()
                    + " images per request (validator.request.max-images), got " + images.size());
        }
    }

    private double threshold(Action action, Double requested, double configured, String field) {
        if (requested == null) {
            return configured;
        }
        if (requested.isNaN() || requested < 0 || requested > 1) {
            throw rejected(action, new RequestException(RequestException.Code.INVALID_THRESHOLD,
                    "'" + field + "' must be between 0 and 1, got " + requested));
        }
        return requested;
    }

    private RequestException rejected(Action action, RequestException e) {
        count(action, "client_error");
        return e;
    }

    private RequestException rejectedText(RequestException e) {
        count(TEXT_EMBEDDING, "client_error");
        return e;
    }

    /** The similarity fields: required by the similarity action, refused with any other. */
    private void checkSimilarityFields(Action action, ValidationRequest request) {
        boolean hasTexts = request.texts() != null;
        boolean hasReference = request.referenceImage() != null;
        if (action != Action.SIMILARITY) {
            if (hasTexts || hasReference) {
                throw new RequestException(RequestException.Code.INVALID_REQUEST, "'texts' and 'reference_image' "
                        + "belong to action 'similarity', not '" + action.wireName() + "'");
            }
            return;
        }
        if (!hasTexts && !hasReference) {
            throw new RequestException(RequestException.Code.NO_SIMILARITY_TARGET, "action 'similarity' needs "
                    + "'texts' (a list of strings) and/or 'reference_image' (an image URL, data: URI or base64)");
        }
        if (hasTexts) {
            checkTexts(request.texts(), "texts");
        }
        if (hasReference && request.referenceImage().isBlank()) {
            throw new RequestException(RequestException.Code.INVALID_REFERENCE_IMAGE,
                    "'reference_image' is empty; give an image URL, data: URI or base64 string");
        }
    }

    /** Non-empty, within the count limit, each text non-blank and within the length limit. */
    private List<String> checkTexts(List<String> texts, String field) {
        if (texts == null || texts.isEmpty()) {
            throw new RequestException(RequestException.Code.NO_TEXTS, "'" + field + "' must be a non-empty list of "
                    + "strings");
        }
        if (texts.size() > requestConfig.maxTexts()) {
            throw new RequestException(RequestException.Code.TOO_MANY_TEXTS, "at most " + requestConfig.maxTexts()
                    + " texts per request (validator.request.max-texts), got " + texts.size());
        }
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null || text.isBlank()) {
                throw new RequestException(RequestException.Code.INVALID_TEXT, "'" + field + "[" + i + "]' is "
                        + (text == null ? "null" : "blank") + "; every text must have words");
            }
            int length = text.codePointCount(0, text.length());
            if (length > requestConfig.maxTextLength()) {
                throw new RequestException(RequestException.Code.INVALID_TEXT, "'" + field + "[" + i + "]' has "
                        + length + " characters; at most " + requestConfig.maxTextLength()
                        + " (validator.request.max-text-length)");
            }
        }
        return List.copyOf(texts);
    }

    /** The reference as echoed in results: URLs as sent, inline data shortened. */
    static String shown(String reference) {
        if (reference == null) {
            return null;
        }
        if (ImageSource.isInline(reference) && reference.length() > SHOWN_INLINE_CHARS) {
            return reference.substring(0, SHOWN_INLINE_CHARS) + "...(" + reference.length() + " chars)";
        }
        return reference;
    }

    private Timer stageTimer(String stage) {
        return Timer.builder(MetricNames.STAGE_DURATION).tag(MetricNames.TAG_STAGE, stage).register(registry);
    }

    private void count(Action action, String outcome) {
        count(action == null ? "unknown" : action.wireName(), outcome);
    }

    private void count(String action, String outcome) {
        registry.counter(MetricNames.REQUESTS, MetricNames.TAG_ACTION, action, MetricNames.TAG_OUTCOME, outcome)
                .increment();
    }

    private void countImage(String outcome, String code) {
        registry.counter(MetricNames.IMAGES, MetricNames.TAG_OUTCOME, outcome, MetricNames.TAG_CODE, code).increment();
    }

    @PreDestroy
    void close() {
        cpuPool.shutdown();
    }
}
