package com.ffs.validator.validation;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.ffs.validator.image.FetchGroup;

/**
 * One request's work in the service, and the way to stop it. Stopping aborts the request's downloads (queued or
 * under way), withdraws its images from the batchers and its texts from the text queue, and tells every image that is
 * not done yet; stages that have not started check {@link #stopped()} first. Nothing of another request is touched.
 */
final class RequestScope {

    /** How and why a request was stopped. */
    record Stop(Pending.Cause cause, String reason) {
    }

    private final String id = RequestIds.next();
    private final FetchGroup fetches;
    private final Set<CompletableFuture<?>> queued = ConcurrentHashMap.newKeySet();
    private final List<Runnable> onStop = new CopyOnWriteArrayList<>();
    private final AtomicReference<Stop> stop = new AtomicReference<>();

    RequestScope(FetchGroup fetches) {
        this.fetches = fetches;
    }

    /** The request's id in log lines and in answers about internal failures. */
    String id() {
        return id;
    }

    FetchGroup fetches() {
        return fetches;
    }

    /** Stops the request's work once; returns false when it was stopped already. */
    boolean stop(Pending.Cause cause, String reason) {
        if (!stop.compareAndSet(null, new Stop(cause, reason))) {
            return false;
        }
        // Images are answered first, so that each says why it stopped rather than how its download was cut.
        onStop.forEach(Runnable::run);
        fetches.cancel();
        queued.forEach(f -> f.cancel(false));
        return true;
    }

    boolean stopped() {
        return stop.get() != null;
    }

    /** Why the request was stopped, or null. */
    Stop stopReason() {
        return stop.get();
    }

    /** Keeps a queued piece of work (a batch slot, a text run) so that stopping withdraws it. */
    <F extends CompletableFuture<?>> F track(F future) {
        queued.add(future);
        future.whenComplete((v, e) -> queued.remove(future));
        if (stopped()) {
            future.cancel(false);
        }
        return future;
    }

    /** Runs {@code action} when the request is stopped (at once if it is already). */
    void onStop(Runnable action) {
        onStop.add(action);
        if (stopped()) {
            action.run();
        }
    }
}
