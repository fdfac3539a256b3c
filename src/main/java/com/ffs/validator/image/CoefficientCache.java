package com.ffs.validator.image;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Recently used resize coefficients, keyed by source size, target size, filter and output window (and the SIMD
 * layout): images of the same size, the usual case for a stream of phone photos, reuse them. Bounded twice: a fixed
 * number of slots, each taken by the latest key that hashes to it (no bookkeeping, no lock), and only tables of up
 * to {@link #MAX_ENTRY_BYTES} are kept, so the cache never holds more than {@code SLOTS x MAX_ENTRY_BYTES}.
 */
final class CoefficientCache {

    static final int SLOTS = 64;
    static final int MAX_ENTRY_BYTES = 128 << 10;

    private static final AtomicReferenceArray<PillowResize.Coefficients> SLOTS_IN_USE = new AtomicReferenceArray<>(SLOTS);

    private CoefficientCache() {
    }

    /** The coefficients of {@code axis} laid out for {@code group}, from the cache or {@code compute}. */
    static PillowResize.Coefficients get(PillowResize.Axis axis, int group,
            Supplier<PillowResize.Coefficients> compute) {
        if (!axis.tabled) {
            return compute.get();
        }
        int slot = Math.floorMod(hash(axis, group), SLOTS);
        PillowResize.Coefficients cached = SLOTS_IN_USE.get(slot);
        if (cached != null && cached.group == group && cached.axis.sameAs(axis)) {
            return cached;
        }
        PillowResize.Coefficients fresh = compute.get();
        if (fresh.bytes() <= MAX_ENTRY_BYTES) {
            SLOTS_IN_USE.set(slot, fresh);
        }
        return fresh;
    }

    private static int hash(PillowResize.Axis a, int group) {
        int h = a.inSize;
        h = 31 * h + a.outSize;
        h = 31 * h + a.filter.ordinal();
        h = 31 * h + a.first;
        h = 31 * h + a.count;
        h = 31 * h + group;
        return h ^ (h >>> 16);
    }
}
