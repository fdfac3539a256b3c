package com.ffs.validator.image;

/**
 * A bit-exact port of Pillow's {@code ImagingResample} for 8-bit images ({@code libImaging/Resample.c}).
 *
 * <p>Separable convolution, antialiased when shrinking (the kernel widens by the scale factor), coefficients
 * quantised to 22-bit fixed point, the horizontal pass first into an 8-bit intermediate, then the vertical pass.
 * Java's int cast truncates toward zero and {@code >>} is arithmetic, both as in C, so the arithmetic below
 * mirrors the C code line by line.
 */
public final class PillowResize {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private PillowResize() {
    }

    /** Resizes the whole image to {@code width x height} as {@code PIL.Image.resize((width, height), filter)} does. */
    public static RgbImage resize(RgbImage in, int width, int height, Resample filter) {
        return resizeRegion(in, width, height, filter, 0, 0, width, height);
    }

    /**
     * The region {@code [left, left + regionWidth) x [top, top + regionHeight)} of the image resized to
     * {@code width x height}, computing only the output pixels in it: each output pixel depends on its own taps
     * alone, so the region equals the same crop of Pillow's full result, bit for bit.
     */
    public static RgbImage resizeRegion(RgbImage in, int width, int height, Resample filter, int left, int top,
            int regionWidth, int regionHeight) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        if (left < 0 || top < 0 || regionWidth <= 0 || regionHeight <= 0 || left + regionWidth > width
                || top + regionHeight > height) {
            throw new IllegalArgumentException("region " + regionWidth + "x" + regionHeight + "+" + left + "+" + top
                    + " is not inside " + width + "x" + height);
        }
        boolean needHorizontal = width != in.width();
        boolean needVertical = height != in.height();
        if (!needHorizontal && !needVertical) {
            return crop(in, left, top, regionWidth, regionHeight);
        }
        if (filter == Resample.NEAREST) {
            return crop(nearest(in, width, height), left, top, regionWidth, regionHeight);
        }
        Coefficients vertical = needVertical ? Coefficients.compute(in.height(), height, filter) : null;
        // Source rows the vertical pass reads for the region's output rows (all of them: Pillow's bounds).
        int firstRow = top;
        int lastRow = top + regionHeight;
        if (needVertical) {
            firstRow = vertical.bounds[top * 2];
            int last = top + regionHeight - 1;
            lastRow = vertical.bounds[last * 2] + vertical.bounds[last * 2 + 1];
            for (int yy = top; yy < top + regionHeight; yy++) {
                firstRow = Math.min(firstRow, vertical.bounds[yy * 2]);
                lastRow = Math.max(lastRow, vertical.bounds[yy * 2] + vertical.bounds[yy * 2 + 1]);
            }
        }
        int rows = lastRow - firstRow;
        int stride = regionWidth * 3;
        byte[] intermediate = needHorizontal
                ? horizontalPass(in, firstRow, rows, Coefficients.compute(in.width(), width, filter), left, regionWidth)
                : copyRows(in, firstRow, rows, left, regionWidth);
        if (!needVertical) {
            return new RgbImage(regionWidth, regionHeight, intermediate);
        }
        return new RgbImage(regionWidth, regionHeight,
                verticalPass(intermediate, stride, firstRow, vertical, top, regionHeight));
    }

    /**
     * Horizontal pass for the region's columns over source rows {@code [firstRow, firstRow + rows)}. Returns rows x
     * region columns, interleaved RGB, clamped to 8 bits as Pillow's intermediate image.
     *
     * <p>With many taps, red and blue share one {@code long} multiply: a source pixel becomes {@code R + B * 2^32}, so each tap
     * adds {@code R*w + B*w * 2^32} and the sum is {@code sumR + sumB * 2^32} exactly (no 64-bit overflow: each
     * sum fits the 32-bit accumulator Pillow uses). The low half, read as a signed int, is Pillow's red sum; the
     * rest, shifted down, its blue sum. Two multiplies per tap instead of three, bit for bit the same.
     */
    static byte[] horizontalPass(RgbImage in, int firstRow, int rows, Coefficients c, int left, int regionWidth) {
        // Packing costs a pass over each source row; it pays off when the row's taps are many times its width.
        return (long) regionWidth * c.ksize * 2 >= 5L * in.width()
                ? horizontalPassPacked(in, firstRow, rows, c, left, regionWidth)
                : horizontalPassPlain(in, firstRow, rows, c, left, regionWidth);
    }

    /**
     * The horizontal pass as Pillow writes it, three channel sums per output pixel, two rows per sweep so each
     * weight is loaded once for six multiply-adds.
     */
    static byte[] horizontalPassPlain(RgbImage in, int firstRow, int rows, Coefficients c, int left,
            int regionWidth) {
        byte[] src = in.pixels();
        int inStride = in.width() * 3;
        int stride = regionWidth * 3;
        byte[] out = new byte[rows * stride];
        int[] kk = c.weights;
        int ksize = c.ksize;
        int y = 0;
        for (; y + 2 <= rows; y += 2) {
            int rowBase = (y + firstRow) * inStride;
            int o = y * stride;
            for (int xx = left; xx < left + regionWidth; xx++, o += 3) {
                int xmin = c.bounds[xx * 2];
                int count = c.bounds[xx * 2 + 1];
                int k = xx * ksize;
                int a0 = HALF;
                int a1 = HALF;
                int a2 = HALF;
                int b0 = HALF;
                int b1 = HALF;
                int b2 = HALF;
                int p = rowBase + xmin * 3;
                int q = p + inStride;
                for (int x = 0; x < count; x++, p += 3, q += 3) {
                    int w = kk[k + x];
                    a0 += (src[p] & 0xFF) * w;
                    a1 += (src[p + 1] & 0xFF) * w;
                    a2 += (src[p + 2] & 0xFF) * w;
                    b0 += (src[q] & 0xFF) * w;
                    b1 += (src[q + 1] & 0xFF) * w;
                    b2 += (src[q + 2] & 0xFF) * w;
                }
                out[o] = clip8(a0);
                out[o + 1] = clip8(a1);
                out[o + 2] = clip8(a2);
                out[o + stride] = clip8(b0);
                out[o + stride + 1] = clip8(b1);
                out[o + stride + 2] = clip8(b2);
            }
        }
        for (; y < rows; y++) {
            int rowBase = (y + firstRow) * inStride;
            int o = y * stride;
            for (int xx = left; xx < left + regionWidth; xx++, o += 3) {
                int xmin = c.bounds[xx * 2];
                int count = c.bounds[xx * 2 + 1];
                int k = xx * ksize;
                int a0 = HALF;
                int a1 = HALF;
                int a2 = HALF;
                int p = rowBase + xmin * 3;
                for (int x = 0; x < count; x++, p += 3) {
                    int w = kk[k + x];
                    a0 += (src[p] & 0xFF) * w;
                    a1 += (src[p + 1] & 0xFF) * w;
                    a2 += (src[p + 2] & 0xFF) * w;
                }
                out[o] = clip8(a0);
                out[o + 1] = clip8(a1);
                out[o + 2] = clip8(a2);
            }
        }
        return out;
    }

    /** The horizontal pass with red and blue packed into one {@code long} (see {@link #horizontalPass}). */
    static byte[] horizontalPassPacked(RgbImage in, int firstRow, int rows, Coefficients c, int left,
            int regionWidth) {
        byte[] src = in.pixels();
        int width = in.width();
        int stride = regionWidth * 3;
        byte[] out = new byte[rows * stride];
        int[] kk = c.weights;
        int ksize = c.ksize;
        long[] redBlue = new long[width];
        int[] green = new int[width];
        final long half = HALF + ((long) HALF << 32);
        for (int y = 0; y < rows; y++) {
            int p = (y + firstRow) * width * 3;
            for (int x = 0; x < width; x++, p += 3) {
                redBlue[x] = (src[p] & 0xFF) | (long) (src[p + 2] & 0xFF) << 32;
                green[x] = src[p + 1] & 0xFF;
            }
            int o = y * stride;
            for (int xx = left; xx < left + regionWidth; xx++, o += 3) {
                int xmin = c.bounds[xx * 2];
                int count = c.bounds[xx * 2 + 1];
                int k = xx * ksize - xmin;
                long rb = half;
                int g = HALF;
                for (int x = xmin; x < xmin + count; x++) {
                    int w = kk[k + x];
                    rb += redBlue[x] * w;
                    g += green[x] * w;
                }
                int r = (int) rb;
                out[o] = clip8(r);
                out[o + 1] = clip8(g);
                out[o + 2] = clip8((int) ((rb - r) >> 32));
            }
        }
        return out;
    }

    /** Vertical pass: output row {@code yy} is the weighted sum of whole intermediate rows. */
    private static byte[] verticalPass(byte[] src, int stride, int firstRow, Coefficients c, int top,
            int regionHeight) {
        byte[] out = new byte[regionHeight * stride];
        int[] acc = new int[stride];
        for (int yy = top; yy < top + regionHeight; yy++) {
            java.util.Arrays.fill(acc, HALF);
            int ymin = c.bounds[yy * 2] - firstRow;
            int count = c.bounds[yy * 2 + 1];
            accumulate(acc, stride, src, ymin * stride, stride, c.weights, yy * c.ksize, count);
            int o = (yy - top) * stride;
            for (int i = 0; i < stride; i++) {
                out[o + i] = clip8(acc[i]);
            }
        }
        return out;
    }

    /**
     * {@code acc[i] += sum over t < count of src[base + t * step + i] * weights[k + t]}, four taps per sweep so each
     * accumulator is loaded and stored once per four multiply-adds. Integer sums wrap like C's, so the order of
     * the additions cannot change the result.
     */
    private static void accumulate(int[] acc, int n, byte[] src, int base, int step, int[] weights, int k,
            int count) {
        int t = 0;
        for (; t + 4 <= count; t += 4) {
            int w0 = weights[k + t];
            int w1 = weights[k + t + 1];
            int w2 = weights[k + t + 2];
            int w3 = weights[k + t + 3];
            int o0 = base + t * step;
            int o1 = o0 + step;
            int o2 = o1 + step;
            int o3 = o2 + step;
            for (int i = 0; i < n; i++) {
                acc[i] += (src[o0 + i] & 0xFF) * w0 + (src[o1 + i] & 0xFF) * w1 + (src[o2 + i] & 0xFF) * w2
                        + (src[o3 + i] & 0xFF) * w3;
            }
        }
        for (; t < count; t++) {
            int w = weights[k + t];
            int o = base + t * step;
            for (int i = 0; i < n; i++) {
                acc[i] += (src[o + i] & 0xFF) * w;
            }
        }
    }

    private static byte[] copyRows(RgbImage in, int firstRow, int rows, int left, int regionWidth) {
        byte[] out = new byte[rows * regionWidth * 3];
        for (int y = 0; y < rows; y++) {
            System.arraycopy(in.pixels(), ((firstRow + y) * in.width() + left) * 3, out, y * regionWidth * 3,
                    regionWidth * 3);
        }
        return out;
    }

    private static RgbImage crop(RgbImage in, int left, int top, int w, int h) {
        if (left == 0 && top == 0 && w == in.width() && h == in.height()) {
            return in;
        }
        return new RgbImage(w, h, copyRows(in, top, h, left, w));
    }

    private static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /**
     * Nearest-neighbour sampling at pixel centres. Pillow routes NEAREST through its affine transform in 16.16
     * fixed point; this double-precision form agrees except where a centre falls exactly on a pixel edge.
     */
    private static RgbImage nearest(RgbImage in, int width, int height) {
        double sx = (double) in.width() / width;
        double sy = (double) in.height() / height;
        byte[] src = in.pixels();
        byte[] dst = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            int yin = Math.min(in.height() - 1, (int) ((y + 0.5) * sy));
            for (int x = 0; x < width; x++) {
                int xin = Math.min(in.width() - 1, (int) ((x + 0.5) * sx));
                System.arraycopy(src, (yin * in.width() + xin) * 3, dst, (y * width + x) * 3, 3);
            }
        }
        return new RgbImage(width, height, dst);
    }

    /** Per-axis filter taps: for each output index, the first input index, the tap count and fixed-point weights. */
    static final class Coefficients {
        final int outSize;
        final int ksize;
        final int[] bounds;
        final int[] weights;

        private Coefficients(int outSize, int ksize, int[] bounds, int[] weights) {
            this.outSize = outSize;
            this.ksize = ksize;
            this.bounds = bounds;
            this.weights = weights;
        }

        /** {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}, for the full box {@code [0, inSize)}. */
        static Coefficients compute(int inSize, int outSize, Resample filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support() * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] bounds = new int[outSize * 2];
            int[] weights = new int[outSize * ksize];
            double[] k = new double[ksize];
            double ss = 1.0 / filterScale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    double w = filter.filter((x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                for (int x = 0; x < xmax; x++) {
                    double w = ww != 0.0 ? k[x] / ww : k[x];
                    weights[xx * ksize + x] = w < 0
                            ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                            : (int) (0.5 + w * (1 << PRECISION_BITS));
                }
                // Taps whose fixed-point weight is 0 add nothing: dropping them at both ends saves work, not bits.
                int first = 0;
                int last = xmax - 1;
                while (first < last && weights[xx * ksize + first] == 0) {
                    first++;
                }
                while (last > first && weights[xx * ksize + last] == 0) {
                    last--;
                }
                if (first > 0) {
                    System.arraycopy(weights, xx * ksize + first, weights, xx * ksize, last - first + 1);
                }
                bounds[xx * 2] = xmin + first;
                bounds[xx * 2 + 1] = last - first + 1;
            }
            return new Coefficients(outSize, ksize, bounds, weights);
        }
    }
}
