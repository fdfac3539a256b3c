package com.ffs.validator.image;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Memory for fetched image bodies, from their first byte until they are decoded. Bytes are charged as they arrive;
 * while the budget is spent, downloads pause (their connections push back through TCP) and resume, oldest first, as
 * decoded bodies give their bytes back.
 *
 * <p>
 * Finished bodies wait only for decoders, which never wait for downloads, so their bytes always come back. When
 * every byte held belongs to unfinished downloads, none of which could finish, one of them (the oldest) may run past
 * the budget to its end: the overdraft. So downloads never wait on each other for ever, and the bytes held never
 * exceed the budget plus one body (and one network chunk per paused download).
 */
final class BodyBudget {

    private final long total;
    private final Deque<Paused> paused = new ArrayDeque<>();
    private long used;
    /** Bytes of finished downloads not yet given back (bodies waiting to be decoded). */
    private long finished;
    private Share overdraft;

    private record Paused(Share share, Runnable resume) {
    }

    BodyBudget(long totalBytes) {
        if (totalBytes <= 0) {
            throw new IllegalArgumentException("validator.fetch.body-memory must be positive, got " + totalBytes);
        }
        this.total = totalBytes;
    }

    /** The whole budget in bytes. */
    long total() {
        return total;
    }

    /** Bytes held by bodies now. */
    synchronized long used() {
        return used;
    }

    /** Downloads paused for memory now. */
    synchronized int pausedCount() {
        return paused.size();
    }

    /** A new body's share, holding nothing yet. */
    Share share() {
        return new Share();
    }

    /** One body's bytes; closing it gives them back. Thread-safe. */
    final class Share implements AutoCloseable {
        private long held;
        private boolean closed;
        private boolean done;

        private Share() {
        }

        /**
         * Charges {@code bytes} that have arrived. Returns true when the download may go on; false when it must pause,
         * in which case {@code resume} runs (on the thread that frees memory, outside any lock) once it may go on.
         */
        boolean charge(long bytes, Runnable resume) {
            synchronized (BodyBudget.this) {
                if (closed) {
                    return true;
                }
                used += bytes;
                held += bytes;
                if (used <= total || overdraft == this) {
                    return true;
                }
                if (overdraft == null && finished == 0) {
                    overdraft = this;
                    return true;
                }
                paused.add(new Paused(this, resume));
                return false;
            }
        }

        /** The download has ended (complete or failed): it no longer needs the overdraft. Its bytes stay held. */
        void downloaded() {
            List<Runnable> wake;
            synchronized (BodyBudget.this) {
                if (closed || done) {
                    return;
                }
                done = true;
                finished += held;
                if (overdraft == this) {
                    overdraft = null;
                }
                wake = wakeable();
            }
            wake.forEach(Runnable::run);
        }

        /** Bytes held by this body. */
        long held() {
            synchronized (BodyBudget.this) {
                return held;
            }
        }

        /** Gives the bytes back and drops the download from the paused ones. Idempotent. */
        @Override
        public void close() {
            List<Runnable> wake;
            synchronized (BodyBudget.this) {
                if (closed) {
                    return;
                }
                closed = true;
                used -= held;
                if (done) {
                    finished -= held;
                }
                held = 0;
                paused.removeIf(p -> p.share == this);
                if (overdraft == this) {
                    overdraft = null;
                }
                wake = wakeable();
            }
            wake.forEach(Runnable::run);
        }
    }

    /**
     * Paused downloads that may go on now: all of them under the budget; else, when nothing finished is left to give
     * bytes back, the oldest as the overdraft.
     */
    private List<Runnable> wakeable() {
        List<Runnable> wake = new ArrayList<>();
        if (used <= total) {
            paused.forEach(p -> wake.add(p.resume));
            paused.clear();
        } else if (overdraft == null && finished == 0 && !paused.isEmpty()) {
            Paused oldest = paused.poll();
            overdraft = oldest.share;
            wake.add(oldest.resume);
        }
        return wake;
    }
}
