package com.ffs.validator.validation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.ffs.validator.image.ImageDecoder;
import com.ffs.validator.image.ImageSource;
import com.ffs.validator.image.IntakeException;
import com.ffs.validator.image.Preprocessor;
import com.ffs.validator.image.PreprocessorConfig;
import com.ffs.validator.image.RgbImage;
import com.ffs.validator.inference.EngineState;
import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.inference.InferenceException;
import com.ffs.validator.inference.ModelKind;
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
     * Loads the models and prepares the checks: the fashion prompts go through the CLIP text tower once here.
     *
     * @throws RuntimeException with a message that says what is wrong
     */
    void start() {
        try {
            prepareChecks();
        } finally {
            // Wakes requests waiting for readiness, whether loading worked or not.
            started.complete(null);
        }
    }

    private void prepareChecks() {
        engine.load();
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

    /** Whether requests can be served: models loaded and warmed, checks prepared. */
    public boolean ready() {
        return checks != null && engine.state() == EngineState.READY;
    }

    /** Why the service can no longer serve (models failed to load, or a fatal runtime error), when it cannot. */
    public Optional<String> failure() {
        return engine.state() == EngineState.FAILED ? Optional.of(engine.failure().orElse("engine failed"))
                : Optional.empty();
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
        } catch (RequestException e) {
            throw rejected(null, e);
        }
        double nsfwThreshold = threshold(action, request.nsfwThreshold(), nsfwConfig.threshold(), "nsfw_threshold");
        double fashionThreshold = threshold(action, request.fashionThreshold(), fashionConfig.threshold(),
                "fashion_threshold");
        Checks prepared = checks;
        if (prepared == null && engine.state() == EngineState.LOADING && requestConfig.awaitReady().isPositive()) {
            long waitMillis = requestConfig.awaitReady().toMillis();
            return started.copy().completeOnTimeout(null, waitMillis, TimeUnit.MILLISECONDS)
                    .thenCompose(v -> {
                        if (checks == null) {
                            throw unavailable(action);
                        }
                        return validate(request, admission);
                    });
        }
        if (prepared == null || engine.state() != EngineState.READY) {
            throw unavailable(action);
        }
        int n = request.images().size();

        admit(action, n, admission);
        inFlight.addAndGet(n);

        List<CompletableFuture<ImageResult>> results = new ArrayList<>(n);
        for (String reference : request.images()) {
            results.add(processImage(reference, action, prepared, nsfwThreshold, fashionThreshold)
                    .whenComplete((r, e) -> {
                        inFlight.decrementAndGet();
                        inFlightPermits.release();
                    }));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<ImageResult> out = results.stream().map(CompletableFuture::join).toList();
            count(action, "ok");
            return new ValidationResponse(out, prepared.demo() ? Boolean.TRUE : null);
        });
    }

    private UnavailableException unavailable(Action action) {
        count(action, "rejected");
        return engine.failure()
                .map(f -> new UnavailableException(UnavailableException.Reason.MODELS_FAILED,
                        "models failed to load: " + f, LOADING_RETRY))
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
            double nsfwThreshold, double fashionThreshold) {
        String shown = shown(reference);
        long start = System.nanoTime();
        return source.load(reference)
                .thenComposeAsync(bytes -> {
                    fetchTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    return infer(bytes, action, prepared);
                }, cpuPool)
                .thenApply(outputs -> {
                    ImageResult.NsfwResult nsfw = outputs.containsKey(ModelKind.NSFW)
                            ? prepared.nsfw().evaluate(outputs.get(ModelKind.NSFW), nsfwThreshold) : null;
                    ImageResult.FashionResult fashion = outputs.containsKey(ModelKind.CLIP)
                            ? prepared.fashion().evaluate(outputs.get(ModelKind.CLIP), fashionThreshold) : null;
                    float[] embedding = outputs.containsKey(ModelKind.SIGLIP)
                            ? Scores.l2Normalize(outputs.get(ModelKind.SIGLIP)) : null;
                    countImage("ok", "none");
                    return new ImageResult(shown, nsfw, fashion, embedding, null);
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
        RgbImage image = decoder.decode(bytes);
        decodeTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        Map<ModelKind, CompletableFuture<float[]>> pending = new EnumMap<>(ModelKind.class);
        for (ModelKind kind : action.models()) {
            PreprocessorConfig cfg = prepared.preprocessing().get(kind);
            // The pipeline waits for queue space; admission control already bounded the work in flight.
            pending.put(kind, engine.infer(kind, slot -> {
                long p0 = System.nanoTime();
                Preprocessor.write(image, cfg, slot);
                preprocessTimer.record(System.nanoTime() - p0, TimeUnit.NANOSECONDS);
            }, true));
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
        registry.counter(MetricNames.REQUESTS, MetricNames.TAG_ACTION, action == null ? "unknown" : action.wireName(),
                MetricNames.TAG_OUTCOME, outcome).increment();
    }

    private void countImage(String outcome, String code) {
        registry.counter(MetricNames.IMAGES, MetricNames.TAG_OUTCOME, outcome, MetricNames.TAG_CODE, code).increment();
    }

    @PreDestroy
    void close() {
        cpuPool.shutdown();
    }
}
