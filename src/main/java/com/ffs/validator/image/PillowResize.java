package com.ffs.validator.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A bit-exact port of Pillow's {@code ImagingResample} for 8-bit images ({@code libImaging/Resample.c}) that computes
 * one window of the output and holds no more than that window needs.
 *
 * <p>
 * Separable convolution, antialiased when shrinking (the kernel widens by the scale factor), coefficients
 * quantised to 22-bit fixed point, the horizontal pass first into an 8-bit intermediate, then the vertical pass.
 * Java's int cast truncates toward zero and {@code >>} is arithmetic, both as in C, so the arithmetic mirrors the C
 * code; integer sums wrap like C's, so the order of the additions cannot change a result.
 *
 * <p>
 * Memory follows the window, not the target size or the source: coefficients exist only for the window's columns
 * and rows (evaluated on the fly where a table would be large), the horizontal pass fills a ring of the rows the
 * vertical pass reads next (or, where even that would be large, each row is added into the few output rows it feeds
 * and dropped), and window columns that read the same taps with the same weights are computed once. {@link Shape}
 * gives the bytes and the work of a resize from the sizes alone, before anything is allocated.
 *
 * <p>
 * The inner loops are {@link ResizeKernels}, SIMD where the JVM has the Vector API; coefficients come from the
 * {@link CoefficientCache}; windows of one image that share their horizontal pass get it once
 * ({@link #resizeRegions}).
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
     * @param ringBytes largest ring of horizontally filtered rows; beyond it rows are accumulated as they come
     * @param blockRows rows filtered together when weights are evaluated per use (each chunk of weights serves
     *        all of them)
     * @param chunk weights evaluated at a time
     * @param packedSpan widest source span the red/blue-packed horizontal pass converts at once
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
        return resizeRegion(in, width, height, filter, left, top, regionWidth, regionHeight, limits, work,
                ResizeKernels.instance());
    }

    static RgbImage resizeRegion(RgbImage in, int width, int height, Resample filter, int left, int top,
            int regionWidth, int regionHeight, Limits limits, Work work, ResizeKernels kernels) {
        Shape shape = new Shape(in.width(), in.height(), width, height, filter, left, top, regionWidth, regionHeight,
                limits);
        return new Run(shape, in, work == null ? new Work() : work, kernels).single();
    }

    /**
     * Several windows of one image at once, as {@link #resizeRegion} gives each. Windows whose horizontal pass is the
     * same (same target width, filter and columns) share it: for a portrait or square photo, the shortest-edge and
     * the squash resizes to 224 both filter every row to 224 columns, and those rows are filtered once.
     */
    static List<RgbImage> resizeRegions(RgbImage in, List<Shape> shapes, Work work, ResizeKernels kernels) {
        Work tally = work == null ? new Work() : work;
        RgbImage[] out = new RgbImage[shapes.size()];
        boolean[] done = new boolean[shapes.size()];
        for (int i = 0; i < shapes.size(); i++) {
            if (done[i]) {
                continue;
            }
            Shape lead = shapes.get(i);
            if (lead.inWidth != in.width() || lead.inHeight != in.height()) {
                throw new IllegalArgumentException("shape for " + lead.inWidth + "x" + lead.inHeight + ", image "
                        + in.width() + "x" + in.height());
            }
            if (lead.horizontal == null || lead.vertical == null) {
                out[i] = new Run(lead, in, tally, kernels).single();
                done[i] = true;
                continue;
            }
            List<Integer> group = new ArrayList<>();
            for (int j = i; j < shapes.size(); j++) {
                if (!done[j] && lead.sharesHorizontalWith(shapes.get(j))) {
                    group.add(j);
                    done[j] = true;
                }
            }
            List<RgbImage> results = new Run(lead, in, tally, kernels)
                    .vertical(group.stream().map(shapes::get).toList());
            for (int k = 0; k < group.size(); k++) {
                out[group.get(k)] = results.get(k);
            }
        }
        return List.of(out);
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
                    ? new Axis(inWidth, width, filter, left, regionWidth, limits)
                    : null;
            vertical = resampled && height != inHeight
                    ? new Axis(inHeight, height, filter, top, regionHeight, limits)
                    : null;
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

        /** Whether both shapes have the same horizontal pass and a vertical one, so one run can serve both. */
        boolean sharesHorizontalWith(Shape other) {
            return horizontal != null && vertical != null && other.horizontal != null && other.vertical != null
                    && inWidth == other.inWidth && inHeight == other.inHeight && width == other.width
                    && filter == other.filter && left == other.left && regionWidth == other.regionWidth
                    && block == other.block && horizontal.tabled == other.horizontal.tabled;
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
                    // The packed pass's span, or the weights laid out for SIMD (groups of at most 8 taps).
                    int span = Math.min(inWidth, limits.packedSpan);
                    bytes += Math.max(bytes(8L * span) + ints(span),
                            ints((long) regionWidth * (horizontal.ksize + 7) * 4) + ints(regionWidth));
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

        /** Whether both axes have the same sizes, filter and window, hence the same coefficients. */
        boolean sameAs(Axis other) {
            return inSize == other.inSize && outSize == other.outSize && filter == other.filter
                    && first == other.first && count == other.count && tabled == other.tabled;
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
        /**
         * The weights laid out for SIMD kernels that take {@code group} taps a step: per output, its taps padded with
         * zero weights to a multiple of {@code group}, each weight four times (the fourth 0, for a lane that is not a
         * channel); null for the scalar kernels.
         */
        final int[] lanes;
        /** Per window output: where its weights start in {@link #lanes}. */
        final int[] laneStart;
        /** Taps per step of the kernels {@link #lanes} is laid out for (1: none). */
        final int group;

        private Coefficients(Axis axis, int[] bounds, int[] weights, double[] norm, int group) {
            this.axis = axis;
            this.group = group;
            this.ksize = axis.ksize;
            this.bounds = bounds;
            this.weights = weights;
            this.norm = norm;
            if (weights == null || group <= 1) {
                lanes = null;
                laneStart = null;
                return;
            }
            laneStart = new int[axis.count];
            int size = 0;
            for (int i = 0; i < axis.count; i++) {
                laneStart[i] = size;
                size += (bounds[i * 2 + 1] + group - 1) / group * group * 4;
            }
            lanes = new int[size];
            for (int i = 0; i < axis.count; i++) {
                for (int t = 0; t < bounds[i * 2 + 1]; t++) {
                    int w = weights[i * ksize + t];
                    int o = laneStart[i] + t * 4;
                    lanes[o] = w;
                    lanes[o + 1] = w;
                    lanes[o + 2] = w;
                }
            }
        }

        /** {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc} for the whole output axis. */
        static Coefficients compute(int inSize, int outSize, Resample filter) {
            return of(new Axis(inSize, outSize, filter, 0, outSize, new Limits(Integer.MAX_VALUE, 0, 1, 1, 0)),
                    null, 1);
        }

        /**
         * The coefficients of {@code axis}, laid out for kernels taking {@code group} taps a step: from the
         * {@link CoefficientCache} when an image of the same size came recently.
         */
        static Coefficients of(Axis axis, Work work, int group) {
            return CoefficientCache.get(axis, group, () -> compute(axis, work, group));
        }

        /** Bytes of the arrays held. */
        long bytes() {
            return 4L * bounds.length + (weights != null ? 4L * weights.length : 8L * norm.length)
                    + (lanes != null ? 4L * (lanes.length + laneStart.length) : 0);
        }

        private static Coefficients compute(Axis axis, Work work, int group) {
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
            return new Coefficients(axis, bounds, weights, norm, group);
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
            return new int[][] { map, Arrays.copyOf(columns, distinct) };
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

    /**
     * The horizontal pass of one image over one set of window columns, feeding the vertical passes of one or more
     * windows that share it (the same source width, target width, filter and columns); or, for shapes with one pass
     * or none, that pass alone.
     */
    private static final class Run {
        private final Shape lead;
        private final RgbImage in;
        private final byte[] src;
        private final Work work;
        private final ResizeKernels kernels;

        // Horizontal pass.
        private Coefficients h;
        /** Window outputs the horizontal pass computes, one per distinct column. */
        private int[] columns;
        /** Window column to distinct column, or null when every column is distinct. */
        private int[] map;
        private int ncols;
        private long hTaps;
        private long[] redBlue;
        private int[] green;
        private int spanStart;
        private int[] hWeights;
        private int[] hSums;

        // Rows the vertical passes read: the source itself, or the ring the horizontal pass fills.
        private byte[] rows;
        private int rowStride;
        private int ringRows;
        private int produced;

        Run(Shape lead, RgbImage in, Work work, ResizeKernels kernels) {
            this.lead = lead;
            this.in = in;
            this.src = in.pixels();
            this.work = work;
            this.kernels = kernels;
        }

        /** The window of a shape with at most one pass. */
        RgbImage single() {
            if (lead.vertical != null && !lead.copies() && lead.filter != Resample.NEAREST) {
                return vertical(List.of(lead)).getFirst();
            }
            byte[] out = new byte[lead.regionHeight * lead.regionWidth * 3];
            int outStride = lead.regionWidth * 3;
            if (lead.filter == Resample.NEAREST) {
                nearest(out, outStride);
            } else if (lead.copies()) {
                for (int y = 0; y < lead.regionHeight; y++) {
                    System.arraycopy(src, ((lead.top + y) * in.width() + lead.left) * 3, out, y * outStride,
                            outStride);
                }
            } else {
                prepareHorizontal(false);
                for (int y = lead.top; y < lead.top + lead.regionHeight; y += lead.block) {
                    int n = Math.min(lead.block, lead.top + lead.regionHeight - y);
                    filterRows(y, n, out, (y - lead.top) * outStride, outStride);
                }
            }
            return new RgbImage(lead.regionWidth, lead.regionHeight, out);
        }

        /**
         * Nearest-neighbour sampling at pixel centres. Pillow routes NEAREST through its affine transform in 16.16
         * fixed point; this double-precision form agrees except where a centre falls exactly on a pixel edge.
         */
        private void nearest(byte[] out, int outStride) {
            double sx = (double) in.width() / lead.width;
            double sy = (double) in.height() / lead.height;
            for (int y = 0; y < lead.regionHeight; y++) {
                int yin = Math.min(in.height() - 1, (int) ((lead.top + y + 0.5) * sy));
                for (int x = 0; x < lead.regionWidth; x++) {
                    int xin = Math.min(in.width() - 1, (int) ((lead.left + x + 0.5) * sx));
                    System.arraycopy(src, (yin * in.width() + xin) * 3, out, y * outStride + x * 3, 3);
                }
            }
        }

        /** The vertical passes of {@code shapes}, which share this run's horizontal pass (if any). */
        List<RgbImage> vertical(List<Shape> shapes) {
            Vertical[] passes = new Vertical[shapes.size()];
            int first = Integer.MAX_VALUE;
            int last = 0;
            if (lead.horizontal == null) {
                // Same width: the vertical pass reads the window's columns of the source rows themselves.
                rows = src;
                ncols = lead.regionWidth;
                produced = lead.lastRow;
            } else {
                prepareHorizontal(true);
                rowStride = ncols * 3;
                for (Shape s : shapes) {
                    ringRows = Math.max(ringRows, s.ringRows);
                    first = Math.min(first, s.firstRow);
                    last = Math.max(last, s.lastRow);
                }
                rows = new byte[ringRows * rowStride];
                produced = first;
            }
            for (int k = 0; k < passes.length; k++) {
                passes[k] = new Vertical(this, shapes.get(k));
                passes[k].advance();
            }
            // Indexed loops: this one runs once per row or two, where iterators would be garbage in cold code.
            while (produced < last) {
                // Rows no window needs (between the windows of different shapes) are skipped.
                int needed = Integer.MAX_VALUE;
                for (int k = 0; k < passes.length; k++) {
                    needed = Math.min(needed, passes[k].lowestNeeded());
                }
                if (needed >= last) {
                    break;
                }
                produced = Math.max(produced, needed);
                int n = Math.min(lead.block, last - produced);
                filterRows(produced, n, rows, 0, 0);
                produced += n;
                for (int k = 0; k < passes.length; k++) {
                    passes[k].advance();
                }
            }
            List<RgbImage> out = new ArrayList<>(passes.length);
            for (Vertical pass : passes) {
                out.add(pass.result());
            }
            return out;
        }

        private void prepareHorizontal(boolean vertical) {
            h = Coefficients.of(lead.horizontal, work, kernels.tapGroup());
            if (vertical && h.weights != null) {
                int[][] distinct = h.distinct();
                columns = distinct[1];
                map = columns.length == lead.regionWidth ? null : distinct[0];
            } else {
                columns = new int[lead.regionWidth];
                Arrays.setAll(columns, i -> i);
            }
            ncols = columns.length;
            if (h.weights == null) {
                hWeights = new int[lead.limits.chunk];
                hSums = new int[lead.limits.blockRows * 3];
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
            if (kernels.packs() && end - start <= lead.limits.packedSpan && taps * 2 >= 5L * (end - start)) {
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
                    kernels.horizontal(src, rowOffset(y + r), rowOffset(y + r + 1), h, columns, dst,
                            slot(offset, stride, y, r), slot(offset, stride, y, r + 1));
                }
            }
            for (; r < n; r++) {
                if (redBlue == null) {
                    kernels.horizontal(src, rowOffset(y + r), -1, h, columns, dst, slot(offset, stride, y, r), -1);
                } else {
                    ResizeKernels.horizontalPacked(src, rowOffset(y + r), h, columns, redBlue, green, spanStart, dst,
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
                    kernels.clip(hSums, r * 3, 3, dst, slot(offset, stride, y, r) + d * 3);
                }
                work.multiplyAdds += (long) count * 3 * n;
            }
        }

        /** Where the vertical passes find source row {@code y}'s window columns. */
        int readOffset(int y) {
            return lead.horizontal == null ? (y * in.width() + lead.left) * 3 : (y % ringRows) * rowStride;
        }
    }

    /**
     * The vertical pass of one window over the rows its {@link Run} provides, emitting each output row as soon as
     * its taps are there: a dot product over the ring, or, for tall kernels, each filtered row added into the output
     * rows whose taps include it, so only those rows' sums are held (raw bounds keep those rows contiguous).
     */
    private static final class Vertical {
        private final Run run;
        private final Shape shape;
        private final Coefficients v;
        private final byte[] out;
        private final int outStride;
        private final int width;
        private final int[] sums;
        private final byte[] row;
        private final int[] offsets;
        private final int[] weights;
        /** Next output row (ring) or next source row (accumulating) to take. */
        private int next;
        private int slots;
        private int started;
        private int finished;

        Vertical(Run run, Shape shape) {
            this.run = run;
            this.shape = shape;
            this.v = Coefficients.of(shape.vertical, run.work, 1);
            this.outStride = shape.regionWidth * 3;
            this.out = new byte[shape.regionHeight * outStride];
            this.width = run.ncols * 3;
            this.row = run.map == null ? null : new byte[width];
            if (shape.accumulate) {
                Axis axis = shape.vertical;
                for (int i = 0, j = 0; i < shape.regionHeight; i++) {
                    while (axis.end(j) <= axis.start(i)) {
                        j++;
                    }
                    slots = Math.max(slots, i - j + 1);
                }
                sums = new int[slots * width];
                offsets = new int[1];
                weights = new int[1];
                next = shape.firstRow;
            } else {
                sums = new int[width];
                offsets = new int[v.weights != null ? v.ksize : shape.limits.chunk];
                weights = v.weights != null ? v.weights : new int[shape.limits.chunk];
            }
        }

        /** The lowest source row this pass still reads, or {@code Integer.MAX_VALUE} when it has all it needs. */
        int lowestNeeded() {
            if (shape.accumulate) {
                return next < shape.lastRow ? next : Integer.MAX_VALUE;
            }
            return next < shape.regionHeight ? v.bounds[next * 2] : Integer.MAX_VALUE;
        }

        /** Takes the rows produced so far. */
        void advance() {
            if (shape.accumulate) {
                for (; next < Math.min(run.produced, shape.lastRow); next++) {
                    accumulateRow(next);
                }
                return;
            }
            for (; next < shape.regionHeight; next++) {
                int ymin = v.bounds[next * 2];
                int count = v.bounds[next * 2 + 1];
                if (ymin + count > run.produced) {
                    return;
                }
                dot(next, ymin, count);
            }
        }

        private void dot(int i, int ymin, int count) {
            Arrays.fill(sums, HALF);
            if (v.weights != null) {
                for (int t = 0; t < count; t++) {
                    offsets[t] = run.readOffset(ymin + t);
                }
                run.kernels.accumulate(sums, 0, width, run.rows, offsets, weights, i * v.ksize, count);
            } else {
                for (int from = ymin; from < ymin + count; from += offsets.length) {
                    int len = Math.min(offsets.length, ymin + count - from);
                    v.evaluate(i, from, len, weights, run.work);
                    for (int t = 0; t < len; t++) {
                        offsets[t] = run.readOffset(from + t);
                    }
                    run.kernels.accumulate(sums, 0, width, run.rows, offsets, weights, 0, len);
                }
            }
            run.work.multiplyAdds += (long) count * width;
            emit(0, i);
        }

        private void accumulateRow(int y) {
            Axis axis = shape.vertical;
            while (started < shape.regionHeight && axis.start(started) <= y) {
                Arrays.fill(sums, (started % slots) * width, (started % slots + 1) * width, HALF);
                started++;
            }
            offsets[0] = run.readOffset(y);
            for (int i = finished; i < started; i++) {
                weights[0] = weightAt(i, y);
                if (weights[0] != 0) {
                    run.kernels.accumulate(sums, (i % slots) * width, width, run.rows, offsets, weights, 0, 1);
                    run.work.multiplyAdds += width;
                }
            }
            while (finished < started && axis.end(finished) <= y + 1) {
                emit((finished % slots) * width, finished);
                finished++;
            }
        }

        private int weightAt(int i, int y) {
            if (v.weights == null) {
                run.work.evaluations++;
                return v.evaluate(i, y);
            }
            int t = y - v.bounds[i * 2];
            return t >= 0 && t < v.bounds[i * 2 + 1] ? v.weights[i * v.ksize + t] : 0;
        }

        /** Clips output row {@code i}'s sums to 8 bits and writes them, repeating distinct columns where needed. */
        private void emit(int from, int i) {
            int o = i * outStride;
            if (run.map == null) {
                run.kernels.clip(sums, from, width, out, o);
                return;
            }
            run.kernels.clip(sums, from, width, row, 0);
            int[] map = run.map;
            for (int x = 0; x < map.length; x++, o += 3) {
                int d = map[x] * 3;
                out[o] = row[d];
                out[o + 1] = row[d + 1];
                out[o + 2] = row[d + 2];
            }
        }

        RgbImage result() {
            return new RgbImage(shape.regionWidth, shape.regionHeight, out);
        }
    }
}
