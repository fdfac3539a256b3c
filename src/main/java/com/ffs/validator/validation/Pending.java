package com.ffs.validator.validation;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * A request in progress: its answer, a way to stop it, and the moment its work has ended.
 *
 * <p>
 * {@link #cancel} answers the request at once with a {@link CancelledException}; its images that have not started
 * a stage leave the fetch queue, the decode queue and the batchers, and work already inside a stage (a download being
 * aborted, a decode, a running batch) ends and is discarded. {@link #settled()} completes once nothing of the request
 * is left in the service, whether it finished, failed or was cancelled: a caller that must bound concurrent work (a
 * job slot) waits for it.
 *
 * @param <T> the answer's type
 */
public final class Pending<T> {

    /** Why a request was stopped, for metrics. */
    public enum Cause {
        /** Its caller went away (closed the connection). */
        DISCONNECT,
        /** Its deadline ({@code timeout_ms}) passed. */
        DEADLINE,
        /** Its job was stopped or timed out. */
        STOP
    }

    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final CompletableFuture<Void> settled = new CompletableFuture<>();
    private final AtomicReference<String> cancellation = new AtomicReference<>();
    private volatile BiConsumer<Cause, String> onCancel = (cause, reason) -> {
    };

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

    /** Stops the request as {@link Cause#STOP}; see {@link #cancel(Cause, String)}. */
    public boolean cancel(String reason) {
        return cancel(Cause.STOP, reason);
    }

    /**
     * Stops the request: the answer fails now with {@link CancelledException} carrying {@code reason}, and its work is
     * dropped.
     *
     * @return whether this call cancelled it (false when already answered or cancelled)
     */
    public boolean cancel(Cause cause, String reason) {
        if (result.isDone() || !cancellation.compareAndSet(null, reason)) {
            return false;
        }
        boolean cancelled = result.completeExceptionally(new CancelledException(reason));
        onCancel.accept(cause, reason);
        return cancelled;
    }

    /** Whether the request was cancelled. */
    public boolean cancelled() {
        return cancellation.get() != null;
    }

    /** What stops the request's work when it is cancelled; set once its work exists. */
    void whenCancelled(BiConsumer<Cause, String> stop) {
        onCancel = stop;
        String reason = cancellation.get();
        if (reason != null) {
            stop.accept(Cause.STOP, reason);
        }
    }

    /** Hands the outcome of the request to the caller (ignored once cancelled). */
    void answer(T value, Throwable failure) {
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(value);
        }
    }

    /** Marks the request's work ended. */
    void settle() {
        settled.complete(null);
    }

    /** Answers and settles at once: for a request whose answer is its last piece of work. */
    void finish(T value, Throwable failure) {
        answer(value, failure);
        settle();
    }
}
