package com.ffs.validator.image;

import java.util.concurrent.Semaphore;

/**
 * Memory for images in flight, from decoding until every model has taken its preprocessed copy: the decoder's own
 * raster and native buffers, the RGB result and the preprocessing's working memory, each computed from the header
 * before anything is allocated. The pixel cap bounds one image; this bounds them all together, so that many large
 * images at once wait for each other instead of exhausting memory. An image that needs more than the whole budget can
 * never fit and is refused at once.
 */
public final class RasterBudget {

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
         * Raises this hold to {@code bytes}, waiting while other images use the budget.
         *
         * @param what names the image for the refusal message, e.g. "PNG of 9000x9000"
         * @throws IntakeException {@code IMAGE_TOO_LARGE} when the image needs more than the whole budget
         */
        void reserve(long bytes, String what) {
            long needKib = Math.ceilDiv(bytes, 1024);
            if (needKib > totalKib) {
                throw new IntakeException(IntakeError.IMAGE_TOO_LARGE, what + " needs about " + mib(needKib)
                        + " MB to decode and preprocess, more than the " + mib(totalKib) + " MB of "
                        + "validator.image.raster-memory (raise it with the JVM heap)");
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
