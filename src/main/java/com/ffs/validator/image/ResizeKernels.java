package com.ffs.validator.image;

import org.jboss.logging.Logger;

/**
 * The inner loops of {@link PillowResize}: scalar Java here, SIMD through the Vector API in
 * {@link VectorResizeKernels} where the JVM runs with {@code --add-modules jdk.incubator.vector}. Both compute
 * Pillow's integer sums exactly; they differ only in speed.
 */
class ResizeKernels {

    private static final Logger LOG = Logger.getLogger(ResizeKernels.class);
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final ResizeKernels INSTANCE = load();

    static final int PRECISION_BITS = PillowResize.PRECISION_BITS;
    static final int HALF = PillowResize.HALF;

    /** The fastest kernels this JVM runs. */
    static ResizeKernels instance() {
        return INSTANCE;
    }

    /** The scalar kernels, whatever the JVM offers. */
    static ResizeKernels scalar() {
        return new ResizeKernels();
    }

    private static ResizeKernels load() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            LOG.infof("%s is not enabled: resizing runs scalar code, about 2.5x slower (same pixels); start the JVM "
                    + "with --add-modules %s", VECTOR_MODULE, VECTOR_MODULE);
            return scalar();
        }
        try {
            ResizeKernels kernels = VectorResizeKernels.create();
            if (kernels == null) {
                LOG.infof("The Vector API offers no vectors of 8 ints or more here: resizing runs scalar code");
                return scalar();
            }
            LOG.infof("Resizing uses the Vector API (%s)", kernels.describe());
            return kernels;
        } catch (LinkageError e) {
            LOG.infof("The Vector API could not be used (%s): resizing runs scalar code", e.toString());
            return scalar();
        }
    }

    /** What these kernels run on, for the log. */
    String describe() {
        return "scalar";
    }

    /** Taps the horizontal pass takes per step; the coefficients lay their weights out for it when above 1. */
    int tapGroup() {
        return 1;
    }

    /** Whether the horizontal pass may pack red and blue into one {@code long} for many-tap rows. */
    boolean packs() {
        return true;
    }

    /**
     * The horizontal pass of the rows at {@code rowA} and {@code rowB} (negative: one row) for the window outputs
     * {@code columns}, into {@code dst} at {@code outA} and {@code outB}, three bytes per column.
     */
    void horizontal(byte[] src, int rowA, int rowB, PillowResize.Coefficients c, int[] columns, byte[] dst,
            int outA, int outB) {
        if (rowB < 0) {
            horizontalPlain(src, rowA, c, columns, 0, columns.length, dst, outA);
        } else {
            horizontalPlain2(src, rowA, rowB, c, columns, 0, columns.length, dst, outA, outB);
        }
    }

    /**
     * {@code acc[accOffset + i] += sum over t < count of src[offsets[t] + i] * weights[k + t]} for {@code i < n}.
     * Integer sums wrap like C's, so the order of the additions cannot change the result.
     */
    void accumulate(int[] acc, int accOffset, int n, byte[] src, int[] offsets, int[] weights, int k, int count) {
        accumulateScalar(acc, accOffset, 0, n, src, offsets, weights, k, count);
    }

    /** Clips {@code n} sums from {@code sums[from]} to bytes at {@code dst[offset]}. */
    void clip(int[] sums, int from, int n, byte[] dst, int offset) {
        for (int i = 0; i < n; i++) {
            dst[offset + i] = clip8(sums[from + i]);
        }
    }

    /**
     * The horizontal pass as Pillow writes it, three channel sums per output pixel, for two source rows at once so
     * each weight is loaded once for six multiply-adds; columns {@code [from, to)} of {@code columns}.
     */
    static void horizontalPlain2(byte[] src, int rowA, int rowB, PillowResize.Coefficients c, int[] columns,
            int from, int to, byte[] dst, int outA, int outB) {
        int[] kk = c.weights;
        int ksize = c.ksize;
        int oa = outA + from * 3;
        int ob = outB + from * 3;
        for (int d = from; d < to; d++) {
            int i = columns[d];
            int xmin = c.bounds[i * 2];
            int count = c.bounds[i * 2 + 1];
            int k = i * ksize;
            int a0 = HALF;
            int a1 = HALF;
            int a2 = HALF;
            int b0 = HALF;
            int b1 = HALF;
            int b2 = HALF;
            int p = rowA + xmin * 3;
            int q = rowB + xmin * 3;
            for (int x = 0; x < count; x++, p += 3, q += 3) {
                int w = kk[k + x];
                a0 += (src[p] & 0xFF) * w;
                a1 += (src[p + 1] & 0xFF) * w;
                a2 += (src[p + 2] & 0xFF) * w;
                b0 += (src[q] & 0xFF) * w;
                b1 += (src[q + 1] & 0xFF) * w;
                b2 += (src[q + 2] & 0xFF) * w;
            }
            dst[oa] = clip8(a0);
            dst[oa + 1] = clip8(a1);
            dst[oa + 2] = clip8(a2);
            dst[ob] = clip8(b0);
            dst[ob + 1] = clip8(b1);
            dst[ob + 2] = clip8(b2);
            oa += 3;
            ob += 3;
        }
    }

    /** {@link #horizontalPlain2} for one row. */
    static void horizontalPlain(byte[] src, int row, PillowResize.Coefficients c, int[] columns, int from, int to,
            byte[] dst, int out) {
        int[] kk = c.weights;
        int ksize = c.ksize;
        int o = out + from * 3;
        for (int d = from; d < to; d++) {
            int i = columns[d];
            int xmin = c.bounds[i * 2];
            int count = c.bounds[i * 2 + 1];
            int k = i * ksize;
            int a0 = HALF;
            int a1 = HALF;
            int a2 = HALF;
            int p = row + xmin * 3;
            for (int x = 0; x < count; x++, p += 3) {
                int w = kk[k + x];
                a0 += (src[p] & 0xFF) * w;
                a1 += (src[p + 1] & 0xFF) * w;
                a2 += (src[p + 2] & 0xFF) * w;
            }
            dst[o] = clip8(a0);
            dst[o + 1] = clip8(a1);
            dst[o + 2] = clip8(a2);
            o += 3;
        }
    }

    /**
     * The horizontal pass with red and blue sharing one {@code long} multiply: a source pixel becomes
     * {@code R + B * 2^32}, so each tap adds {@code R*w + B*w * 2^32} and the sum is {@code sumR + sumB * 2^32}
     * exactly (no 64-bit overflow: each sum fits the 32-bit accumulator Pillow uses). The low half, read as a signed
     * int, is Pillow's red sum; the rest, shifted down, its blue sum. Two multiplies per tap instead of three. The
     * span {@code [spanStart, spanStart + redBlue.length)} of the row is converted first.
     */
    static void horizontalPacked(byte[] src, int row, PillowResize.Coefficients c, int[] columns, long[] redBlue,
            int[] green, int spanStart, byte[] dst, int out) {
        int span = redBlue.length;
        for (int x = 0, p = row + spanStart * 3; x < span; x++, p += 3) {
            redBlue[x] = (src[p] & 0xFF) | (long) (src[p + 2] & 0xFF) << 32;
            green[x] = src[p + 1] & 0xFF;
        }
        int[] kk = c.weights;
        int ksize = c.ksize;
        final long half = HALF + ((long) HALF << 32);
        int o = out;
        for (int i : columns) {
            int xmin = c.bounds[i * 2] - spanStart;
            int count = c.bounds[i * 2 + 1];
            int k = i * ksize - xmin;
            long rb = half;
            int g = HALF;
            for (int x = xmin; x < xmin + count; x++) {
                int w = kk[k + x];
                rb += redBlue[x] * w;
                g += green[x] * w;
            }
            int r = (int) rb;
            dst[o] = clip8(r);
            dst[o + 1] = clip8(g);
            dst[o + 2] = clip8((int) ((rb - r) >> 32));
            o += 3;
        }
    }

    /**
     * {@link #accumulate} for {@code i} in {@code [from, n)}, four taps per sweep so each accumulator is loaded and
     * stored once per four multiply-adds.
     */
    static void accumulateScalar(int[] acc, int accOffset, int from, int n, byte[] src, int[] offsets,
            int[] weights, int k, int count) {
        int t = 0;
        for (; t + 4 <= count; t += 4) {
            int w0 = weights[k + t];
            int w1 = weights[k + t + 1];
            int w2 = weights[k + t + 2];
            int w3 = weights[k + t + 3];
            int o0 = offsets[t] - accOffset;
            int o1 = offsets[t + 1] - accOffset;
            int o2 = offsets[t + 2] - accOffset;
            int o3 = offsets[t + 3] - accOffset;
            for (int i = accOffset + from; i < accOffset + n; i++) {
                acc[i] += (src[o0 + i] & 0xFF) * w0 + (src[o1 + i] & 0xFF) * w1 + (src[o2 + i] & 0xFF) * w2
                        + (src[o3 + i] & 0xFF) * w3;
            }
        }
        for (; t < count; t++) {
            int w = weights[k + t];
            int o = offsets[t] - accOffset;
            for (int i = accOffset + from; i < accOffset + n; i++) {
                acc[i] += (src[o + i] & 0xFF) * w;
            }
        }
    }

    static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
