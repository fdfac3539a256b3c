package com.ffs.validator.validation;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request in progress: its answer, a way to stop it, and the moment its work has ended.
 *
 * <p>{@link #cancel} answers the request at once with a {@link CancelledException}; images that have not started a
 * stage are dropped, and work already inside a stage (a download, a decode, a running batch) finishes and is
 * discarded. {@link #settled()} completes once nothing of the request is left in the service, whether it finished,
 * failed or was cancelled: a caller that must bound concurrent work (a job slot) waits for it.
 *
 * @param <T> the answer's type
 */
public final class Pending<T> {

    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final CompletableFuture<Void> settled = new CompletableFuture<>();
    private final AtomicReference<String> cancellation = new AtomicReference<>();

    Pending() {
    }

    /** The answer; fails with {@link CancelledException} once cancelled, or with the request's own failure. */
    public CompletableFuture<T> result() {
        return result;
    }

    /** Completes (never exceptionally) when no work of this request remains in the service. */
    public CompletableFuture<Void> settled() {
        return settled;
    }

    /**
     * Stops the request: the answer fails now with {@link CancelledException} carrying {@code reason}, and work not
     * yet started is dropped.
     *
     * @return whether this call cancelled it (false when already answered or cancelled)
     */
    public boolean cancel(String reason) {
        if (result.isDone() || !cancellation.compareAndSet(null, reason)) {
            return false;
        }
        return result.completeExceptionally(new CancelledException(reason));
    }

    /** Whether the request was cancelled; stages check it before they start an image's work. */
    public boolean cancelled() {
        return cancellation.get() != null;
    }

    /** Hands the outcome of the request's work to the caller and marks the work ended. */
    void finish(T value, Throwable failure) {
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(value);
        }
        settled.complete(null);
    }

    /** A pending request that failed before any work started. */
    static <T> Pending<T> failed(Throwable failure) {
        Pending<T> p = new Pending<>();
        p.finish(null, failure);
        return p;
    }
}
