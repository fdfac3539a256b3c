package com.ffs.validator.image;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.Binarizer;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.NotFoundException;
import com.google.zxing.PlanarYUVLuminanceSource;
import com.google.zxing.Reader;
import com.google.zxing.ReaderException;
import com.google.zxing.Result;
import com.google.zxing.ResultPoint;
import com.google.zxing.ResultPointCallback;
import com.google.zxing.WriterException;
import com.google.zxing.aztec.AztecReader;
import com.google.zxing.common.BitArray;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.datamatrix.DataMatrixReader;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.detector.FinderPattern;

/**
 * Finds QR, Data Matrix and Aztec codes in an image with ZXing, on the {@link CheckCopy} (at most
 * {@value CheckCopy#SIDE} px on the longer side), within a time limit and a fixed amount of memory. Thread-safe:
 * each scan has its own readers.
 *
 * <p>
 * The copy is binarised once. QR codes are searched on the whole copy (their finder patterns are found at any
 * position, size and angle); each code found is blanked out and the search repeated, up to {@value #MAX_CODES}
 * codes. Where finder patterns were seen but no code decoded, up to {@value #MAX_ZOOMS} regions around them are read
 * again, at most {@value #ZOOM_SIDE} px a side: small codes (two pixels a module or less in the copy) at the photo's
 * own resolution (or twice the copy's, for a photo no larger than the copy); then, where that fails or the modules
 * were large and at least two finder patterns lie together, up to {@value #MAX_TURNS} of them turned by 45 degrees,
 * the angle ZXing's QR detector misses most. ZXing's Data Matrix and Aztec
 * detectors start from the centre of what they are given, so those are searched on the whole copy and then on a grid
 * of overlapping windows (half the copy's size, a quarter apart). Linear barcodes are never searched.
 *
 * <p>
 * Bounds, whatever the image: memory is the copy, its grey plane and ZXing's binariser, then one window or zoom
 * region at a time ({@link #workingBytes}); ZXing's own allocations follow what it is given. Time is checked before
 * every detector run and at every QR finder-pattern candidate: the scan ends at its limit, and a search that meets
 * more than {@value #MAX_FINDER_CANDIDATES} candidates (a hostile grid of finder look-alikes, whose triangle search
 * in ZXing is cubic in their number) ends the QR search at once. What can run past the limit is one detector run
 * on at most the copy, without that cubic search.
 */
public final class CodeScanner {

    /** Codes reported at most per image. */
    static final int MAX_CODES = 8;
    /**
     * QR finder-pattern candidates one search may see. Photos show a handful (three per code, a few look-alikes in
     * textures); beyond this many the QR search is abandoned.
     */
    static final int MAX_FINDER_CANDIDATES = 64;
    /** Windows per axis for the Data Matrix and Aztec search: each half the copy, a quarter apart. */
    static final int WINDOWS = 3;
    /** Regions around unexplained finder patterns read again. */
    static final int MAX_ZOOMS = 4;
    /** Of those, regions read turned by 45 degrees. */
    static final int MAX_TURNS = 2;
    /** Longest side of a zoom region, in pixels of the finer scale. */
    static final int ZOOM_SIDE = 768;
    /** Finder patterns of modules at least this large (in copy pixels) decode in the copy if they can at all. */
    private static final float ZOOM_MODULE = 3;
    /** A finder pattern's neighbours in the same code lie within this many modules of it. */
    private static final float CODE_MODULES = 40;

    private final long limitNanos;
    private final LongSupplier clock;

    /** A scanner that gives each image {@code timeLimit}. */
    public CodeScanner(Duration timeLimit) {
        this(timeLimit, System::nanoTime);
    }

    /** With {@code clock} in nanoseconds, for tests that decide when time runs out. */
    CodeScanner(Duration timeLimit, LongSupplier clock) {
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("the code scan's time limit must be positive, got " + timeLimit);
        }
        this.limitNanos = timeLimit.toNanos();
        this.clock = clock;
    }

    /**
     * Bytes a scan of a {@code width x height} image allocates at most beyond its {@link CheckCopy}, known before
     * decoding.
     */
    public static long workingBytes(int width, int height) {
        int[] size = CheckCopy.size(width, height);
        long pixels = (long) size[0] * size[1];
        long zoom = (long) ZOOM_SIDE * ZOOM_SIDE;
        // The copy's grey plane, the binariser's copy of it and block thresholds, the bit matrix and one window; or,
        // later, a zoom region in RGB and grey with the same; plus ZXing's per-detector scratch (sampled module grids
        // of at most 177 x 177, finder candidates).
        long copyScan = 2 * pixels + pixels / 8 + pixels / 16 + pixels / 32;
        long zoomScan = 6 * zoom + zoom / 8 + 2 * SampledResize.scratchBytes(ZOOM_SIDE, ZOOM_SIDE);
        return copyScan + zoomScan + (1 << 20);
    }

    /** What the warm-up's code says. */
    static final String WARM_UP_TEXT = "https://warm-up.invalid/";

    /**
     * Scans a code of its own once, so that the first callers' scans do not spend their time limit loading and
     * compiling the readers (a cold first scan can take longer than the limit). Run at start-up.
     */
    public CodeScan warmUp() {
        BitMatrix code;
        try {
            code = new QRCodeWriter().encode(WARM_UP_TEXT, BarcodeFormat.QR_CODE, 0, 0);
        } catch (WriterException e) {
            throw new IllegalStateException("the warm-up code cannot be written", e);
        }
        int module = 6;
        int side = (code.getWidth() + 8) * module;
        byte[] pixels = new byte[side * side * 3];
        Arrays.fill(pixels, (byte) 255);
        for (int y = 0; y < code.getHeight(); y++) {
            for (int x = 0; x < code.getWidth(); x++) {
                if (code.get(x, y)) {
                    for (int dy = 0; dy < module; dy++) {
                        int row = ((y + 4) * module + dy) * side;
                        Arrays.fill(pixels, (row + (x + 4) * module) * 3, (row + (x + 5) * module) * 3, (byte) 0);
                    }
                }
            }
        }
        return scan(new RgbImage(side, side, pixels));
    }

    /** The codes in {@code image}, a decoded raster. */
    public CodeScan scan(RgbImage image) {
        return scan(image, CheckCopy.of(image));
    }

    /** The codes in {@code image}, whose {@link CheckCopy} the caller made already: {@code copy}. */
    public CodeScan scan(RgbImage image, RgbImage copy) {
        Scan scan = new Scan(clock.getAsLong());
        BitMatrix bits;
        try {
            bits = binarize(copy);
        } catch (NotFoundException e) {
            // A picture too flat to binarise holds no code.
            return new CodeScan(List.of(), true);
        }
        scan.run(image, copy, bits);
        return new CodeScan(new ArrayList<>(scan.found.values()), !scan.timedOut && !scan.qrAbandoned);
    }

    /** {@code image} in Pillow's grey ({@code convert("L")}), black and white by ZXing's local thresholds. */
    static BitMatrix binarize(RgbImage image) throws NotFoundException {
        int w = image.width();
        int h = image.height();
        byte[] px = image.pixels();
        byte[] grey = new byte[w * h];
        for (int i = 0; i < grey.length; i++) {
            int r = px[3 * i] & 0xFF;
            int g = px[3 * i + 1] & 0xFF;
            int b = px[3 * i + 2] & 0xFF;
            grey[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
        }
        LuminanceSource source = new PlanarYUVLuminanceSource(grey, w, h, 0, 0, w, h, false);
        return new HybridBinarizer(source).getBlackMatrix();
    }

    /** Stops a detector from inside ZXing; thrown without a stack trace, caught in this class. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    /** One image's scan: the codes found so far, the clock, whether anything cut it short. */
    private final class Scan {
        private final long start;
        private final Map<String, ScannedCode> found = new LinkedHashMap<>();
        private final Map<CodeFormat, Reader> readers = new EnumMap<>(CodeFormat.class);
        private final Map<DecodeHintType, Object> qrHints = new EnumMap<>(DecodeHintType.class);
        /** Finder patterns the latest QR search saw. */
        private final List<FinderPattern> finders = new ArrayList<>();
        private boolean timedOut;
        private boolean qrAbandoned;
        private int candidates;

        Scan(long start) {
            this.start = start;
            readers.put(CodeFormat.QR_CODE, new QRCodeReader());
            readers.put(CodeFormat.DATA_MATRIX, new DataMatrixReader());
            readers.put(CodeFormat.AZTEC, new AztecReader());
            qrHints.put(DecodeHintType.TRY_HARDER, Boolean.TRUE);
            qrHints.put(DecodeHintType.NEED_RESULT_POINT_CALLBACK, (ResultPointCallback) point -> {
                if (++candidates > MAX_FINDER_CANDIDATES) {
                    qrAbandoned = true;
                    throw new Stop();
                }
                if (expired()) {
                    timedOut = true;
                    throw new Stop();
                }
                if (point instanceof FinderPattern finder) {
                    finders.add(finder);
                }
            });
        }

        boolean expired() {
            return clock.getAsLong() - start >= limitNanos;
        }

        void run(RgbImage image, RgbImage copy, BitMatrix bits) {
            // Each code found is blanked out and the search repeated; a search that finds nothing new ends it.
            for (int i = 0; i < MAX_CODES; i++) {
                int before = found.size();
                if (read(CodeFormat.QR_CODE, bits, 0, 0, bits) == null || found.size() == before) {
                    break;
                }
            }
            if (!qrAbandoned) {
                zoom(image, copy);
            }
            for (CodeFormat format : List.of(CodeFormat.DATA_MATRIX, CodeFormat.AZTEC)) {
                read(format, bits, 0, 0, bits);
            }
            int w = bits.getWidth();
            int h = bits.getHeight();
            int ww = Math.max(1, w / 2);
            int wh = Math.max(1, h / 2);
            for (int j = 0; j < WINDOWS; j++) {
                for (int i = 0; i < WINDOWS; i++) {
                    if (done()) {
                        return;
                    }
                    int left = (w - ww) * i / (WINDOWS - 1);
                    int top = (h - wh) * j / (WINDOWS - 1);
                    BitMatrix window = crop(bits, left, top, ww, wh);
                    for (CodeFormat format : List.of(CodeFormat.DATA_MATRIX, CodeFormat.AZTEC)) {
                        read(format, window, left, top, bits);
                    }
                }
            }
        }

        boolean done() {
            return timedOut || found.size() >= MAX_CODES;
        }

        /**
         * Reads the regions around finder patterns that no code explained again: at a finer scale where their modules
         * are small, then turned by 45 degrees, the angle where ZXing's QR detector fails most.
         */
        void zoom(RgbImage image, RgbImage copy) {
            // Pixels of the finer scale per pixel of the copy: the photo's own resolution, or twice the copy's.
            double scale = (double) image.width() / copy.width();
            boolean fromPhoto = scale >= 1.5;
            int turns = 0;
            for (Cluster cluster : clusters(finders)) {
                if (done()) {
                    return;
                }
                boolean small = cluster.module < ZOOM_MODULE;
                // Small modules are read from the photo (or the copy enlarged twice); others from the copy as it is.
                RgbImage source = small && fromPhoto ? image : copy;
                double perCopyPixel = small && fromPhoto ? scale : 1;
                double fine = small ? (fromPhoto ? scale : 2) : 1;
                int side = (int) Math.min(ZOOM_SIDE, Math.ceil(2 * cluster.half * fine));
                double sourceSide = 2 * cluster.half * perCopyPixel;
                double cx = cluster.cx * perCopyPixel;
                double cy = cluster.cy * perCopyPixel;
                int before = found.size();
                if (small) {
                    readRegion(SampledResize.turned(source, cx, cy, sourceSide, side, 0));
                }
                // A lone look-alike in a texture is common; a turned code shows two or three finder patterns.
                if (found.size() == before && cluster.members >= 2 && turns < MAX_TURNS) {
                    turns++;
                    readRegion(SampledResize.turned(source, cx, cy, sourceSide, side, 45));
                }
            }
        }

        private void readRegion(RgbImage region) {
            try {
                read(CodeFormat.QR_CODE, binarize(region), 0, 0, null);
            } catch (NotFoundException e) {
                // A flat region holds no code.
            }
        }

        /**
         * Runs one detector on {@code matrix} (a window at {@code left, top} of {@code whole}); a code found is added
         * and, where {@code whole} is given, blanked out of it. Returns null when nothing was found or the scan must
         * end.
         */
        Result read(CodeFormat format, BitMatrix matrix, int left, int top, BitMatrix whole) {
            if (done() || (format == CodeFormat.QR_CODE && qrAbandoned)) {
                return null;
            }
            if (expired()) {
                timedOut = true;
                return null;
            }
            candidates = 0;
            finders.clear();
            Result result;
            try {
                result = readers.get(format).decode(new BinaryBitmap(new Fixed(matrix)),
                        format == CodeFormat.QR_CODE ? qrHints : null);
            } catch (ReaderException | Stop e) {
                return null;
            }
            String text = result.getText();
            if (text == null) {
                return null;
            }
            found.putIfAbsent(format.name() + '\n' + text, new ScannedCode(format, text));
            if (whole != null) {
                blank(whole, result.getResultPoints(), left, top);
            }
            return result;
        }
    }

    /**
     * Finder patterns that could belong to one code, around ({@code cx}, {@code cy}) of the copy.
     *
     * @param half half the side of a square that holds any code they belong to
     * @param members how many finder patterns lie together
     */
    record Cluster(double cx, double cy, double half, float module, int members) {
    }

    /**
     * Finder patterns grouped by place and module size, those with more patterns first, at most
     * {@value #MAX_ZOOMS}.
     */
    static List<Cluster> clusters(List<FinderPattern> finders) {
        List<FinderPattern> left = new ArrayList<>(finders);
        left.sort((a, b) -> Integer.compare(b.getCount(), a.getCount()));
        List<Cluster> clusters = new ArrayList<>();
        while (!left.isEmpty()) {
            FinderPattern seed = left.getFirst();
            float module = seed.getEstimatedModuleSize();
            float minX = seed.getX();
            float maxX = minX;
            float minY = seed.getY();
            float maxY = minY;
            int members = 0;
            for (var it = left.iterator(); it.hasNext();) {
                FinderPattern f = it.next();
                float ratio = f.getEstimatedModuleSize() / module;
                if (ratio < 1 / 1.5f || ratio > 1.5f || Math.abs(f.getX() - seed.getX()) > CODE_MODULES * module
                        || Math.abs(f.getY() - seed.getY()) > CODE_MODULES * module) {
                    continue;
                }
                minX = Math.min(minX, f.getX());
                maxX = Math.max(maxX, f.getX());
                minY = Math.min(minY, f.getY());
                maxY = Math.max(maxY, f.getY());
                members++;
                it.remove();
            }
            // A code reaches at most about 30 modules beyond the finder patterns seen (one of a version 6 code).
            double half = Math.max(maxX - minX, maxY - minY) / 2.0 + 30 * module;
            clusters.add(new Cluster((minX + maxX) / 2.0, (minY + maxY) / 2.0, half, module, members));
        }
        clusters.sort((a, b) -> Integer.compare(b.members(), a.members()));
        return clusters.subList(0, Math.min(MAX_ZOOMS, clusters.size()));
    }

    /** Clears the bounding box of a code's points, widened by a quarter of its size, so the next search skips it. */
    static void blank(BitMatrix bits, ResultPoint[] points, int left, int top) {
        float minX = Float.MAX_VALUE;
        float minY = Float.MAX_VALUE;
        float maxX = -Float.MAX_VALUE;
        float maxY = -Float.MAX_VALUE;
        boolean any = false;
        for (ResultPoint p : points == null ? new ResultPoint[0] : points) {
            if (p != null) {
                minX = Math.min(minX, p.getX());
                minY = Math.min(minY, p.getY());
                maxX = Math.max(maxX, p.getX());
                maxY = Math.max(maxY, p.getY());
                any = true;
            }
        }
        if (!any) {
            return;
        }
        float margin = Math.max(maxX - minX, maxY - minY) / 4 + 2;
        int x0 = Math.max(0, (int) Math.floor(left + minX - margin));
        int y0 = Math.max(0, (int) Math.floor(top + minY - margin));
        int x1 = Math.min(bits.getWidth() - 1, (int) Math.ceil(left + maxX + margin));
        int y1 = Math.min(bits.getHeight() - 1, (int) Math.ceil(top + maxY + margin));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                bits.unset(x, y);
            }
        }
    }

    /** The window {@code [left, left + width) x [top, top + height)} of {@code bits}. */
    static BitMatrix crop(BitMatrix bits, int left, int top, int width, int height) {
        BitMatrix window = new BitMatrix(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (bits.get(left + x, top + y)) {
                    window.set(x, y);
                }
            }
        }
        return window;
    }

    /** Hands ZXing's readers a matrix already binarised. */
    private static final class Fixed extends Binarizer {
        private final BitMatrix matrix;

        Fixed(BitMatrix matrix) {
            super(new Blank(matrix.getWidth(), matrix.getHeight()));
            this.matrix = matrix;
        }

        @Override
        public BitArray getBlackRow(int y, BitArray row) {
            return matrix.getRow(y, row);
        }

        @Override
        public BitMatrix getBlackMatrix() {
            return matrix;
        }

        @Override
        public Binarizer createBinarizer(LuminanceSource source) {
            throw new UnsupportedOperationException("a fixed matrix cannot be binarised again");
        }
    }

    /** The size that {@link Binarizer} asks its source for; the 2D readers never read its pixels. */
    private static final class Blank extends LuminanceSource {
        Blank(int width, int height) {
            super(width, height);
        }

        @Override
        public byte[] getRow(int y, byte[] row) {
            throw new UnsupportedOperationException("the pixels were binarised already");
        }

        @Override
        public byte[] getMatrix() {
            throw new UnsupportedOperationException("the pixels were binarised already");
        }
    }
}
