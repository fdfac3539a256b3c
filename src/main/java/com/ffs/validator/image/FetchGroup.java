package com.ffs.validator.image;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One request's share of the download capacity: at most {@code validator.fetch.max-per-request} of its images download
 * at once, so a request full of slow hosts holds a bounded part of the global slots. Cancelling it stops the request's
 * downloads, those waiting for a slot and those under way, and refuses later ones. Create one per request with
 * {@link ImageFetcher#group()}.
 */
public final class FetchGroup {

    final AsyncPermits slots;
    private final Set<Runnable> active = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    FetchGroup(int slots) {
        this.slots = new AsyncPermits(slots);
    }

    /** Stops every download of the group now and refuses later ones; their futures fail. Idempotent. */
    public void cancel() {
        cancelled = true;
        active.forEach(Runnable::run);
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Registers a download's abort; runs it at once when the group is cancelled already. */
    void track(Runnable abort) {
        active.add(abort);
        if (cancelled) {
            abort.run();
        }
    }

    void untrack(Runnable abort) {
        active.remove(abort);
    }
}
