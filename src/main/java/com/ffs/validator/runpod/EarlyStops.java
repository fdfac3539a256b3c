package com.ffs.validator.runpod;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Stop signals for jobs this worker has not taken yet. RunPod can stop a job while its take answer is still on the
 * way, so the stop arrives first; the job is then not run when it arrives. Bounded: the latest {@code capacity} ids,
 * each kept for {@code memory}. Thread-safe.
 */
final class EarlyStops {

    private final int capacity;
    private final long memoryNanos;
    private final LongSupplier clock;
    /** Stopped job ids by when the stop arrived, oldest first. */
    private final Map<String, Long> stops = new LinkedHashMap<>();

    EarlyStops(int capacity, Duration memory, LongSupplier clock) {
        this.capacity = capacity;
        this.memoryNanos = memory.toNanos();
        this.clock = clock;
    }

    /** Remembers that {@code jobId} was stopped before it was taken. */
    synchronized void add(String jobId) {
        forgetOld();
        stops.remove(jobId);
        stops.put(jobId, clock.getAsLong());
        if (stops.size() > capacity) {
            Iterator<String> oldest = stops.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** Whether {@code jobId} was stopped before it arrived; the stop is used up. */
    synchronized boolean take(String jobId) {
        forgetOld();
        return stops.remove(jobId) != null;
    }

    private void forgetOld() {
        long now = clock.getAsLong();
        Iterator<Long> at = stops.values().iterator();
        while (at.hasNext() && now - at.next() > memoryNanos) {
            at.remove();
        }
    }
}
