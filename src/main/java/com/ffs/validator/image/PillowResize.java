package com.ffs.validator.image;

import java.util.Arrays;

/**
 * A bit-exact port of Pillow's {@code ImagingResample} for 8-bit images ({@code libImaging/Resample.c}) that computes
 * one window of the output and holds no more than that window needs.
 *
 * <p>Separable convolution, antialiased when shrinking (the kernel widens by the scale factor), coefficients
 * quantised to 22-bit fixed point, the horizontal pass first into an 8-bit intermediate, then the vertical pass.
 * Java's int cast truncates toward zero and {@code >>} is arithmetic, both as in C, so the arithmetic mirrors the C
 * code; integer sums wrap like C's, so the order of the additions cannot change a result.
 *
 * <p>Memory follows the window, not the target size or the source: coefficients exist only for the window's columns
 * and rows (evaluated on the fly where a table would be large), the horizontal pass fills a ring of the rows the
 * vertical pass reads next (or, where even that would be large, each row is added into the few output rows it feeds
 * and dropped), and window columns that read the same taps with the same weights are computed once. {@link Shape}
 * gives the bytes and the work of a resize from the sizes alone, before anything is allocated.
 */
public final class PillowResize {

    static final int PRECISION_BITS = 32 - 8 - 2;
    static final int HALF = 1 << (PRECISION_BITS - 1);
    /** A filter evaluation (a few multiplies, a division, perhaps a sine) counted in multiply-adds. */
    static final int EVALUATION_COST = 8;

    private PillowResize() {
    }

    /**
     * Sizes that decide between the fast and the frugal way of each step; tests shrink them to reach every path on
     * small images.
     *
     * @param tableEntries largest weight table per axis (window length times taps); larger ones are evaluated per use
     * @param ringBytes    largest ring of horizontally filtered rows; beyond it rows are accumulated as they come
     * @param blockRows    rows filtered together when weights are evaluated per use (each chunk of weights serves
     *                     all of them)
     * @param chunk        weights evaluated at a time
     * @param packedSpan   widest source span the red/blue-packed horizontal pass converts at once
     */
    record Limits(int tableEntries, int ringBytes, int blockRows, int chunk, int packedSpan) {
        static final Limits DEFAULT = new Limits(1 << 16, 1 << 20, 64, 1024, 1 << 14);
    }

    /** Multiply-adds and filter evaluations a resize performed; tests read it, production passes none. */
    static final class Work {
        long multiplyAdds;
        long evaluations;

        long total() {
            return multiplyAdds + EVALUATION_COST * evaluations;
        }
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
        return resizeRegion(in, width, height, filter, left, top, regionWidth, regionHeight, Limits.DEFAULT, null);
    }

    static RgbImage resizeRegion(RgbImage in, int width, int height, Resample filter, int left, int top,
            int regionWidth, int regionHeight, Limits limits, Work work) {
        Shape shape = new Shape(in.width(), in.height(), width, height, filter, left, top, regionWidth, regionHeight,
                limits);
        return new Run(shape, in, work == null ? new Work() : work).result();
    }

    /**
     * What resizing a {@code inWidth x inHeight} image to a window of {@code width x height} takes, from the sizes
     * alone: which passes run, how, the bytes they allocate at most and the work they do at most.
     */
    static final class Shape {
        final int inWidth;
        final int inHeight;
        final int width;
        final int height;
        final int left;
        final int top;
        final int regionWidth;
        final int regionHeight;
        final Resample filter;
        final Limits limits;
        /** Horizontal pass over the window's columns, or null where the width does not change. */
        final Axis horizontal;
        /** Vertical pass over the window's rows, or null where the height does not change. */
        final Axis vertical;
        /** Source rows the horizontal pass filters. */
        final int firstRow;
        final int lastRow;
        /** Most distinct columns the vertical pass works on (a one-pixel-wide source has one). */
        final int columns;
        /** Rows the horizontal pass filters per step. */
        final int block;
        /** Whether the vertical pass adds each filtered row into its output rows instead of keeping a ring. */
        final boolean accumulate;
        final int ringRows;
        /** Most output rows a source row feeds at once (accumulating only). */
        final int activeRows;

        Shape(int inWidth, int inHeight, int width, int height, Resample filter, int left, int top, int regionWidth,
                int regionHeight, Limits limits) {
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
            }
            if (left < 0 || top < 0 || regionWidth <= 0 || regionHeight <= 0
                    || (long) left + regionWidth > width || (long) top + regionHeight > height) {
                throw new IllegalArgumentException("region " + regionWidth + "x" + regionHeight + "+" + left + "+"
                        + top + " is not inside " + width + "x" + height);
            }
            this.inWidth = inWidth;
            this.inHeight = inHeight;
            this.width = width;
            this.height = height;
            this.left = left;
            this.top = top;
            this.regionWidth = regionWidth;
            this.regionHeight = regionHeight;
            this.filter = filter;
            this.limits = limits;
            boolean resampled = filter != Resample.NEAREST;
            horizontal = resampled && width != inWidth
                    ? new Axis(inWidth, width, filter, left, regionWidth, limits) : null;
            vertical = resampled && height != inHeight
                    ? new Axis(inHeight, height, filter, top, regionHeight, limits) : null;
            if (vertical != null) {
                firstRow = vertical.start(0);
                lastRow = vertical.end(regionHeight - 1);
            } else {
                firstRow = top;
                lastRow = top + regionHeight;
            }
            columns = horizontal != null && vertical != null && inWidth == 1 && horizontal.tabled ? 1 : regionWidth;
            block = horizontal == null ? 1 : horizontal.tabled ? 2 : limits.blockRows;
            if (horizontal != null && vertical != null) {
                long ring = (long) (vertical.ksize + block - 1) * columns * 3;
                accumulate = ring > limits.ringBytes;
                ringRows = accumulate ? block : vertical.ksize + block - 1;
                activeRows = accumulate ? vertical.activeBound() : 0;
            } else {
                accumulate = false;
                ringRows = 0;
                activeRows = 0;
            }
        }

        /** Whether the resize is a plain copy of the window. */
        boolean copies() {
            return filter != Resample.NEAREST && horizontal == null && vertical == null;
        }

        /** Upper bound of the bytes a resize of this shape allocates, result included. */
        long bytes() {
            // The result, and the objects of one resize (shape, axes, coefficients, the run and its result).
            long bytes = bytes((long) regionWidth * regionHeight * 3) + OBJECTS;
            if (filter == Resample.NEAREST || copies()) {
                return bytes;
            }
            if (horizontal != null) {
                // Distinct columns: the map, the columns and their first copy.
                bytes += horizontal.tableBytes() + ints(regionWidth) * 3 + 64;
                if (horizontal.tabled) {
                    int span = Math.min(inWidth, limits.packedSpan);
                    bytes += bytes(8L * span) + ints(span);
                } else {
                    bytes += ints(limits.chunk) + ints((long) limits.blockRows * 3);
                }
            }
            if (vertical != null) {
                int cols = columns;
                bytes += vertical.tableBytes() + ints((long) cols * 3) + bytes((long) cols * 3);
                bytes += ints(vertical.tabled ? vertical.ksize : limits.chunk) * 2;
                if (horizontal != null) {
                    bytes += bytes((long) ringRows * cols * 3) + ints(ringRows);
                    if (accumulate) {
                        bytes += ints((long) activeRows * cols * 3);
                    }
                }
            }
            return bytes;
        }

        /** Upper bound of the multiply-adds plus weighted filter evaluations a resize of this shape performs. */
        long work() {
            long pixels = (long) regionWidth * regionHeight;
            if (filter == Resample.NEAREST || copies()) {
                return pixels;
            }
            long macs = 0;
            long evaluations = 0;
            if (horizontal != null) {
                long rows = lastRow - firstRow;
                long taps = (long) regionWidth * horizontal.ksize;
                macs += rows * (vertical != null ? columns : regionWidth) * horizontal.ksize * 3;
                evaluations += horizontal.tabled ? taps : taps + Math.ceilDiv(rows, limits.blockRows) * taps;
            }
            if (vertical != null) {
                long taps = (long) regionHeight * vertical.ksize;
                macs += taps * columns * 3;
                evaluations += vertical.tabled ? taps : 2 * taps;
            }
            return macs + EVALUATION_COST * evaluations + pixels;
        }

        /** Bytes of the few fixed-size objects one resize allocates, with room to spare. */
        private static final long OBJECTS = 2048;

        private static long ints(long n) {
            return bytes(4 * n);
        }

        private static long bytes(long n) {
            // Array header and alignment.
            return 16 + (n + 7) / 8 * 8;
        }
    }

    /** One axis of the resize, restricted to output indices {@code [first, first + count)}: sizes and bounds. */
    static final class Axis {
        final int inSize;
        final int outSize;
        final int first;
        final int count;
        final Resample filter;
        final double scale;
        final double support;
        final double ss;
        final int ksize;
        /** Whether the weights are kept in a table; otherwise each is evaluated where it is used. */
        final boolean tabled;

        Axis(int inSize, int outSize, Resample filter, int first, int count, Limits limits) {
            this.inSize = inSize;
            this.outSize = outSize;
            this.first = first;
            this.count = count;
            this.filter = filter;
            // precompute_coeffs, for the box [0, inSize).
            scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            support = filter.support() * filterScale;
            ss = 1.0 / filterScale;
            ksize = (int) Math.ceil(support) * 2 + 1;
            tabled = (long) count * ksize <= limits.tableEntries;
        }

        double center(int i) {
            return (first + i + 0.5) * scale;
        }

        /** First input index output {@code first + i} reads, before zero weights are dropped. */
        int start(int i) {
            return Math.max((int) (center(i) - support + 0.5), 0);
        }

        /** One past the last input index output {@code first + i} reads, before zero weights are dropped. */
        int end(int i) {
            return Math.min((int) (center(i) + support + 0.5), inSize);
        }

        /** Most window outputs one input index feeds: centres within {@code support} of it, {@code scale} apart. */
        int activeBound() {
            return (int) Math.min(count, (long) Math.ceil(2 * support / scale) + 1);
        }

        /** Bytes of the coefficients: bounds, and the table with its scratch row, or the normalising sums. */
        long tableBytes() {
            long bounds = Shape.ints(2L * count);
            return bounds + (tabled ? Shape.ints((long) count * ksize) + Shape.bytes(8L * ksize)
                    : Shape.bytes(8L * count));
        }
    }

    /**
     * Weights of an {@link Axis}: a table of {@code count x ksize} fixed-point weights with zero-weight taps dropped
     * at both ends, or, for large tables, each output's normalising sum so that any weight can be evaluated alone.
     */
    static final class Coefficients {
        final Axis axis;
        final int ksize;
        /** Per window output: first input index and tap count. */
        final int[] bounds;
        /** {@code count x ksize} weights, or null when evaluated. */
        final int[] weights;
        /** Per window output: the sum of its filter values that normalises them, or null when tabled. */
        final double[] norm;

        private Coefficients(Axis axis, int[] bounds, int[] weights, double[] norm) {
            this.axis = axis;
            this.ksize = axis.ksize;
            this.bounds = bounds;
            this.weights = weights;
            this.norm = norm;
        }

        /** {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc} for the whole output axis. */
        static Coefficients compute(int inSize, int outSize, Resample filter) {
            return of(new Axis(inSize, outSize, filter, 0, outSize, new Limits(Integer.MAX_VALUE, 0, 1, 1, 0)),
                    null);
        }

        static Coefficients of(Axis axis, Work work) {
            int count = axis.count;
            int ksize = axis.ksize;
            int[] bounds = new int[count * 2];
            double[] k = new double[axis.tabled ? ksize : 0];
            int[] weights = axis.tabled ? new int[count * ksize] : null;
            double[] norm = axis.tabled ? null : new double[count];
            Resample filter = axis.filter;
            for (int i = 0; i < count; i++) {
                double center = axis.center(i);
                int xmin = axis.start(i);
                int n = axis.end(i) - xmin;
                double ww = 0.0;
                for (int x = 0; x < n; x++) {
                    double w = filter.filter((x + xmin - center + 0.5) * axis.ss);
                    if (weights != null) {
                        k[x] = w;
                    }
                    ww += w;
                }
                if (work != null) {
                    work.evaluations += n;
                }
                if (weights == null) {
                    norm[i] = ww;
                    bounds[i * 2] = xmin;
                    bounds[i * 2 + 1] = n;
                    continue;
                }
                for (int x = 0; x < n; x++) {
                    weights[i * ksize + x] = quantise(ww != 0.0 ? k[x] / ww : k[x]);
                }
                // Taps whose fixed-point weight is 0 add nothing: dropping them at both ends saves work, not bits.
                int firstTap = 0;
                int lastTap = n - 1;
                while (firstTap < lastTap && weights[i * ksize + firstTap] == 0) {
                    firstTap++;
                }
                while (lastTap > firstTap && weights[i * ksize + lastTap] == 0) {
                    lastTap--;
                }
                if (firstTap > 0) {
                    System.arraycopy(weights, i * ksize + firstTap, weights, i * ksize, lastTap - firstTap + 1);
                }
                bounds[i * 2] = xmin + firstTap;
                bounds[i * 2 + 1] = lastTap - firstTap + 1;
            }
            return new Coefficients(axis, bounds, weights, norm);
        }

        /** Evaluated weights of window output {@code i} for input indices {@code [from, from + n)} into {@code dst}. */
        void evaluate(int i, int from, int n, int[] dst, Work work) {
            double center = axis.center(i);
            double ww = norm[i];
            for (int t = 0; t < n; t++) {
                double w = axis.filter.filter((from + t - center + 0.5) * axis.ss);
                dst[t] = quantise(ww != 0.0 ? w / ww : w);
            }
            work.evaluations += n;
        }

        /** Evaluated weight of window output {@code i} for input index {@code j}. */
        int evaluate(int i, int j) {
            double w = axis.filter.filter((j - axis.center(i) + 0.5) * axis.ss);
            double ww = norm[i];
            return quantise(ww != 0.0 ? w / ww : w);
        }

        /**
         * Window outputs that repeat the previous one's taps and weights get its index, so their values are computed
         * once: {@code map[i]} is the distinct column of output {@code i}, {@code columns[d]} the output that
         * computes distinct column {@code d}.
         */
        int[][] distinct() {
            int count = axis.count;
            int[] map = new int[count];
            int[] columns = new int[count];
            int distinct = 0;
            for (int i = 0; i < count; i++) {
                if (distinct > 0 && weights != null && sameAs(i, columns[distinct - 1])) {
                    map[i] = distinct - 1;
                } else {
                    columns[distinct] = i;
                    map[i] = distinct++;
                }
            }
            return new int[][] {map, Arrays.copyOf(columns, distinct)};
        }

        private boolean sameAs(int i, int j) {
            int n = bounds[i * 2 + 1];
            return bounds[i * 2] == bounds[j * 2] && n == bounds[j * 2 + 1]
                    && Arrays.equals(weights, i * ksize, i * ksize + n, weights, j * ksize, j * ksize + n);
        }

        private static int quantise(double w) {
            return w < 0 ? (int) (-0.5 + w * (1 << PRECISION_BITS)) : (int) (0.5 + w * (1 << PRECISION_BITS));
        }
    }

    /** One resize: the passes of a {@link Shape} over one image. */
    private static final class Run {
        private final Shape shape;
        private final RgbImage in;
        private final byte[] src;
        private final Work work;
        private final byte[] out;
        private final int outStride;

        // Horizontal pass.
        private Coefficients h;
        /** Window outputs the horizontal pass computes, one per distinct column. */
        private int[] columns;
        /** Window column to distinct column, or null when every column is distinct. */
        private int[] map;
        private int ncols;
        private long[] redBlue;
        private int[] green;
        private int spanStart;
        private int[] hWeights;
        private int[] hSums;
        private long hTaps;

        // Rows the vertical pass reads: the source itself, or the ring the horizontal pass fills.
        private byte[] rows;
        private int rowStride;
        private int ringRows;
        private int produced;

        Run(Shape shape, RgbImage in, Work work) {
            this.shape = shape;
            this.in = in;
            this.src = in.pixels();
            this.work = work;
            this.outStride = shape.regionWidth * 3;
            this.out = new byte[shape.regionHeight * outStride];
        }

        RgbImage result() {
            if (shape.filter == Resample.NEAREST) {
                nearest();
            } else if (shape.copies()) {
                copy();
            } else {
                if (shape.horizontal != null) {
                    prepareHorizontal();
                }
                if (shape.vertical == null) {
                    for (int y = shape.top; y < shape.top + shape.regionHeight; y += shape.block) {
                        int n = Math.min(shape.block, shape.top + shape.regionHeight - y);
                        filterRows(y, n, out, (y - shape.top) * outStride, outStride);
                    }
                } else {
                    vertical();
                }
            }
            return new RgbImage(shape.regionWidth, shape.regionHeight, out);
        }

        private void copy() {
            for (int y = 0; y < shape.regionHeight; y++) {
                System.arraycopy(src, ((shape.top + y) * in.width() + shape.left) * 3, out, y * outStride,
                        outStride);
            }
        }

        /**
         * Nearest-neighbour sampling at pixel centres. Pillow routes NEAREST through its affine transform in 16.16
         * fixed point; this double-precision form agrees except where a centre falls exactly on a pixel edge.
         */
        private void nearest() {
            double sx = (double) in.width() / shape.width;
            double sy = (double) in.height() / shape.height;
            for (int y = 0; y < shape.regionHeight; y++) {
                int yin = Math.min(in.height() - 1, (int) ((shape.top + y + 0.5) * sy));
                for (int x = 0; x < shape.regionWidth; x++) {
                    int xin = Math.min(in.width() - 1, (int) ((shape.left + x + 0.5) * sx));
                    System.arraycopy(src, (yin * in.width() + xin) * 3, out, y * outStride + x * 3, 3);
                }
            }
        }

        private void prepareHorizontal() {
            h = Coefficients.of(shape.horizontal, work);
            if (shape.vertical != null && h.weights != null) {
                int[][] distinct = h.distinct();
                columns = distinct[1];
                map = columns.length == shape.regionWidth ? null : distinct[0];
            } else {
                columns = new int[shape.regionWidth];
                Arrays.setAll(columns, i -> i);
            }
            ncols = columns.length;
            if (h.weights == null) {
                hWeights = new int[shape.limits.chunk];
                hSums = new int[shape.limits.blockRows * 3];
                return;
            }
            int start = Integer.MAX_VALUE;
            int end = 0;
            long taps = 0;
            for (int i : columns) {
                start = Math.min(start, h.bounds[i * 2]);
                end = Math.max(end, h.bounds[i * 2] + h.bounds[i * 2 + 1]);
                taps += h.bounds[i * 2 + 1];
            }
            hTaps = taps;
            // Packing costs a pass over the span; it pays off when the taps are many times the span.
            if (end - start <= shape.limits.packedSpan && taps * 2 >= 5L * (end - start)) {
                spanStart = start;
                redBlue = new long[end - start];
                green = new int[end - start];
            }
        }

        /**
         * Filters source rows {@code [y, y + n)} horizontally into {@code dst}, row {@code y + r} at
         * {@code offset(r)}: consecutive rows {@code stride} apart when {@code stride > 0}, ring slots otherwise.
         */
        private void filterRows(int y, int n, byte[] dst, int offset, int stride) {
            if (h.weights == null) {
                filterEvaluated(y, n, dst, offset, stride);
                return;
            }
            int r = 0;
            if (redBlue == null) {
                for (; r + 2 <= n; r += 2) {
                    horizontalPlain2(src, rowOffset(y + r), rowOffset(y + r + 1), h, columns, dst,
                            slot(offset, stride, y, r), slot(offset, stride, y, r + 1));
                }
            }
            for (; r < n; r++) {
                if (redBlue == null) {
                    horizontalPlain(src, rowOffset(y + r), h, columns, dst, slot(offset, stride, y, r));
                } else {
                    horizontalPacked(src, rowOffset(y + r), h, columns, redBlue, green, spanStart, dst,
                            slot(offset, stride, y, r));
                }
            }
            work.multiplyAdds += hTaps * 3 * n;
        }

        private int rowOffset(int y) {
            return y * in.width() * 3;
        }

        private int slot(int offset, int stride, int y, int r) {
            return stride > 0 ? offset + r * stride : ((y + r) % ringRows) * rowStride;
        }

        /** Horizontal pass with weights evaluated per use: each chunk of weights serves all {@code n} rows. */
        private void filterEvaluated(int y, int n, byte[] dst, int offset, int stride) {
            int chunk = hWeights.length;
            for (int d = 0; d < ncols; d++) {
                int i = columns[d];
                int xmin = h.bounds[i * 2];
                int count = h.bounds[i * 2 + 1];
                Arrays.fill(hSums, 0, n * 3, HALF);
                for (int from = xmin; from < xmin + count; from += chunk) {
                    int len = Math.min(chunk, xmin + count - from);
                    h.evaluate(i, from, len, hWeights, work);
                    for (int r = 0; r < n; r++) {
                        int p = rowOffset(y + r) + from * 3;
                        int s0 = hSums[r * 3];
                        int s1 = hSums[r * 3 + 1];
                        int s2 = hSums[r * 3 + 2];
                        for (int t = 0; t < len; t++, p += 3) {
                            int w = hWeights[t];
                            s0 += (src[p] & 0xFF) * w;
                            s1 += (src[p + 1] & 0xFF) * w;
                            s2 += (src[p + 2] & 0xFF) * w;
                        }
                        hSums[r * 3] = s0;
                        hSums[r * 3 + 1] = s1;
                        hSums[r * 3 + 2] = s2;
                    }
                }
                for (int r = 0; r < n; r++) {
                    int o = slot(offset, stride, y, r) + d * 3;
                    dst[o] = clip8(hSums[r * 3]);
                    dst[o + 1] = clip8(hSums[r * 3 + 1]);
                    dst[o + 2] = clip8(hSums[r * 3 + 2]);
                }
                work.multiplyAdds += (long) count * 3 * n;
            }
        }

        private void vertical() {
            Shape s = shape;
            Coefficients v = Coefficients.of(s.vertical, work);
            if (s.horizontal == null) {
                // Same width: the vertical pass reads the window's columns of the source rows themselves.
                rows = src;
                ncols = s.regionWidth;
            } else {
                rowStride = ncols * 3;
                ringRows = s.ringRows;
                rows = new byte[ringRows * rowStride];
                produced = s.firstRow;
            }
            if (s.accumulate) {
                accumulateRows(v);
                return;
            }
            int width = ncols * 3;
            int[] sums = new int[width];
            byte[] row = map == null ? null : new byte[width];
            int[] offsets = new int[v.weights != null ? v.ksize : s.limits.chunk];
            int[] weights = v.weights != null ? v.weights : new int[s.limits.chunk];
            for (int i = 0; i < s.regionHeight; i++) {
                int ymin = v.bounds[i * 2];
                int count = v.bounds[i * 2 + 1];
                if (s.horizontal != null) {
                    produceThrough(ymin + count);
                }
                Arrays.fill(sums, HALF);
                if (v.weights != null) {
                    for (int t = 0; t < count; t++) {
                        offsets[t] = readOffset(ymin + t);
                    }
                    accumulate(sums, width, rows, offsets, weights, i * v.ksize, count);
                } else {
                    for (int from = ymin; from < ymin + count; from += offsets.length) {
                        int len = Math.min(offsets.length, ymin + count - from);
                        v.evaluate(i, from, len, weights, work);
                        for (int t = 0; t < len; t++) {
                            offsets[t] = readOffset(from + t);
                        }
                        accumulate(sums, width, rows, offsets, weights, 0, len);
                    }
                }
                work.multiplyAdds += (long) count * width;
                emit(sums, 0, width, row, i);
            }
        }

        /** Where the vertical pass finds source row {@code y}'s window columns. */
        private int readOffset(int y) {
            return shape.horizontal == null ? (y * in.width() + shape.left) * 3 : (y % ringRows) * rowStride;
        }

        /** Filters rows horizontally into the ring until row {@code end - 1} is there. */
        private void produceThrough(int end) {
            while (produced < end) {
                int n = Math.min(shape.block, shape.lastRow - produced);
                filterRows(produced, n, rows, 0, 0);
                produced += n;
            }
        }

        /**
         * The vertical pass for tall kernels: each filtered row is added into the output rows whose taps include it,
         * so only those rows' sums are held. Raw bounds keep the rows a source row feeds contiguous.
         */
        private void accumulateRows(Coefficients v) {
            Shape s = shape;
            Axis axis = s.vertical;
            int width = ncols * 3;
            int slots = 0;
            for (int i = 0, j = 0; i < s.regionHeight; i++) {
                while (axis.end(j) <= axis.start(i)) {
                    j++;
                }
                slots = Math.max(slots, i - j + 1);
            }
            int[] sums = new int[slots * width];
            byte[] row = map == null ? null : new byte[width];
            int started = 0;
            int finished = 0;
            for (int y = s.firstRow; y < s.lastRow; y++) {
                produceThrough(y + 1);
                int base = readOffset(y);
                while (started < s.regionHeight && axis.start(started) <= y) {
                    Arrays.fill(sums, (started % slots) * width, (started % slots + 1) * width, HALF);
                    started++;
                }
                for (int i = finished; i < started; i++) {
                    int w = weightAt(v, i, y);
                    if (w != 0) {
                        int o = (i % slots) * width;
                        for (int c = 0; c < width; c++) {
                            sums[o + c] += (rows[base + c] & 0xFF) * w;
                        }
                        work.multiplyAdds += width;
                    }
                }
                while (finished < started && axis.end(finished) <= y + 1) {
                    emit(sums, (finished % slots) * width, width, row, finished);
                    finished++;
                }
            }
        }

        private int weightAt(Coefficients v, int i, int y) {
            if (v.weights == null) {
                work.evaluations++;
                return v.evaluate(i, y);
            }
            int t = y - v.bounds[i * 2];
            return t >= 0 && t < v.bounds[i * 2 + 1] ? v.weights[i * v.ksize + t] : 0;
        }

        /** Clips output row {@code i}'s sums to 8 bits and writes them, repeating distinct columns where needed. */
        private void emit(int[] sums, int from, int width, byte[] row, int i) {
            int o = i * outStride;
            if (map == null) {
                for (int c = 0; c < width; c++) {
                    out[o + c] = clip8(sums[from + c]);
                }
                return;
            }
            for (int c = 0; c < width; c++) {
                row[c] = clip8(sums[from + c]);
            }
            for (int x = 0; x < map.length; x++, o += 3) {
                int d = map[x] * 3;
                out[o] = row[d];
                out[o + 1] = row[d + 1];
                out[o + 2] = row[d + 2];
            }
        }
    }

    /**
     * The horizontal pass as Pillow writes it, three channel sums per output pixel, for two source rows at once so
     * each weight is loaded once for six multiply-adds.
     */
    static void horizontalPlain2(byte[] src, int rowA, int rowB, Coefficients c, int[] columns, byte[] dst, int outA,
            int outB) {
        int[] kk = c.weights;
        int ksize = c.ksize;
        int oa = outA;
        int ob = outB;
        for (int i : columns) {
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
    static void horizontalPlain(byte[] src, int row, Coefficients c, int[] columns, byte[] dst, int out) {
        int[] kk = c.weights;
        int ksize = c.ksize;
        int o = out;
        for (int i : columns) {
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
    static void horizontalPacked(byte[] src, int row, Coefficients c, int[] columns, long[] redBlue, int[] green,
            int spanStart, byte[] dst, int out) {
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
     * {@code acc[i] += sum over t < count of src[offsets[t] + i] * weights[k + t]}, four taps per sweep so each
     * accumulator is loaded and stored once per four multiply-adds.
     */
    static void accumulate(int[] acc, int n, byte[] src, int[] offsets, int[] weights, int k, int count) {
        int t = 0;
        for (; t + 4 <= count; t += 4) {
            int w0 = weights[k + t];
            int w1 = weights[k + t + 1];
            int w2 = weights[k + t + 2];
            int w3 = weights[k + t + 3];
            int o0 = offsets[t];
            int o1 = offsets[t + 1];
            int o2 = offsets[t + 2];
            int o3 = offsets[t + 3];
            for (int i = 0; i < n; i++) {
                acc[i] += (src[o0 + i] & 0xFF) * w0 + (src[o1 + i] & 0xFF) * w1 + (src[o2 + i] & 0xFF) * w2
                        + (src[o3 + i] & 0xFF) * w3;
            }
        }
        for (; t < count; t++) {
            int w = weights[k + t];
            int o = offsets[t];
            for (int i = 0; i < n; i++) {
                acc[i] += (src[o + i] & 0xFF) * w;
            }
        }
    }

    static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
