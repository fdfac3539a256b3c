package com.ffs.validator.runpod;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One job's work as the face that runs it holds it: a cancellation that reaches the work, and the moment the work has
 * ended. The runner attaches what stops its work ({@link #onCancel}) and settles the control when no work of the job
 * remains; the face cancels (deadline, stop signal, shutdown) and frees the job's slot only once it is settled.
 * Thread-safe.
 */
final class JobControl {

    private final AtomicReference<String> reason = new AtomicReference<>();
    private final AtomicReference<Consumer<String>> stopper = new AtomicReference<>();
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final CompletableFuture<Void> settled = new CompletableFuture<>();

    /**
     * Stops the job's work: what the runner attached runs now (or when it attaches).
     *
     * @return whether this call cancelled it (false when it was cancelled before)
     */
    boolean cancel(String why) {
        if (!reason.compareAndSet(null, why)) {
            return false;
        }
        cancelled.countDown();
        Consumer<String> stop = stopper.get();
        if (stop != null) {
            stop.accept(why);
        }
        return true;
    }

    /** Why the job was cancelled, when it was. */
    Optional<String> cancelled() {
        return Optional.ofNullable(reason.get());
    }

    /** Waits up to {@code timeout} for a cancellation; true when the job is cancelled. */
    boolean awaitCancel(Duration timeout) throws InterruptedException {
        return cancelled.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Attaches what stops the work now in progress, replacing what was attached before; runs it at once when the job
     * is already cancelled. It may run twice when a cancel crosses the attach, so it must be idempotent.
     */
    void onCancel(Consumer<String> stop) {
        stopper.set(stop);
        String why = reason.get();
        if (why != null) {
            stop.accept(why);
        }
    }

    /** Marks the job's work ended. */
    void settle() {
        settled.complete(null);
    }

    /** Completes once no work of the job remains. */
    CompletableFuture<Void> settled() {
        return settled;
    }
}
