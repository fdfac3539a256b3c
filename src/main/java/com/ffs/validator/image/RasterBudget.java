package com.ffs.validator.image;

import java.util.concurrent.Semaphore;

/**
 * Heap for decoded images in flight, from decoding until every model has taken its preprocessed copy. The pixel cap
 * bounds one image; this bounds them all together, so that many large images at once wait for each other instead of
 * exhausting the heap. An image that needs more than the whole budget can never fit and is refused at once.
 */
public final class RasterBudget {

    /** Counted per pixel: the decoder's own buffer (up to 4 bytes: RGBA, CMYK) and the RGB raster (3), rounded up. */
    static final int BYTES_PER_PIXEL = 8;

    private final long totalKib;
    private final Semaphore kib;

    private RasterBudget(long totalBytes) {
        this.totalKib = Math.clamp(totalBytes >> 10, 1, Integer.MAX_VALUE);
        this.kib = new Semaphore((int) totalKib, true);
    }

    /** A budget of {@code bytes}. */
    public static RasterBudget of(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("validator.image.raster-memory must be positive, got " + bytes);
        }
        return new RasterBudget(bytes);
    }

    /** No limit beyond the heap's own. */
    static RasterBudget unlimited() {
        return new RasterBudget(Long.MAX_VALUE);
    }

    /** Bytes not reserved now. */
    long availableBytes() {
        return (long) kib.availablePermits() << 10;
    }

    /** What one holder has reserved; released once. */
    final class Hold implements AutoCloseable {
        private long heldKib;

        /**
         * Raises this hold to cover a {@code width x height} raster, waiting while other images use the budget.
         *
         * @throws IntakeException {@code IMAGE_TOO_LARGE} when the image needs more than the whole budget
         */
        void cover(ImageFormat format, long width, long height) {
            long needKib = Math.ceilDiv(width * height * BYTES_PER_PIXEL, 1024);
            if (needKib > totalKib) {
                throw new IntakeException(IntakeError.IMAGE_TOO_LARGE, format.displayName() + " of " + width + "x"
                        + height + " needs about " + mib(needKib) + " MB to decode, more than the "
                        + mib(totalKib) + " MB of validator.image.raster-memory (raise it with the JVM heap)");
            }
            if (needKib <= heldKib) {
                return;
            }
            int more = (int) (needKib - heldKib);
            try {
                kib.acquire(more);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for memory to decode an image", e);
            }
            heldKib = needKib;
        }

        @Override
        public void close() {
            if (heldKib > 0) {
                kib.release((int) heldKib);
                heldKib = 0;
            }
        }
    }

    Hold hold() {
        return new Hold();
    }

    private static long mib(long kibibytes) {
        return Math.ceilDiv(kibibytes, 1024);
    }
}
