package com.ffs.validator.runpod;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between failed calls: doubling from {@code initial} up to {@code max}, each wait drawn from its upper half so
 * that workers do not retry in step and no wait is ever zero. Not thread-safe; one per loop.
 */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private int failures;

    Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The wait before the next attempt, counting one more failure. */
    Duration next() {
        long ceiling = initialNanos;
        for (int i = 0; i < failures && ceiling < maxNanos; i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, maxNanos);
        failures++;
        long half = ceiling / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** Failures counted since the last success. */
    int failures() {
        return failures;
    }

    void reset() {
        failures = 0;
    }
}
