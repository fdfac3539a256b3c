package com.ffs.validator.image;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ResizeKernels} on SIMD lanes of 32-bit ints through the Vector API: the same integer products and sums,
 * so the same bits, several at a time. Loaded only where the JVM runs with {@code jdk.incubator.vector}.
 *
 * <p>Horizontal pass: one output pixel at a time, {@code LANES / 4} taps per step. The source bytes of those taps
 * (RGB, 3 a pixel) are spread to 4 lanes a pixel, multiplied by the tap weights laid out the same way, and summed;
 * at the end the lanes of each channel are folded together. Vertical pass: {@code LANES} bytes of a row at a time,
 * each tap a multiply by one weight. Loads that would run past the end of an array fall back to the scalar loops.
 */
final class VectorResizeKernels extends ResizeKernels {

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    static final int LANES = INTS.length();
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, LANES * 8)));
    /** Taps per horizontal step: four lanes a pixel. */
    private static final int TAPS = LANES / 4;
    /** Spreads {@code TAPS} RGB pixels to four bytes each (the fourth repeats blue and gets weight 0). */
    private static final VectorShuffle<Byte> RGBX =
            VectorShuffle.fromOp(BYTES, i -> i / 4 < TAPS ? 3 * (i / 4) + Math.min(i % 4, 2) : 0);
    private static final VectorShuffle<Integer> SWAP4 = swap(4);
    private static final VectorShuffle<Integer> SWAP8 = swap(8);
    private static final VectorShuffle<Integer> SWAP16 = swap(16);

    private VectorResizeKernels() {
    }

    /** The kernels, or null where vectors hold fewer than 8 ints (the horizontal pass needs two pixels a step). */
    static ResizeKernels create() {
        return LANES >= 8 && BYTES.length() == LANES ? new VectorResizeKernels() : null;
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
        int oa = outA;
        int ob = outB;
        for (int d = 0; d < columns.length; d++, oa += 3, ob += 3) {
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
