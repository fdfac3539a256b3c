package com.ffs.validator.cli;

import java.util.HashMap;
import java.util.Map;

/**
 * A set of line numbers, kept as bit pages of 65,536 lines allocated as lines arrive: a dense run of ten million
 * lines takes about 1.2 MB, and memory never grows faster than one page per line added. Not thread-safe.
 */
final class LineSet {

    private static final int PAGE_BITS = 16;
    private static final int WORDS = (1 << PAGE_BITS) / 64;

    private final Map<Long, long[]> pages = new HashMap<>();
    private long size;

    /** Adds a line; false when it was there already. */
    boolean add(long line) {
        long[] page = pages.computeIfAbsent(line >>> PAGE_BITS, k -> new long[WORDS]);
        int bit = (int) (line & ((1 << PAGE_BITS) - 1));
        long mask = 1L << (bit & 63);
        if ((page[bit >>> 6] & mask) != 0) {
            return false;
        }
        page[bit >>> 6] |= mask;
        size++;
        return true;
    }

    boolean contains(long line) {
        long[] page = pages.get(line >>> PAGE_BITS);
        if (page == null) {
            return false;
        }
        int bit = (int) (line & ((1 << PAGE_BITS) - 1));
        return (page[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    long size() {
        return size;
    }
}
