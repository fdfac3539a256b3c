package com.ffs.validator.validation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;

import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.inference.ModelKind;
import com.ffs.validator.inference.QueueFullException;
import com.ffs.validator.metrics.MetricNames;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Text search: embeds texts with the SigLIP text tower, cleaned and padded as the model expects, L2-normalised. Texts
 * queue on the engine's own bounded text queue ({@code validator.inference.max-queued-text-requests}); when it is
 * full the request is refused (503 {@code OVERLOADED}); a request whose caller leaves leaves the queue.
 */
@ApplicationScoped
public class TextEmbeddingService {

    /** The action tag of text-embedding requests in metrics. */
    private static final String TEXT_EMBEDDING = "text_embedding";
    private static final Duration BUSY_RETRY = Duration.ofSeconds(1);

    private final ServingState serving;
    private final RequestRules rules;
    private final InferenceEngine engine;
    private final MeterRegistry registry;

    public TextEmbeddingService(ServingState serving, RequestRules rules, InferenceEngine engine,
            MeterRegistry registry) {
        this.serving = serving;
        this.rules = rules;
        this.engine = engine;
        this.registry = registry;
    }

    /**
     * Starts embedding the request's texts.
     *
     * @throws RequestException for a malformed request
     * @throws UnavailableException when models are not ready, or the text queue is full
     */
    public Pending<TextEmbeddingResponse> embed(TextEmbeddingRequest request) {
        List<String> texts;
        try {
            texts = rules.texts(request);
        } catch (RequestException e) {
            count("client_error");
            throw e;
        }
        Pending<TextEmbeddingResponse> pending = new Pending<>();
        CompletableFuture<TextEmbeddingResponse> answer;
        try {
            answer = serving.whenReady(prepared -> {
                CompletableFuture<float[][]> rows = engine.embedTextsAsync(ModelKind.SIGLIP, texts);
                if (rows.isCompletedExceptionally() && rows.exceptionNow() instanceof QueueFullException) {
                    throw new UnavailableException(UnavailableException.Reason.OVERLOADED, "busy: the text queue is "
                            + "full (validator.inference.max-queued-text-requests); retry shortly", BUSY_RETRY);
                }
                pending.whenCancelled((cause, reason) -> rows.cancel(false));
                return rows.thenApply(r -> {
                    List<float[]> embeddings = new ArrayList<>(r.length);
                    for (float[] row : r) {
                        embeddings.add(Scores.l2Normalize(row));
                    }
                    return new TextEmbeddingResponse(embeddings, engine.metadata(ModelKind.SIGLIP).name(),
                            prepared.demo() ? Boolean.TRUE : null);
                });
            }, Runnable::run);
        } catch (UnavailableException e) {
            count("rejected");
            throw e;
        }
        answer.whenComplete((response, e) -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            count(cause == null ? "ok" : cause instanceof UnavailableException ? "rejected" : "server_error");
            pending.finish(response, cause);
        });
        return pending;
    }

    private void count(String outcome) {
        registry.counter(MetricNames.REQUESTS, MetricNames.TAG_ACTION, TEXT_EMBEDDING, MetricNames.TAG_OUTCOME,
                outcome).increment();
    }
}
