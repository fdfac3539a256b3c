package com.ffs.validator.cli;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between failed requests: doubling from {@code initial} up to {@code max}, each wait drawn from the upper half
 * of its range so that requests in flight do not retry in step. Not thread-safe; one per request.
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
}
