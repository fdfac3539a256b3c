package com.ffs.validator.image;

/**
 * The first, line-by-line port of Pillow's {@code ImagingResample} for 8-bit images ({@code libImaging/Resample.c}),
 * kept as the reference the optimised {@link PillowResize} is checked against on random sizes and every filter.
 *
 * <p>
 * Separable convolution, antialiased when shrinking (the kernel widens by the scale factor), coefficients
 * quantised to 22-bit fixed point, the horizontal pass first into an 8-bit intermediate, then the vertical pass.
 * Java's int cast truncates toward zero and {@code >>} is arithmetic, both as in C, so the arithmetic below
 * mirrors the C code line by line.
 */
final class ReferenceResize {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private ReferenceResize() {
    }

    /** Resizes the whole image to {@code width x height} as {@code PIL.Image.resize((width, height), filter)} does. */
    static RgbImage resize(RgbImage in, int width, int height, Resample filter) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        if (width == in.width() && height == in.height()) {
            return in;
        }
        if (filter == Resample.NEAREST) {
            return nearest(in, width, height);
        }
        Coefficients horizontal = Coefficients.compute(in.width(), width, filter);
        Coefficients vertical = Coefficients.compute(in.height(), height, filter);
        boolean needHorizontal = width != in.width();
        boolean needVertical = height != in.height();

        RgbImage current = in;
        int[] verticalBounds = vertical.bounds;
        if (needHorizontal) {
            // Only the source rows the vertical pass will read are filtered horizontally.
            int firstRow = vertical.bounds[0];
            int lastRow = vertical.bounds[height * 2 - 2] + vertical.bounds[height * 2 - 1];
            if (needVertical) {
                verticalBounds = vertical.bounds.clone();
                for (int i = 0; i < height; i++) {
                    verticalBounds[i * 2] -= firstRow;
                }
            } else {
                firstRow = 0;
                lastRow = in.height();
            }
            current = horizontalPass(in, firstRow, lastRow - firstRow, horizontal);
        }
        if (needVertical) {
            current = verticalPass(current, height, verticalBounds, vertical);
        }
        return current;
    }

    private static RgbImage horizontalPass(RgbImage in, int firstRow, int rows, Coefficients c) {
        int outWidth = c.outSize;
        int inStride = in.width() * 3;
        byte[] src = in.pixels();
        byte[] dst = new byte[outWidth * rows * 3];
        int[] kk = c.weights;
        int ksize = c.ksize;
        for (int y = 0; y < rows; y++) {
            int rowBase = (y + firstRow) * inStride;
            int outBase = y * outWidth * 3;
            for (int xx = 0; xx < outWidth; xx++) {
                int xmin = c.bounds[xx * 2];
                int count = c.bounds[xx * 2 + 1];
                int k = xx * ksize;
                int ss0 = HALF;
                int ss1 = HALF;
                int ss2 = HALF;
                int p = rowBase + xmin * 3;
                for (int x = 0; x < count; x++, p += 3) {
                    int w = kk[k + x];
                    ss0 += (src[p] & 0xFF) * w;
                    ss1 += (src[p + 1] & 0xFF) * w;
                    ss2 += (src[p + 2] & 0xFF) * w;
                }
                int o = outBase + xx * 3;
                dst[o] = clip8(ss0);
                dst[o + 1] = clip8(ss1);
                dst[o + 2] = clip8(ss2);
            }
        }
        return new RgbImage(outWidth, rows, dst);
    }

    private static RgbImage verticalPass(RgbImage in, int outHeight, int[] bounds, Coefficients c) {
        int width = in.width();
        int stride = width * 3;
        byte[] src = in.pixels();
        byte[] dst = new byte[width * outHeight * 3];
        int[] kk = c.weights;
        int ksize = c.ksize;
        for (int yy = 0; yy < outHeight; yy++) {
            int ymin = bounds[yy * 2];
            int count = bounds[yy * 2 + 1];
            int k = yy * ksize;
            int outBase = yy * stride;
            for (int xx = 0; xx < width; xx++) {
                int ss0 = HALF;
                int ss1 = HALF;
                int ss2 = HALF;
                int p = ymin * stride + xx * 3;
                for (int y = 0; y < count; y++, p += stride) {
                    int w = kk[k + y];
                    ss0 += (src[p] & 0xFF) * w;
                    ss1 += (src[p + 1] & 0xFF) * w;
                    ss2 += (src[p + 2] & 0xFF) * w;
                }
                int o = outBase + xx * 3;
                dst[o] = clip8(ss0);
                dst[o + 1] = clip8(ss1);
                dst[o + 2] = clip8(ss2);
            }
        }
        return new RgbImage(width, outHeight, dst);
    }

    /**
     * Pixel {@code (x, y)} of {@link #resize}{@code (in, width, height, filter)} from the definition alone: the taps
     * of its column and row, and the 8-bit intermediate values of the source rows it reads. For target sizes too
     * large to resize whole.
     */
    static int[] pixel(RgbImage in, int width, int height, Resample filter, int x, int y) {
        boolean needHorizontal = width != in.width();
        boolean needVertical = height != in.height();
        int one = 1 << PRECISION_BITS;
        int[] column = needHorizontal ? Coefficients.taps(in.width(), width, filter, x) : new int[] { x, one };
        int[] row = needVertical ? Coefficients.taps(in.height(), height, filter, y) : new int[] { y, one };
        int[] out = new int[3];
        for (int c = 0; c < 3; c++) {
            int sum = HALF;
            for (int t = 1; t < row.length; t++) {
                int sy = row[0] + t - 1;
                // Without a pass, the identity tap (one weight of 1.0) passes a value through unchanged.
                int mid = HALF;
                for (int u = 1; u < column.length; u++) {
                    mid += in.sample(column[0] + u - 1, sy, c) * column[u];
                }
                sum += (clip8(mid) & 0xFF) * row[t];
            }
            out[c] = clip8(sum) & 0xFF;
        }
        return out;
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
            for (int xx = 0; xx < outSize; xx++) {
                int[] taps = taps(inSize, outSize, filter, xx);
                bounds[xx * 2] = taps[0];
                bounds[xx * 2 + 1] = taps.length - 1;
                System.arraycopy(taps, 1, weights, xx * ksize, taps.length - 1);
            }
            return new Coefficients(outSize, ksize, bounds, weights);
        }

        /** Output {@code xx}'s first input index followed by its fixed-point weights, one per tap. */
        static int[] taps(int inSize, int outSize, Resample filter, int xx) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support() * filterScale;
            double ss = 1.0 / filterScale;
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
            double[] k = new double[xmax];
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = filter.filter((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            int[] taps = new int[xmax + 1];
            taps[0] = xmin;
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0.0 ? k[x] / ww : k[x];
                taps[x + 1] = w < 0
                        ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                        : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            return taps;
        }
    }
}
