package com.ffs.validator.inference;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A model's measured cost: device time per image, smoothed over its recent batches (an exponential moving average
 * weighted by batch size), seeded by its warm-up runs. Admission turns it into expected waits.
 */
final class ServiceRate {

    /** Weight of one image in the average; a batch of n images counts n times. */
    private static final double ALPHA = 0.02;

    private final AtomicLong nanosPerImage = new AtomicLong();

    /** Adds a batch of {@code images} that ran for {@code runNanos}. */
    void record(int images, long runNanos) {
        if (images <= 0 || runNanos <= 0) {
            return;
        }
        double sample = (double) runNanos / images;
        double weight = 1 - Math.pow(1 - ALPHA, images);
        nanosPerImage.updateAndGet(current -> current == 0 ? Math.round(sample)
                : Math.max(1, Math.round(current + weight * (sample - current))));
    }

    /** Nanoseconds of device time one image costs, or 0 before any batch ran. */
    long nanosPerImage() {
        return nanosPerImage.get();
    }
}
