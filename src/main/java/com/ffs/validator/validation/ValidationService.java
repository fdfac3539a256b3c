package com.ffs.validator.validation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.ffs.validator.image.ImageDecoder;
import com.ffs.validator.image.ImageSource;
import com.ffs.validator.image.IntakeException;
import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.inference.InferenceException;
import com.ffs.validator.inference.ModelKind;
import com.ffs.validator.inference.ModelMetadata;
import com.ffs.validator.metrics.MetricNames;
import com.ffs.validator.validation.ImageResult.ImageError;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.vertx.core.Context;

/**
 * The use case: checks a request ({@link RequestRules}), admits its images ({@link ServiceAdmission}), takes each image
 * on its own through the {@link ImagePipeline}, and answers with one result per image in input order. A bad image gets
 * an error result; it never fails the others. A request can be stopped (its caller left, its {@code timeout_ms}
 * passed, its job was stopped): its unfinished images leave every queue and are answered {@code CANCELLED}.
 */
@ApplicationScoped
public class ValidationService {

    private static final int SHOWN_INLINE_CHARS = 48;

    private final ServingState serving;
    private final RequestRules rules;
    private final ServiceAdmission admission;
    private final ImageSource source;
    private final InferenceEngine engine;
    private final MeterRegistry registry;
    private final ExecutorService cpuPool;
    private final ScheduledExecutorService deadlines;
    private final ImagePipeline pipeline;
    private final AtomicInteger inFlight = new AtomicInteger();

    public ValidationService(ServingState serving, RequestRules rules, ServiceAdmission admission,
            InferenceEngine engine, ImageSource source, ImageDecoder decoder, RasterChecks rasterChecks,
            RequestConfig requestConfig, MeterRegistry registry) {
        this.serving = serving;
        this.rules = rules;
        this.admission = admission;
        this.engine = engine;
        this.source = source;
        this.registry = registry;
        int threads = requestConfig.cpuThreads().orElse(Runtime.getRuntime().availableProcessors());
        // Admission bounds the images in flight, so the queue never holds more than one task per admitted image.
        this.cpuPool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(requestConfig.maxInFlightImages() + 64),
                Thread.ofPlatform().name("decode-", 0).daemon(true).factory());
        this.deadlines = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("deadlines").daemon(true)
                .factory());
        this.pipeline = new ImagePipeline(source, decoder, engine, rasterChecks, cpuPool, registry);
        Gauge.builder(MetricNames.IMAGES_IN_FLIGHT, inFlight, AtomicInteger::get).register(registry);
        int capacity = requestConfig.maxInFlightImages();
        Gauge.builder(MetricNames.IMAGES_CAPACITY, () -> capacity).register(registry);
    }

    /** Why the service cannot serve, when it cannot. */
    public Optional<String> failure() {
        return serving.failure();
    }

    /** Per model with reference outputs, what the start-up check found (a readable line). */
    public Map<ModelKind, String> referenceChecks() {
        return serving.referenceChecks();
    }

    /** Whether requests can be served: models loaded and warmed, checks prepared. */
    public boolean ready() {
        return serving.ready();
    }

    /** Images admitted and not yet answered. */
    public int imagesInFlight() {
        return inFlight.get();
    }

    /** How long newly admitted work would wait behind the work admitted now. */
    public Duration expectedWait() {
        return admission.expectedWait();
    }

    /**
     * Runs a request.
     *
     * @throws RequestException for a malformed request (before any work starts)
     * @throws UnavailableException when models are not ready, or when busy under {@link Admission#REJECT_WHEN_BUSY}
     */
    public CompletableFuture<ValidationResponse> validate(ValidationRequest request, Admission mode) {
        return submit(request, mode).result();
    }

    /**
     * Starts a request and returns a handle to its answer, to stop it, and to know when its work has ended. Never
     * blocks: under {@link Admission#WAIT_WHEN_BUSY} the request queues for admission without holding a thread.
     *
     * @throws RequestException for a malformed request (before any work starts)
     * @throws UnavailableException when models are not ready, or when refused under {@link Admission#REJECT_WHEN_BUSY}
     */
    public Pending<ValidationResponse> submit(ValidationRequest request, Admission mode) {
        if (Context.isOnEventLoopThread()) {
            // Parsing a large body, decoding inline images and waiting for admission would stall every connection.
            throw new IllegalStateException("requests must not be run on an event loop thread");
        }
        ValidatedRequest validated;
        try {
            validated = rules.validation(request);
        } catch (RequestException e) {
            count(request == null ? null : safeAction(request), "client_error");
            throw e;
        }
        Action action = validated.action();
        io.opentelemetry.context.Context trace = StageSpans.request(action, validated.images().size());
        Pending<ValidationResponse> pending = new Pending<>();
        RequestScope scope = new RequestScope(source.group());
        AtomicBoolean started = new AtomicBoolean();
        pending.whenCancelled((cause, reason) -> stop(scope, cause, reason));
        CompletableFuture<ValidationResponse> answer;
        Function<PreparedChecks, CompletableFuture<ValidationResponse>> work = prepared -> {
            CompletableFuture<AdmissionControl.Ticket> ticket = admission.admit(validated.admittedImages(),
                    validated.models(), mode);
            // A request stopped while it queues for admission leaves the queue.
            scope.onStop(() -> ticket.cancel(false));
            return ticket.thenCompose(t -> {
                started.set(true);
                return run(validated, prepared, t, scope, pending, trace);
            });
        };
        try {
            // Checks that need no model (quality, codes) do not wait for the models.
            answer = validated.models().isEmpty() ? work.apply(null) : serving.whenReady(work, cpuPool);
        } catch (UnavailableException e) {
            count(action, "rejected");
            StageSpans.endRequest(trace, e);
            throw e;
        }
        answer.whenComplete((response, e) -> {
            StageSpans.endRequest(trace, e);
            Throwable cause = e == null ? null : unwrap(e);
            count(action, cause == null ? "ok"
                    : cause instanceof RequestException ? "client_error"
                            : cause instanceof UnavailableException ? "rejected"
                                    : cause instanceof CancelledException
                                            ? "cancelled"
                                            : "server_error");
            pending.answer(response, cause);
            if (!started.get()) {
                // Refused, withdrawn or failed before any image started: no work is left.
                pending.settle();
            }
        });
        return pending;
    }

    private static Action safeAction(ValidationRequest request) {
        try {
            return Action.parse(request.action());
        } catch (RequestException e) {
            return null;
        }
    }

    private void stop(RequestScope scope, Pending.Cause cause, String reason) {
        scope.stop(cause, reason);
    }

    /** Runs an admitted request; its answer completes when every image has a result. */
    private CompletableFuture<ValidationResponse> run(ValidatedRequest request, PreparedChecks prepared,
            AdmissionControl.Ticket ticket, RequestScope scope, Pending<ValidationResponse> pending,
            io.opentelemetry.context.Context trace) {
        int n = request.images().size();
        inFlight.addAndGet(request.admittedImages());
        List<CompletableFuture<?>> work = new ArrayList<>();
        ScheduledFuture<?> deadline = request.deadline().map(d -> deadlines.schedule(() -> scope.stop(
                Pending.Cause.DEADLINE, "the request's deadline of " + d.toMillis() + " ms passed"), d.toMillis(),
                TimeUnit.MILLISECONDS)).orElse(null);

        CompletableFuture<SimilarityCheck> similarity = CompletableFuture.completedFuture(null);
        if (request.action() == Action.SIMILARITY) {
            similarity = similarityCheck(request, prepared, ticket, n, scope, work, trace);
        }
        // Images wait for the query; if it fails, the whole request fails below, not each image.
        CompletableFuture<SimilarityCheck> query = similarity.exceptionally(e -> null);
        List<CompletableFuture<ImageResult>> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String reference = request.images().get(i);
            int index = i;
            CompletableFuture<ImageResult> result = new CompletableFuture<>();
            CompletableFuture<ImagePipeline.Outputs> image = pipeline.run(reference, request.checks(),
                    prepared == null ? Map.of() : prepared.preprocessing(), scope,
                    new StageSpans.ImageTrace(trace, index));
            work.add(image.whenComplete((outputs, e) -> {
                ticket.release(index);
                inFlight.decrementAndGet();
            }));
            image.thenCombine(query, (outputs, q) -> evaluate(shown(reference), request, prepared, outputs, q))
                    .whenComplete((r, e) -> result.complete(e == null ? r
                            : StageSpans.within(trace, () -> failed(shown(reference), unwrap(e), scope.id()))));
            scope.onStop(() -> {
                RequestScope.Stop stop = scope.stopReason();
                if (result.complete(ImageResult.failed(shown(reference), new ImageError(ErrorCode.CANCELLED,
                        stop.reason())))) {
                    registry.counter(MetricNames.IMAGES_CANCELLED, MetricNames.TAG_CAUSE,
                            stop.cause().name().toLowerCase(Locale.ROOT)).increment();
                }
            });
            results.add(result);
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            if (deadline != null) {
                deadline.cancel(false);
            }
            pending.settle();
        });
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenCombine(similarity,
                (v, s) -> new ValidationResponse(results.stream().map(CompletableFuture::join).toList(),
                        prepared != null && prepared.demo() ? Boolean.TRUE : null));
    }

    private ImageResult evaluate(String shown, ValidatedRequest request, PreparedChecks prepared,
            ImagePipeline.Outputs outputs, SimilarityCheck query) {
        Map<ModelKind, float[]> rows = outputs.rows();
        ImageResult.NsfwResult nsfw = rows.containsKey(ModelKind.NSFW)
                ? prepared.nsfw().evaluate(rows.get(ModelKind.NSFW), request.nsfwThreshold())
                : null;
        ImageResult.FashionResult fashion = rows.containsKey(ModelKind.CLIP)
                ? prepared.fashion().evaluate(rows.get(ModelKind.CLIP), request.fashionThreshold())
                : null;
        float[] embedding = request.action() != Action.SIMILARITY && rows.containsKey(ModelKind.SIGLIP)
                ? Scores.l2Normalize(rows.get(ModelKind.SIGLIP))
                : null;
        SimilarityResult similar = query != null ? query.evaluate(rows.get(ModelKind.SIGLIP)) : null;
        countImage("ok", "none");
        return new ImageResult(shown, nsfw, fashion, embedding, similar, outputs.raster().quality(),
                outputs.raster().codes(), null);
    }

    private ImageResult failed(String shown, Throwable e, String requestId) {
        ImageError error = imageError(e, requestId);
        countImage("error", error.code().name());
        // With tracing on, the line carries the request's trace id: the way from a failed image to its trace.
        Log.debugf("Image answered %s: %s", error.code(), error.message());
        return ImageResult.failed(shown, error);
    }

    /**
     * Embeds the similarity action's texts and reference image (admitted as the request's last image); fails with a
     * RequestException for a bad reference.
     */
    private CompletableFuture<SimilarityCheck> similarityCheck(ValidatedRequest request, PreparedChecks prepared,
            AdmissionControl.Ticket ticket, int referenceIndex, RequestScope scope, List<CompletableFuture<?>> work,
            io.opentelemetry.context.Context trace) {
        List<String> texts = request.texts();
        CompletableFuture<float[][]> textEmbeddings = texts.isEmpty()
                ? CompletableFuture.completedFuture(new float[0][])
                : scope.track(engine.embedTextsAsync(ModelKind.SIGLIP, texts));
        work.add(textEmbeddings.exceptionally(e -> null));
        CompletableFuture<float[]> reference = CompletableFuture.completedFuture(null);
        if (request.referenceImage() != null) {
            String shown = shown(request.referenceImage());
            CompletableFuture<ImagePipeline.Outputs> image = pipeline.run(request.referenceImage(),
                    Check.of(Action.SIMILARITY), prepared.preprocessing(), scope,
                    new StageSpans.ImageTrace(trace, referenceIndex));
            work.add(image.whenComplete((r, e) -> {
                ticket.release(referenceIndex);
                inFlight.decrementAndGet();
            }));
            reference = image.thenApply(outputs -> outputs.rows().get(ModelKind.SIGLIP)).exceptionally(e -> {
                Throwable cause = unwrap(e);
                if (cause instanceof CancelledException c) {
                    throw new CompletionException(c);
                }
                if (!(cause instanceof IntakeException)) {
                    Log.errorf(cause, "Reference image failed (request %s)", scope.id());
                }
                String why = cause instanceof IntakeException ie ? ie.error().name() + ": " + ie.getMessage()
                        : "it could not be processed (see the service log, request " + scope.id() + ")";
                throw new CompletionException(new RequestException(RequestException.Code.INVALID_REFERENCE_IMAGE,
                        "reference_image " + shown + " cannot be used: " + why));
            });
        }
        ModelMetadata metadata = engine.metadata(ModelKind.SIGLIP);
        OptionalDouble scale = metadata.logitScale().map(OptionalDouble::of).orElse(OptionalDouble.empty());
        return textEmbeddings.thenCombine(reference,
                (t, r) -> new SimilarityCheck(texts, t, r, scale, metadata.logitBias().orElse(0.0)));
    }

    /** The answer for an image that failed; internal details go to the log with the request's id, not to the caller. */
    static ImageError imageError(Throwable e, String requestId) {
        if (e instanceof IntakeException ie) {
            return new ImageError(ErrorCode.of(ie.error()), ie.getMessage());
        }
        if (e instanceof CancelledException || e instanceof CancellationException) {
            return new ImageError(ErrorCode.CANCELLED, e.getMessage());
        }
        if (e instanceof InferenceException) {
            Log.errorf(e, "Inference failed (request %s)", requestId);
            return new ImageError(ErrorCode.INFERENCE_FAILED, "the model failed on this image's batch; the service log "
                    + "has the details (request " + requestId + ")");
        }
        Log.errorf(e, "Unexpected failure while processing an image (request %s)", requestId);
        return new ImageError(ErrorCode.INTERNAL_ERROR, "internal error; see the service log (request " + requestId
                + ")");
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
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
        deadlines.shutdownNow();
    }
}
