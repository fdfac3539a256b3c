package com.ffs.validator.validation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import com.ffs.validator.image.ImageDecoder;
import com.ffs.validator.image.PreprocessorConfig;
import com.ffs.validator.inference.EngineState;
import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.inference.ModelKind;

import io.quarkus.logging.Log;

/**
 * Whether the service can serve, and what it serves with: loads the models, proves the pipeline against the export's
 * reference outputs, prepares the checks, and publishes them once as one immutable {@link PreparedChecks}. Requests
 * that arrive while models load wait up to {@code validator.request.await-ready}, holding no thread, or get 503.
 */
@ApplicationScoped
public class ServingState {

    private static final Duration LOADING_RETRY = Duration.ofSeconds(5);

    private final InferenceEngine engine;
    private final ImageDecoder decoder;
    private final RequestConfig requestConfig;
    private final NsfwConfig nsfwConfig;
    private final FashionConfig fashionConfig;
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    private volatile PreparedChecks checks;
    private volatile String failure;
    private volatile Map<ModelKind, String> referenceChecks = Map.of();

    public ServingState(InferenceEngine engine, ImageDecoder decoder, RequestConfig requestConfig,
            NsfwConfig nsfwConfig, FashionConfig fashionConfig) {
        this.engine = engine;
        this.decoder = decoder;
        this.requestConfig = requestConfig;
        this.nsfwConfig = nsfwConfig;
        this.fashionConfig = fashionConfig;
    }

    /**
     * Loads the models, proves the pipeline against the export's reference outputs where a model has them, and
     * prepares the checks: the fashion prompts go through the CLIP text tower once here.
     *
     * @throws RuntimeException with a message that says what is wrong
     */
    void start() {
        try {
            prepare();
        } catch (RuntimeException | LinkageError e) {
            failure = e.getMessage();
            throw e;
        } finally {
            // Wakes requests waiting for readiness, whether loading worked or not.
            started.complete(null);
        }
    }

    private void prepare() {
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
        checks = new PreparedChecks(nsfw, fashion, Map.copyOf(preprocessing), engine.demo());
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
     * Runs {@code work} with the prepared checks: now; once models finish loading, within
     * {@code validator.request.await-ready} (continuing on {@code executor}, never on the loading thread); or never.
     *
     * @throws UnavailableException when models are not ready (and no wait is configured) or failed
     */
    <T> CompletableFuture<T> whenReady(Function<PreparedChecks, CompletableFuture<T>> work, Executor executor) {
        PreparedChecks prepared = checks;
        if (prepared == null && engine.state() == EngineState.LOADING && requestConfig.awaitReady().isPositive()) {
            long waitMillis = requestConfig.awaitReady().toMillis();
            return started.copy().completeOnTimeout(null, waitMillis, TimeUnit.MILLISECONDS)
                    .thenComposeAsync(v -> {
                        PreparedChecks now = checks;
                        if (now == null || engine.state() != EngineState.READY) {
                            throw unavailable();
                        }
                        return work.apply(now);
                    }, executor);
        }
        if (prepared == null || engine.state() != EngineState.READY) {
            throw unavailable();
        }
        return work.apply(prepared);
    }

    /** The 503 for a service without models: still loading (retry shortly) or failed. */
    UnavailableException unavailable() {
        // The reason names files and libraries: it stays in the log and on the management port's readiness check.
        return failure()
                .map(f -> new UnavailableException(UnavailableException.Reason.MODELS_FAILED,
                        "models failed to load or broke at run time; the service log and /q/health/ready on the "
                                + "management port say why",
                        LOADING_RETRY))
                .orElseGet(() -> new UnavailableException(UnavailableException.Reason.MODELS_NOT_READY,
                        "models are still loading", LOADING_RETRY));
    }
}
