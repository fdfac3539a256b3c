package com.ffs.validator.image;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Takes permits from several {@link AsyncPermits} in order, without blocking, and either holds them all or none:
 * {@link #abandon} (a deadline, a cancelled image) withdraws the ticket still waiting and gives back what was taken,
 * whatever the timing.
 */
final class SlotClaim {

    private final List<AsyncPermits> order;
    private final List<AsyncPermits> held = new ArrayList<>();
    private final CompletableFuture<Void> granted = new CompletableFuture<>();
    private AsyncPermits waitingOn;
    private CompletableFuture<Void> ticket;
    private boolean abandoned;
    private boolean complete;

    private SlotClaim(List<AsyncPermits> order) {
        this.order = List.copyOf(order);
    }

    /** Starts taking the permits of {@code order}, one after another. */
    static SlotClaim start(List<AsyncPermits> order) {
        SlotClaim claim = new SlotClaim(order);
        claim.step(0);
        return claim;
    }

    /** Completes when every permit is held; never completes once abandoned. */
    CompletableFuture<Void> granted() {
        return granted;
    }

    private void step(int index) {
        if (index == order.size()) {
            synchronized (this) {
                if (abandoned) {
                    return;
                }
                complete = true;
            }
            granted.complete(null);
            return;
        }
        AsyncPermits permits = order.get(index);
        CompletableFuture<Void> next = permits.acquire();
        synchronized (this) {
            if (abandoned) {
                if (!permits.withdraw(next)) {
                    permits.release();
                }
                return;
            }
            waitingOn = permits;
            ticket = next;
        }
        next.thenRun(() -> {
            synchronized (this) {
                if (abandoned) {
                    // abandon() found the ticket granted and left its permit to us.
                    permits.release();
                    return;
                }
                held.add(permits);
                waitingOn = null;
                ticket = null;
            }
            step(index + 1);
        });
    }

    /**
     * Gives up: permits already taken are released, a waiting ticket withdrawn. Returns false when every permit was
     * already held (the caller owns them and releases them with {@link #release}).
     */
    boolean abandon() {
        List<AsyncPermits> toRelease;
        synchronized (this) {
            if (complete) {
                return false;
            }
            if (abandoned) {
                return true;
            }
            abandoned = true;
            if (ticket != null && waitingOn.withdraw(ticket)) {
                ticket = null;
            }
            toRelease = new ArrayList<>(held);
            held.clear();
        }
        toRelease.forEach(AsyncPermits::release);
        return true;
    }

    /** Releases every permit of a claim that was granted. */
    void release() {
        List<AsyncPermits> toRelease;
        synchronized (this) {
            if (!complete) {
                throw new IllegalStateException("release() of a claim that was not granted");
            }
            toRelease = new ArrayList<>(held);
            held.clear();
        }
        toRelease.forEach(AsyncPermits::release);
    }
}
