package com.ffs.validator.image;

import java.util.Arrays;

/**
 * The cheap resizes behind the raster checks, where no model sees the pixels and Pillow parity buys nothing.
 *
 * <p>
 * Shrinking averages a 2 x 2 grid of samples taken at the centres of the quarters of each output pixel's source
 * cell: an exact box filter up to a factor of 2, a sparse one beyond, so its cost follows the output size and not
 * the source (a 12 MP photo is read at about 3 million points instead of 12 million, and only the rows sampled are
 * touched). Enlarging interpolates bilinearly between pixel centres. Both allocate the output and two small index
 * tables, nothing that grows with the source.
 */
public final class SampledResize {

    /** Samples per axis in each output pixel when shrinking. */
    static final int SAMPLES = 2;
    private static final int BITS = 16;
    private static final int ONE = 1 << BITS;

    private SampledResize() {
    }

    /** {@code in} at {@code width x height}: a sampled box filter where it shrinks, bilinear where it enlarges. */
    public static RgbImage resize(RgbImage in, int width, int height) {
        if (width == in.width() && height == in.height()) {
            return in;
        }
        return crop(in, 0, 0, in.width(), in.height(), width, height);
    }

    /**
     * The region {@code [left, left + regionWidth) x [top, top + regionHeight)} of {@code in} resized to
     * {@code width x height}, read from {@code in} directly: nothing the size of the region is allocated.
     */
    public static RgbImage crop(RgbImage in, int left, int top, int regionWidth, int regionHeight, int width,
            int height) {
        if (left < 0 || top < 0 || regionWidth < 1 || regionHeight < 1 || left + regionWidth > in.width()
                || top + regionHeight > in.height()) {
            throw new IllegalArgumentException("region " + regionWidth + "x" + regionHeight + " at " + left + ","
                    + top + " is not inside a " + in.width() + "x" + in.height() + " image");
        }
        return width <= regionWidth && height <= regionHeight
                ? shrink(in, left, top, regionWidth, regionHeight, width, height)
                : enlarge(in, left, top, regionWidth, regionHeight, width, height);
    }

    /** Bytes {@link #resize} allocates for a {@code width x height} result, beyond the result's own pixels. */
    static long scratchBytes(int width, int height) {
        return 4L * SAMPLES * (width + height) + 4L * 3 * width + 256;
    }

    /** The source size scaled so that its longer side is {@code side} (the shorter at least 1). */
    public static int[] fitLongerSide(int width, int height, int side) {
        if (width >= height) {
            return new int[] { side, (int) Math.max(1, Math.round((double) height * side / width)) };
        }
        return new int[] { (int) Math.max(1, Math.round((double) width * side / height)), side };
    }

    private static RgbImage shrink(RgbImage in, int left, int top, int regionWidth, int regionHeight, int width,
            int height) {
        int[] columns = samplePositions(regionWidth, width);
        int[] rows = samplePositions(regionHeight, height);
        byte[] src = in.pixels();
        byte[] out = new byte[width * height * 3];
        int[] sums = new int[width * 3];
        int stride = in.width() * 3;
        int count = SAMPLES * SAMPLES;
        for (int y = 0; y < height; y++) {
            Arrays.fill(sums, 0);
            for (int j = 0; j < SAMPLES; j++) {
                int row = (top + rows[y * SAMPLES + j]) * stride + 3 * left;
                for (int x = 0, t = 0; x < width; x++, t += SAMPLES) {
                    int a = row + 3 * columns[t];
                    int b = row + 3 * columns[t + 1];
                    sums[3 * x] += (src[a] & 0xFF) + (src[b] & 0xFF);
                    sums[3 * x + 1] += (src[a + 1] & 0xFF) + (src[b + 1] & 0xFF);
                    sums[3 * x + 2] += (src[a + 2] & 0xFF) + (src[b + 2] & 0xFF);
                }
            }
            int o = y * width * 3;
            for (int i = 0; i < width * 3; i++) {
                out[o + i] = (byte) ((sums[i] + count / 2) / count);
            }
        }
        return new RgbImage(width, height, out);
    }

    /** Centres of the {@link #SAMPLES} equal parts of each of {@code outSize} cells over {@code inSize} pixels. */
    static int[] samplePositions(int inSize, int outSize) {
        int parts = outSize * SAMPLES;
        int[] positions = new int[parts];
        for (int i = 0; i < parts; i++) {
            positions[i] = (int) (((2L * i + 1) * inSize) / (2L * parts));
        }
        return positions;
    }

    private static RgbImage enlarge(RgbImage in, int left, int top, int regionWidth, int regionHeight, int width,
            int height) {
        int[] x0 = new int[width];
        int[] xw = new int[width];
        taps(regionWidth, width, x0, xw);
        int[] y0 = new int[height];
        int[] yw = new int[height];
        taps(regionHeight, height, y0, yw);
        byte[] src = in.pixels();
        byte[] out = new byte[width * height * 3];
        int stride = in.width() * 3;
        int lastX = regionWidth - 1;
        int lastY = regionHeight - 1;
        for (int y = 0; y < height; y++) {
            int rowA = (top + y0[y]) * stride + 3 * left;
            int rowB = (top + Math.min(y0[y] + 1, lastY)) * stride + 3 * left;
            long wy = yw[y];
            for (int x = 0; x < width; x++) {
                int a = 3 * x0[x];
                int b = 3 * Math.min(x0[x] + 1, lastX);
                long wx = xw[x];
                for (int c = 0; c < 3; c++) {
                    long upper = (src[rowA + a + c] & 0xFF) * (ONE - wx) + (src[rowA + b + c] & 0xFF) * wx;
                    long lower = (src[rowB + a + c] & 0xFF) * (ONE - wx) + (src[rowB + b + c] & 0xFF) * wx;
                    long v = upper * (ONE - wy) + lower * wy;
                    out[(y * width + x) * 3 + c] = (byte) ((v + (1L << (2 * BITS - 1))) >> (2 * BITS));
                }
            }
        }
        return new RgbImage(width, height, out);
    }

    /**
     * A {@code side x side} square of {@code in}, turned by {@code degrees} about ({@code cx}, {@code cy}) and
     * covering {@code sourceSide} source pixels a side, sampled bilinearly; what falls outside {@code in} is white.
     */
    public static RgbImage turned(RgbImage in, double cx, double cy, double sourceSide, int side, double degrees) {
        double step = sourceSide / side;
        double cos = Math.cos(Math.toRadians(degrees)) * step;
        double sin = Math.sin(Math.toRadians(degrees)) * step;
        byte[] src = in.pixels();
        byte[] out = new byte[side * side * 3];
        int w = in.width();
        int h = in.height();
        for (int v = 0; v < side; v++) {
            double dv = v + 0.5 - side / 2.0;
            for (int u = 0; u < side; u++) {
                double du = u + 0.5 - side / 2.0;
                // Source position of this pixel's centre, as a pixel-centre coordinate.
                double sx = cx + du * cos - dv * sin - 0.5;
                double sy = cy + du * sin + dv * cos - 0.5;
                int o = (v * side + u) * 3;
                if (sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5) {
                    out[o] = out[o + 1] = out[o + 2] = (byte) 255;
                    continue;
                }
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                int xa = Math.clamp(x0, 0, w - 1);
                int xb = Math.clamp(x0 + 1, 0, w - 1);
                int ya = Math.clamp(y0, 0, h - 1) * w;
                int yb = Math.clamp(y0 + 1, 0, h - 1) * w;
                for (int c = 0; c < 3; c++) {
                    double upper = (src[(ya + xa) * 3 + c] & 0xFF) * (1 - fx) + (src[(ya + xb) * 3 + c] & 0xFF) * fx;
                    double lower = (src[(yb + xa) * 3 + c] & 0xFF) * (1 - fx) + (src[(yb + xb) * 3 + c] & 0xFF) * fx;
                    out[o + c] = (byte) Math.round(upper * (1 - fy) + lower * fy);
                }
            }
        }
        return new RgbImage(side, side, out);
    }

    /** For each output position, the left source pixel and the right one's weight (pixel centres aligned). */
    private static void taps(int inSize, int outSize, int[] first, int[] weight) {
        double scale = (double) inSize / outSize;
        for (int i = 0; i < outSize; i++) {
            double s = Math.clamp((i + 0.5) * scale - 0.5, 0.0, inSize - 1.0);
            int f = (int) Math.floor(s);
            first[i] = f;
            weight[i] = (int) Math.round((s - f) * ONE);
        }
    }
}
