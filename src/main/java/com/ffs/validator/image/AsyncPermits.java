package com.ffs.validator.image;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * A non-blocking semaphore: callers get a ticket that completes when a permit is theirs, in arrival order. A ticket
 * that is no longer wanted is withdrawn with {@link #withdraw}; if its permit was granted meanwhile the caller owns
 * it and must release it.
 */
final class AsyncPermits {

    private final int permits;
    private final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int inUse;

    AsyncPermits(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, got " + permits);
        }
        this.permits = permits;
    }

    CompletableFuture<Void> acquire() {
        synchronized (this) {
            if (inUse < permits) {
                inUse++;
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> ticket = new CompletableFuture<>();
            waiting.add(ticket);
            return ticket;
        }
    }

    /**
     * Withdraws a ticket still waiting. Returns true when it was waiting (no permit is owed); false when its permit
     * was already granted, which the caller then holds.
     */
    boolean withdraw(CompletableFuture<Void> ticket) {
        synchronized (this) {
            return waiting.remove(ticket);
        }
    }

    void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                inUse--;
                return;
            }
        }
        // The permit passes straight to the next waiter; complete outside the lock.
        next.complete(null);
    }

    synchronized boolean idle() {
        return inUse == 0 && waiting.isEmpty();
    }

    /** Permits held now. */
    synchronized int inUse() {
        return inUse;
    }
}
