package com.ffs.validator.image;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ResizeKernels} on SIMD lanes of 32-bit ints through the Vector API: the same integer products and sums,
 * so the same bits, several at a time. Loaded only where the JVM runs with {@code jdk.incubator.vector}.
 *
 * <p>
 * Horizontal pass: one output pixel at a time, {@code LANES / 4} taps per step. The source bytes of those taps
 * (RGB, 3 a pixel) are spread to 4 lanes a pixel, multiplied by the tap weights laid out the same way, and summed;
 * at the end the lanes of each channel are folded together. Vertical pass: {@code LANES} bytes of a row at a time,
 * each tap a multiply by one weight. Loads that would run past the end of an array fall back to the scalar loops.
 */
final class VectorResizeKernels extends ResizeKernels {

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    static final int LANES = INTS.length();
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class,
            VectorShape.forBitSize(Math.max(64, LANES * 8)));
    /** Taps per horizontal step: four lanes a pixel. */
    private static final int TAPS = LANES / 4;
    /** Spreads {@code TAPS} RGB pixels to four bytes each (the fourth repeats blue and gets weight 0). */
    private static final VectorShuffle<Byte> RGBX = VectorShuffle.fromOp(BYTES,
            i -> i / 4 < TAPS ? 3 * (i / 4) + Math.min(i % 4, 2) : 0);
    private static final VectorShuffle<Integer> SWAP4 = swap(4);
    private static final VectorShuffle<Integer> SWAP8 = swap(8);
    private static final VectorShuffle<Integer> SWAP16 = swap(16);
    /**
     * With 16 lanes, four pixels' sums are folded together: halves of two vectors ({@link #HALVES_LO} +
     * {@link #HALVES_HI}), then quarters of two such ({@link #QUARTERS_LO} + {@link #QUARTERS_HI}), leaving the four
     * pixels' RGBX sums side by side, clipped at once and stored as 12 bytes ({@link #RGB}, {@link #FIRST_12}).
     */
    private static final boolean FOLD_FOUR = LANES == 16;
    private static final IntVector HALVES_LO = indexes(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    private static final IntVector HALVES_HI = indexes(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    private static final IntVector QUARTERS_LO = indexes(0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
    private static final IntVector QUARTERS_HI = indexes(4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    private static final VectorShuffle<Byte> RGB = FOLD_FOUR
            ? VectorShuffle.fromValues(BYTES, 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15, 15, 15, 15)
            : null;
    private static final VectorMask<Byte> FIRST_12 = FOLD_FOUR ? BYTES.indexInRange(0, 12) : null;

    private VectorResizeKernels() {
    }

    /** The kernels, or null where vectors hold fewer than 8 ints (the horizontal pass needs two pixels a step). */
    static ResizeKernels create() {
        return LANES >= 8 && BYTES.length() == LANES ? new VectorResizeKernels() : null;
    }

    private static IntVector indexes(int... lanes) {
        return FOLD_FOUR ? IntVector.fromArray(INTS, lanes, 0) : null;
    }

    private static VectorShuffle<Integer> swap(int block) {
        return block < LANES ? VectorShuffle.fromOp(INTS, i -> i ^ block) : null;
    }

    @Override
    String describe() {
        return INTS.vectorBitSize() + "-bit vectors, " + LANES + " ints";
    }

    @Override
    int tapGroup() {
        return TAPS;
    }

    @Override
    boolean packs() {
        return false;
    }

    @Override
    void horizontal(byte[] src, int rowA, int rowB, PillowResize.Coefficients c, int[] columns, byte[] dst,
            int outA, int outB) {
        int[] lanes = c.lanes;
        int[] laneStart = c.laneStart;
        int lastRow = Math.max(rowA, rowB);
        int d = 0;
        if (FOLD_FOUR) {
            d = rowB < 0 ? horizontalFours(src, rowA, c, columns, dst, outA)
                    : horizontalFours2(src, rowA, rowB, c, columns, dst, outA, outB);
        }
        int oa = outA + d * 3;
        int ob = outB + d * 3;
        for (; d < columns.length; d++, oa += 3, ob += 3) {
            int i = columns[d];
            int xmin = c.bounds[i * 2];
            int steps = (c.bounds[i * 2 + 1] + TAPS - 1) / TAPS;
            // Taps past the last are padded with zero weights, but their bytes are read.
            if (lastRow + (xmin + (steps - 1) * TAPS) * 3 + LANES > src.length) {
                if (rowB < 0) {
                    horizontalPlain(src, rowA, c, columns, d, d + 1, dst, outA);
                } else {
                    horizontalPlain2(src, rowA, rowB, c, columns, d, d + 1, dst, outA, outB);
                }
                continue;
            }
            int p = rowA + xmin * 3;
            int w = laneStart[i];
            if (rowB < 0) {
                IntVector a = IntVector.zero(INTS);
                for (int s = 0; s < steps; s++, p += TAPS * 3, w += LANES) {
                    a = a.add(pixels(src, p).mul(IntVector.fromArray(INTS, lanes, w)));
                }
                store(fold(a), dst, oa);
            } else {
                int q = rowB + xmin * 3;
                IntVector a = IntVector.zero(INTS);
                IntVector b = IntVector.zero(INTS);
                for (int s = 0; s < steps; s++, p += TAPS * 3, q += TAPS * 3, w += LANES) {
                    IntVector weights = IntVector.fromArray(INTS, lanes, w);
                    a = a.add(pixels(src, p).mul(weights));
                    b = b.add(pixels(src, q).mul(weights));
                }
                store(fold(a), dst, oa);
                store(fold(b), dst, ob);
            }
        }
    }

    /**
     * Columns four at a time for one row, as far as every load stays inside {@code src}; returns how many columns
     * it computed.
     */
    private static int horizontalFours(byte[] src, int row, PillowResize.Coefficients c, int[] columns, byte[] dst,
            int out) {
        int d = 0;
        for (; d + 4 <= columns.length; d += 4) {
            if (!fits(src, row, c, columns, d)) {
                break;
            }
            IntVector a0 = dot(src, row, c, columns[d]);
            IntVector a1 = dot(src, row, c, columns[d + 1]);
            IntVector a2 = dot(src, row, c, columns[d + 2]);
            IntVector a3 = dot(src, row, c, columns[d + 3]);
            storeFour(a0, a1, a2, a3, dst, out + d * 3);
        }
        return d;
    }

    /** Column {@code i}'s lane sums for the row at {@code row}. */
    private static IntVector dot(byte[] src, int row, PillowResize.Coefficients c, int i) {
        int p = row + c.bounds[i * 2] * 3;
        int w = c.laneStart[i];
        int steps = (c.bounds[i * 2 + 1] + TAPS - 1) / TAPS;
        IntVector sum = IntVector.zero(INTS);
        for (int s = 0; s < steps; s++, p += TAPS * 3, w += LANES) {
            sum = sum.add(pixels(src, p).mul(IntVector.fromArray(INTS, c.lanes, w)));
        }
        return sum;
    }

    /** {@link #horizontalFours} for two rows, each weight loaded once for both. */
    private static int horizontalFours2(byte[] src, int rowA, int rowB, PillowResize.Coefficients c, int[] columns,
            byte[] dst, int outA, int outB) {
        int[] lanes = c.lanes;
        int[] laneStart = c.laneStart;
        int lastRow = Math.max(rowA, rowB);
        int d = 0;
        for (; d + 4 <= columns.length; d += 4) {
            if (!fits(src, lastRow, c, columns, d)) {
                break;
            }
            IntVector a0 = IntVector.zero(INTS);
            IntVector a1 = IntVector.zero(INTS);
            IntVector a2 = IntVector.zero(INTS);
            IntVector a3 = IntVector.zero(INTS);
            IntVector b0 = IntVector.zero(INTS);
            IntVector b1 = IntVector.zero(INTS);
            IntVector b2 = IntVector.zero(INTS);
            IntVector b3 = IntVector.zero(INTS);
            for (int k = 0; k < 4; k++) {
                int i = columns[d + k];
                int p = rowA + c.bounds[i * 2] * 3;
                int q = rowB + c.bounds[i * 2] * 3;
                int w = laneStart[i];
                int steps = (c.bounds[i * 2 + 1] + TAPS - 1) / TAPS;
                IntVector sa = IntVector.zero(INTS);
                IntVector sb = IntVector.zero(INTS);
                for (int s = 0; s < steps; s++, p += TAPS * 3, q += TAPS * 3, w += LANES) {
                    IntVector weights = IntVector.fromArray(INTS, lanes, w);
                    sa = sa.add(pixels(src, p).mul(weights));
                    sb = sb.add(pixels(src, q).mul(weights));
                }
                switch (k) {
                    case 0 -> {
                        a0 = sa;
                        b0 = sb;
                    }
                    case 1 -> {
                        a1 = sa;
                        b1 = sb;
                    }
                    case 2 -> {
                        a2 = sa;
                        b2 = sb;
                    }
                    default -> {
                        a3 = sa;
                        b3 = sb;
                    }
                }
            }
            storeFour(a0, a1, a2, a3, dst, outA + d * 3);
            storeFour(b0, b1, b2, b3, dst, outB + d * 3);
        }
        return d;
    }

    /** Whether the loads of columns {@code d} to {@code d + 3} of the row at {@code row} stay inside {@code src}. */
    private static boolean fits(byte[] src, int row, PillowResize.Coefficients c, int[] columns, int d) {
        for (int k = 0; k < 4; k++) {
            int i = columns[d + k];
            int steps = (c.bounds[i * 2 + 1] + TAPS - 1) / TAPS;
            if (row + (c.bounds[i * 2] + (steps - 1) * TAPS) * 3 + LANES > src.length) {
                return false;
            }
        }
        return true;
    }

    /** Folds four pixels' sums, clips them and stores their 12 bytes at {@code dst[o]}. */
    private static void storeFour(IntVector a0, IntVector a1, IntVector a2, IntVector a3, byte[] dst, int o) {
        IntVector s01 = HALVES_LO.selectFrom(a0, a1).add(HALVES_HI.selectFrom(a0, a1));
        IntVector s23 = HALVES_LO.selectFrom(a2, a3).add(HALVES_HI.selectFrom(a2, a3));
        IntVector sums = QUARTERS_LO.selectFrom(s01, s23).add(QUARTERS_HI.selectFrom(s01, s23));
        IntVector v = sums.add(HALF).lanewise(VectorOperators.ASHR, PRECISION_BITS).max(0).min(255);
        ((ByteVector) v.convertShape(VectorOperators.I2B, BYTES, 0)).rearrange(RGB).intoArray(dst, o, FIRST_12);
    }

    @Override
    void accumulate(int[] acc, int accOffset, int n, byte[] src, int[] offsets, int[] weights, int k, int count) {
        int highest = 0;
        for (int t = 0; t < count; t++) {
            highest = Math.max(highest, offsets[t]);
        }
        int end = Math.min(n, src.length - highest);
        int i = 0;
        for (; i + LANES <= end; i += LANES) {
            IntVector sum = IntVector.fromArray(INTS, acc, accOffset + i);
            for (int t = 0; t < count; t++) {
                sum = sum.add(bytes(src, offsets[t] + i).mul(weights[k + t]));
            }
            sum.intoArray(acc, accOffset + i);
        }
        accumulateScalar(acc, accOffset, i, n, src, offsets, weights, k, count);
    }

    @Override
    void clip(int[] sums, int from, int n, byte[] dst, int offset) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            IntVector v = IntVector.fromArray(INTS, sums, from + i).lanewise(VectorOperators.ASHR, PRECISION_BITS)
                    .max(0).min(255);
            ((ByteVector) v.convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(dst, offset + i);
        }
        for (; i < n; i++) {
            dst[offset + i] = clip8(sums[from + i]);
        }
    }

    /** {@code TAPS} pixels from {@code src[p]}, four lanes each. */
    private static IntVector pixels(byte[] src, int p) {
        return (IntVector) ByteVector.fromArray(BYTES, src, p).rearrange(RGBX)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
    }

    /** {@code LANES} bytes from {@code src[p]}, one lane each. */
    private static IntVector bytes(byte[] src, int p) {
        return (IntVector) ByteVector.fromArray(BYTES, src, p).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
    }

    /** Sums the lanes of each channel into lanes 0 to 2. */
    private static IntVector fold(IntVector a) {
        if (LANES >= 32) {
            a = a.add(a.rearrange(SWAP16));
        }
        if (LANES >= 16) {
            a = a.add(a.rearrange(SWAP8));
        }
        return a.add(a.rearrange(SWAP4));
    }

    private static void store(IntVector sums, byte[] dst, int o) {
        dst[o] = clip8(sums.lane(0) + HALF);
        dst[o + 1] = clip8(sums.lane(1) + HALF);
        dst[o + 2] = clip8(sums.lane(2) + HALF);
    }
}
