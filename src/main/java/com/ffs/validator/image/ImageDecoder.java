package com.ffs.validator.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.ffs.validator.metrics.MetricNames;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.MemorySize;

/**
 * Decodes image bytes into 8-bit RGB as Pillow sees them after {@code ImageOps.exif_transpose} and
 * {@code convert("RGB")} (or composited onto white, see {@link AlphaPolicy}). The format is sniffed from the bytes;
 * the header is read first ({@link ImageHeader}) and everything the image will allocate, from the decoder's buffers to
 * the preprocessing, is checked against the pixel cap and reserved from the raster budget before any decoder runs;
 * animated formats give their first frame as Pillow shows it. JPEG, WebP and compressed TIFF go through libjpeg-turbo,
 * libwebp and libtiff (Pillow's own decoders) when those libraries are installed; GIF, BMP and uncompressed TIFF
 * through ports of Pillow's readers, into Pillow's modes ({@link ModeImage}) and its conversions. What Pillow decodes
 * is decoded, and what it refuses is refused: see {@code docs/image-compatibility.md}.
 */
@ApplicationScoped
public class ImageDecoder {

    static {
        // Decoding happens in memory; ImageIO's disk cache would only add I/O.
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
    }

    /** Told just before a raster of {@code width x height} is allocated; lets tests prove the cap comes first. */
    interface RasterListener {
        RasterListener NONE = (format, width, height) -> {
        };

        void allocating(ImageFormat format, long width, long height);
    }

    /** Told when a decoder warned about damage and the image was kept, as Pillow keeps it. */
    @FunctionalInterface
    public interface DecodeWarnings {
        DecodeWarnings NONE = format -> {
        };

        void tolerated(ImageFormat format);
    }

    /** Memory a later step needs for an image of a given size, known before decoding. */
    @FunctionalInterface
    public interface WorkingMemory {
        WorkingMemory NONE = (width, height) -> 0;

        long bytes(int width, int height);
    }

    /** Pixels converted per step: the conversion's buffers stay small however wide a row is. */
    private static final int SPAN = 4096;

    private final long maxPixels;
    private final AlphaPolicy alpha;
    private final boolean exifOrientation;
    private final Optional<TurboJpeg> turbo;
    private final Optional<LibWebp> webp;
    private final Optional<LibTiff> libtiff;
    /** Loaded with the decoder, so that a missing library is reported at start-up. */
    private final Optional<LittleCms> lcms = LittleCms.instance();
    private final RasterListener listener;
    private final RasterBudget budget;
    private final DecodeWarnings warnings;
    /** Whether large JPEGs decode at a reduced DCT scale ({@code validator.image.decode-scaling=fast}). */
    private final boolean draftJpegs;

    @Inject
    public ImageDecoder(ImageConfig config, MeterRegistry registry) {
        this(config.maxPixels(), config.alpha(), config.exifOrientation(), turbo(config.jpegDecoder()),
                LibWebp.instance(), LibTiff.instance(), RasterListener.NONE, RasterBudget.of(config.rasterMemory()
                        .map(MemorySize::asLongValue).orElse(Runtime.getRuntime().maxMemory() / 2)),
                format -> registry.counter(MetricNames.DECODE_WARNINGS, MetricNames.TAG_FORMAT,
                        format.name().toLowerCase(Locale.ROOT)).increment(),
                config.decodeScaling() == ImageConfig.DecodeScaling.FAST);
    }

    /** A decoder with the given cap and alpha policy, applying EXIF orientation, libjpeg-turbo when installed. */
    public ImageDecoder(long maxPixels, AlphaPolicy alpha) {
        this(maxPixels, alpha, true, TurboJpeg.instance(), LibWebp.instance(), RasterListener.NONE);
    }

    ImageDecoder(long maxPixels, AlphaPolicy alpha, boolean exifOrientation, Optional<TurboJpeg> turbo,
            Optional<LibWebp> webp, RasterListener listener) {
        this(maxPixels, alpha, exifOrientation, turbo, webp, listener, RasterBudget.unlimited());
    }

    ImageDecoder(long maxPixels, AlphaPolicy alpha, boolean exifOrientation, Optional<TurboJpeg> turbo,
            Optional<LibWebp> webp, RasterListener listener, RasterBudget budget) {
        this(maxPixels, alpha, exifOrientation, turbo, webp, listener, budget, false);
    }

    ImageDecoder(long maxPixels, AlphaPolicy alpha, boolean exifOrientation, Optional<TurboJpeg> turbo,
            Optional<LibWebp> webp, RasterListener listener, RasterBudget budget, boolean draftJpegs) {
        this(maxPixels, alpha, exifOrientation, turbo, webp, LibTiff.instance(), listener, budget, DecodeWarnings.NONE,
                draftJpegs);
    }

    ImageDecoder(long maxPixels, AlphaPolicy alpha, boolean exifOrientation, Optional<TurboJpeg> turbo,
            Optional<LibWebp> webp, Optional<LibTiff> libtiff, RasterListener listener, RasterBudget budget,
            DecodeWarnings warnings) {
        this(maxPixels, alpha, exifOrientation, turbo, webp, libtiff, listener, budget, warnings, false);
    }

    ImageDecoder(long maxPixels, AlphaPolicy alpha, boolean exifOrientation, Optional<TurboJpeg> turbo,
            Optional<LibWebp> webp, Optional<LibTiff> libtiff, RasterListener listener, RasterBudget budget,
            DecodeWarnings warnings, boolean draftJpegs) {
        this.draftJpegs = draftJpegs;
        this.budget = budget;
        this.maxPixels = maxPixels;
        this.alpha = alpha;
        this.exifOrientation = exifOrientation;
        this.turbo = turbo;
        this.webp = webp;
        this.libtiff = libtiff;
        this.listener = listener;
        this.warnings = warnings;
    }

    private static Optional<TurboJpeg> turbo(ImageConfig.JpegDecoder choice) {
        return switch (choice) {
            case AUTO -> TurboJpeg.instance();
            case IMAGEIO -> Optional.empty();
            case TURBOJPEG -> Optional.of(TurboJpeg.instance().orElseThrow(() -> new IllegalStateException(
                    "validator.image.jpeg-decoder=turbojpeg but libturbojpeg could not be loaded (install "
                            + "libturbojpeg0)")));
        };
    }

    /** Whether JPEG decoding goes through libjpeg-turbo. */
    public boolean usesTurboJpeg() {
        return turbo.isPresent();
    }

    /**
     * Decodes {@code bytes}.
     *
     * @throws IntakeException {@code UNSUPPORTED_FORMAT}, {@code IMAGE_TOO_LARGE} or {@code DECODE_FAILED}
     */
    public RgbImage decode(byte[] bytes) {
        try (Decoded decoded = decodeHeld(bytes)) {
            return decoded.image();
        }
    }

    /** Decodes {@code bytes}, charging the decode itself to the budget until the result is closed. */
    public Decoded decodeHeld(byte[] bytes) {
        return decodeHeld(bytes, WorkingMemory.NONE);
    }

    /**
     * Decodes {@code bytes} and keeps its share of {@code validator.image.raster-memory} until the result is closed:
     * close it once the raster is no longer needed (after preprocessing). Waits while other images in flight use the
     * budget.
     *
     * @param preprocessing the memory preprocessing will need for a {@code width x height} image, reserved with the
     *        decode so that the whole way from bytes to tensors is covered
     * @throws IntakeException {@code UNSUPPORTED_FORMAT}, {@code IMAGE_TOO_LARGE} or {@code DECODE_FAILED}
     */
    public Decoded decodeHeld(byte[] bytes, WorkingMemory preprocessing) {
        return decodeHeld(bytes, preprocessing, 0);
    }

    /** {@link #decodeHeld(byte[], WorkingMemory, int)} charging the decode alone. */
    public Decoded decodeHeld(byte[] bytes, int draftSide) {
        return decodeHeld(bytes, WorkingMemory.NONE, draftSide);
    }

    /**
     * {@link #decodeHeld(byte[], WorkingMemory)} for an image the models use at {@code draftSide} pixels a side at
     * most (0: at full size): with {@code validator.image.decode-scaling=fast}, a JPEG at least twice that size is
     * decoded at 1/2, 1/4 or 1/8 of it, as Pillow after {@code draft("RGB", (draftSide, draftSide))}.
     */
    public Decoded decodeHeld(byte[] bytes, WorkingMemory preprocessing, int draftSide) {
        RasterBudget.Hold hold = budget.hold();
        try {
            return new Decoded(decodeInto(bytes, hold, preprocessing, draftJpegs ? draftSide : 0), hold);
        } catch (RuntimeException | Error e) {
            hold.close();
            throw e;
        }
    }

    /** A decoded image and the memory reserved for it. */
    public static final class Decoded implements AutoCloseable {
        private final RgbImage image;
        private final RasterBudget.Hold hold;

        private Decoded(RgbImage image, RasterBudget.Hold hold) {
            this.image = image;
            this.hold = hold;
        }

        public RgbImage image() {
            return image;
        }

        /** Returns the raster's memory to the budget. */
        @Override
        public void close() {
            hold.close();
        }
    }

    private RgbImage decodeInto(byte[] bytes, RasterBudget.Hold hold, WorkingMemory preprocessing, int draftSide) {
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == ImageFormat.UNKNOWN) {
            throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT,
                    "not an image: " + ImageFormat.describeUnknown(bytes));
        }
        if (!format.decodable()) {
            throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT,
                    "detected " + format.displayName() + ", which this service does not decode");
        }
        // Everything this image will allocate is known from its header and reserved before a decoder runs.
        ImageHeader header = ImageHeader.read(format, bytes);
        checkCap(format, header.width(), header.height());
        if (header.defect() != null) {
            throw header.defect();
        }
        int orientation = exifOrientation ? ExifOrientation.read(format, bytes) : 1;
        int scale = format == ImageFormat.JPEG && turbo.isPresent() && draftSide > 0
                ? TurboJpeg.draftScale((int) header.width(), (int) header.height(), draftSide)
                : 1;
        hold.reserve(memoryNeeded(header, orientation, scale, preprocessing), format.displayName() + " of "
                + header.width() + "x" + header.height());
        listener.allocating(format, header.width(), header.height());
        RgbImage image;
        try {
            if (format == ImageFormat.JPEG && turbo.isPresent()) {
                image = decodeTurbo(turbo.get(), header, scale);
            } else if (format == ImageFormat.WEBP && webp.isPresent()) {
                image = decodeWebp(webp.get(), header);
            } else if (format == ImageFormat.GIF) {
                image = GifDecoder.decode(header.input()).toRgb(alpha, lcms);
            } else if (format == ImageFormat.BMP) {
                image = BmpDecoder.decode(header.input()).toRgb(alpha, lcms);
            } else if (format == ImageFormat.TIFF && (libtiff.isPresent() || isRawTiff(header))) {
                image = TiffDecoder.decode(header.input(), libtiff).toRgb(alpha, lcms);
            } else if (format == ImageFormat.TIFF && !imageIoReadsTiff(header)) {
                throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT, "TIFF with compression "
                        + TiffHeader.directory(header.input()).compression() + " needs libtiff, which is not "
                        + "installed");
            } else {
                image = decodeImageIo(header, format == ImageFormat.PNG ? PngHeader.colourKey(bytes) : -1);
            }
        } catch (IntakeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            Log.debugf(e, "%s could not be decoded", format.displayName());
            throw new IntakeException(IntakeError.DECODE_FAILED,
                    format.displayName() + " could not be decoded: " + reason(e), e);
        }
        return ExifOrientation.apply(image, orientation);
    }

    /**
     * The peak: the RGB result, plus the larger of the decoder's working memory (with a rotated copy when the
     * orientation asks for one) and the preprocessing's, which runs once the decoder's buffers are gone.
     */
    private long memoryNeeded(ImageHeader header, int orientation, int scale, WorkingMemory preprocessing) {
        // The raster the later steps see: scaled by a fast JPEG decode, turned by the orientation.
        int w = scale == 1 ? (int) header.width() : TurboJpeg.scaled((int) header.width(), scale);
        int h = scale == 1 ? (int) header.height() : TurboJpeg.scaled((int) header.height(), scale);
        if (orientation >= 5) {
            int t = w;
            w = h;
            h = t;
        }
        long rgb = HeaderBytes.times(w, h, 3);
        long working = header.workingBytes();
        if (header.format() == ImageFormat.JPEG && turbo.isEmpty()) {
            // ImageIO decodes into a raster of its own (four bytes a pixel for CMYK) before conversion.
            working = HeaderBytes.plus(working, HeaderBytes.times(header.pixels(), 4));
        }
        if (header.format() == ImageFormat.WEBP && webp.isEmpty()) {
            working = HeaderBytes.plus(working, HeaderBytes.times(header.pixels(), 8));
        }
        long rotated = orientation == 1 ? 0 : rgb;
        long after = preprocessing.bytes(w, h);
        return HeaderBytes.plus(rgb, Math.max(HeaderBytes.plus(working, rotated), after));
    }

    private static boolean isRawTiff(ImageHeader header) {
        return TiffHeader.directory(header.input()).compression() == TiffHeader.RAW;
    }

    /** Without libtiff, ImageIO takes the compressions the JDK's reader has. */
    private static boolean imageIoReadsTiff(ImageHeader header) {
        int c = TiffHeader.directory(header.input()).compression();
        return c == 2 || c == 3 || c == 4 || c == 5 || c == 7 || c == 8 || c == 32773 || c == 32946;
    }

    /** Pillow's pixel cap, and what one Java array holds (CMYK and RGBA take 4 bytes a pixel). */
    private void checkCap(ImageFormat format, long width, long height) {
        long pixels = HeaderBytes.times(width, height);
        if (pixels > maxPixels) {
            throw new IntakeException(IntakeError.IMAGE_TOO_LARGE, format.displayName() + " of " + width + "x"
                    + height + " = " + pixels + " pixels exceeds the cap of " + maxPixels);
        }
        if (HeaderBytes.times(pixels, 4) > Integer.MAX_VALUE - 16) {
            throw new IntakeException(IntakeError.IMAGE_TOO_LARGE, format.displayName() + " of " + width + "x"
                    + height + " is larger than one raster can hold");
        }
    }

    /** The decoder must see the image its header described; a disagreement means crafted or damaged data. */
    private static void checkSame(ImageHeader header, long width, long height) {
        if (width != header.width() || height != header.height()) {
            throw new IntakeException(IntakeError.DECODE_FAILED, header.format().displayName() + " is damaged: its "
                    + "header says " + header.width() + "x" + header.height() + " but its data " + width + "x"
                    + height);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // JPEG through libjpeg-turbo

    private RgbImage decodeTurbo(TurboJpeg lib, ImageHeader expected, int scale) {
        byte[] bytes = expected.input();
        try (TurboJpeg.Session session = lib.open()) {
            TurboJpeg.Header header = session.header(bytes);
            checkSame(expected, header.width(), header.height());
            int w = TurboJpeg.scaled(header.width(), scale);
            int h = TurboJpeg.scaled(header.height(), scale);
            if (header.colorspace() == TurboJpeg.CS_CMYK || header.colorspace() == TurboJpeg.CS_YCCK) {
                byte[] cmyk = new byte[w * h * 4];
                session.decode(header, scale, TurboJpeg.PF_CMYK, cmyk);
                if (session.warned()) {
                    warnings.tolerated(ImageFormat.JPEG);
                }
                return fromInvertedCmyk(w, h, cmyk);
            }
            // Grey JPEGs come out replicated, as Pillow's L -> RGB.
            byte[] rgb = new byte[w * h * 3];
            session.decode(header, scale, TurboJpeg.PF_RGB, rgb);
            if (session.warned()) {
                warnings.tolerated(ImageFormat.JPEG);
            }
            return new RgbImage(w, h, rgb);
        }
    }

    /** Pillow reads CMYK JPEGs as "CMYK;I" (Adobe's inverted convention) and converts with its own formula. */
    private static RgbImage fromInvertedCmyk(int w, int h, byte[] cmyk) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0, o = 0; i < cmyk.length; i += 4, o += 3) {
            int k = 255 - (cmyk[i + 3] & 0xFF);
            rgb[o] = (byte) PillowColour.cmykToRgb(255 - (cmyk[i] & 0xFF), k);
            rgb[o + 1] = (byte) PillowColour.cmykToRgb(255 - (cmyk[i + 1] & 0xFF), k);
            rgb[o + 2] = (byte) PillowColour.cmykToRgb(255 - (cmyk[i + 2] & 0xFF), k);
        }
        return new RgbImage(w, h, rgb);
    }

    // ---------------------------------------------------------------------------------------------------------
    // WebP through libwebp

    private RgbImage decodeWebp(LibWebp lib, ImageHeader header) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = LibWebp.copy(arena, header.input());
            int[] size = lib.size(arena, data);
            checkSame(header, size[0], size[1]);
            int w = size[0];
            int h = size[1];
            byte[] out = new byte[w * h * 3];
            byte[] row = new byte[w * 4];
            // Row by row out of native memory: no second full-size copy on the heap.
            lib.firstFrameRgba(arena, data, w, h, rgba -> {
                for (int y = 0; y < h; y++) {
                    MemorySegment.copy(rgba, ValueLayout.JAVA_BYTE, (long) y * row.length, row, 0, row.length);
                    for (int x = 0, i = 0; x < w; x++, i += 4) {
                        put(out, y * w + x, row[i] & 0xFF, row[i + 1] & 0xFF, row[i + 2] & 0xFF, row[i + 3] & 0xFF);
                    }
                }
            });
            return new RgbImage(w, h, out);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Everything else through ImageIO (JDK: PNG, GIF, BMP, TIFF, JPEG; TwelveMonkeys: WebP, CMYK JPEG)

    /** @param colourKey a PNG's colour key as Pillow applies it ({@link PngHeader#colourKey}), -1 for none */
    private RgbImage decodeImageIo(ImageHeader header, int colourKey) throws IOException {
        ImageFormat format = header.format();
        try (ImageInputStream in = new ByteArrayImageInputStream(header.input())) {
            ImageReader reader = readerFor(format);
            try {
                reader.setInput(in, false, true);
                StringBuilder warnings = new StringBuilder();
                reader.addIIOReadWarningListener((source, warning) -> warnings.append(warning).append("; "));
                checkSame(header, reader.getWidth(0), reader.getHeight(0));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    Log.debugf("%s decoder warnings: %s", format.displayName(), warnings);
                    if (format != ImageFormat.JPEG) {
                        // ImageIO fills the rest of a truncated image with grey and only warns; a partial image is no
                        // image.
                        throw new IntakeException(IntakeError.DECODE_FAILED, format.displayName() + " is damaged: "
                                + "the decoder could not read all of it");
                    }
                    // libjpeg's warnings, as Pillow tolerates them; data that runs out was refused from the header.
                    this.warnings.tolerated(format);
                }
                return toRgb(image, format == ImageFormat.PNG && isSixteenBitGrey(header.input()), colourKey);
            } finally {
                reader.dispose();
            }
        }
    }

    private static ImageReader readerFor(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) {
            throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT,
                    "no decoder for " + format.displayName() + " is installed");
        }
        return readers.next();
    }

    /** Pillow 9.4 opens 16-bit greyscale PNGs (colour type 0, depth 16) as mode I, which clips on conversion. */
    private static boolean isSixteenBitGrey(byte[] b) {
        return b.length > 25 && b[24] == 16 && b[25] == 0;
    }

    /** A decoder's complaint in words a caller may see: no type names, paths or library internals. */
    static String reason(Throwable e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("eof") || message.contains("end of") || message.contains("truncat")
                || message.contains("premature")) {
            return "the data ends before the image is complete";
        }
        if (message.contains("unsupported") || message.contains("not supported")) {
            return "it uses a variant the decoder does not support";
        }
        return "the data is damaged";
    }

    /**
     * @param colourKey {@code 0xRRGGBB}: pixels that convert to exactly this colour become transparent, as Pillow's
     *        {@code convert_transparent} makes them; -1 for none
     */
    RgbImage toRgb(BufferedImage image, boolean sixteenBitGrey, int colourKey) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm instanceof IndexColorModel icm) {
            fromPalette(raster, icm, out, colourKey);
        } else if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() != ColorSpace.TYPE_CMYK
                && raster.getNumBands() <= 4
                && (raster.getTransferType() == DataBuffer.TYPE_BYTE
                        || raster.getTransferType() == DataBuffer.TYPE_USHORT)) {
            fromComponents(raster, cm, sixteenBitGrey, colourKey, out);
        } else {
            fromArgb(image, out);
        }
        return new RgbImage(w, h, out);
    }

    /**
     * Grey, grey+alpha, RGB and RGBA rasters read sample by sample, so no colour-space conversion alters values;
     * 16-bit samples keep their high byte as Pillow's {@code ;16B} unpackers do.
     */
    private void fromComponents(Raster raster, ColorModel cm, boolean sixteenBitGrey, int colourKey, byte[] out) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        boolean hasAlpha = cm.hasAlpha();
        int colorBands = hasAlpha ? bands - 1 : bands;
        boolean sixteenBit = raster.getTransferType() == DataBuffer.TYPE_USHORT;
        boolean clipGrey = sixteenBit && sixteenBitGrey && colorBands == 1 && !hasAlpha;
        int[] row = new int[Math.min(w, SPAN) * bands];
        for (int y = 0; y < h; y++) {
            for (int x0 = 0; x0 < w; x0 += SPAN) {
                int n = Math.min(SPAN, w - x0);
                raster.getPixels(x0, y, n, 1, row);
                for (int i = 0; i < n; i++) {
                    int x = x0 + i;
                    int s = i * bands;
                    int r;
                    int g;
                    int b;
                    if (colorBands == 1) {
                        r = g = b = clipGrey ? PillowColour.clipI(row[s]) : eightBit(row[s], sixteenBit);
                    } else {
                        r = eightBit(row[s], sixteenBit);
                        g = eightBit(row[s + 1], sixteenBit);
                        b = eightBit(row[s + 2], sixteenBit);
                    }
                    int a = hasAlpha ? eightBit(row[s + colorBands], sixteenBit) : 255;
                    if (colourKey >= 0 && (r << 16 | g << 8 | b) == colourKey) {
                        a = 0;
                    }
                    put(out, y * w + x, r, g, b, a);
                }
            }
        }
    }

    private void fromPalette(Raster raster, IndexColorModel icm, byte[] out, int colourKey) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int size = icm.getMapSize();
        int[] row = new int[Math.min(w, SPAN)];
        for (int y = 0; y < h; y++) {
            for (int x0 = 0; x0 < w; x0 += SPAN) {
                int n = Math.min(SPAN, w - x0);
                raster.getSamples(x0, y, n, 1, 0, row);
                for (int x = 0; x < n; x++) {
                    int i = row[x];
                    if (i >= size) {
                        // An index past the palette takes Pillow's default entry, a grey level.
                        put(out, y * w + x0 + x, i, i, i, 255);
                    } else if (colourKey >= 0 && (icm.getRGB(i) & 0xFFFFFF) == colourKey) {
                        // Grey images of 1 to 4 bits come as an IndexColorModel; their key applies as to grey.
                        put(out, y * w + x0 + x, icm.getRed(i), icm.getGreen(i), icm.getBlue(i), 0);
                    } else {
                        put(out, y * w + x0 + x, icm.getRed(i), icm.getGreen(i), icm.getBlue(i), icm.getAlpha(i));
                    }
                }
            }
        }
    }

    /** Other layouts (packed ints, BGR, premultiplied) through getRGB, which un-premultiplies where needed. */
    private void fromArgb(BufferedImage image, byte[] out) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] row = new int[Math.min(w, SPAN)];
        boolean hasAlpha = image.getColorModel().hasAlpha();
        for (int y = 0; y < h; y++) {
            for (int x0 = 0; x0 < w; x0 += SPAN) {
                int n = Math.min(SPAN, w - x0);
                image.getRGB(x0, y, n, 1, row, 0, n);
                for (int x = 0; x < n; x++) {
                    int argb = row[x];
                    put(out, y * w + x0 + x, (argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF,
                            hasAlpha ? argb >>> 24 : 255);
                }
            }
        }
    }

    private void put(byte[] out, int pixel, int r, int g, int b, int a) {
        int o = pixel * 3;
        if (a == 255 || alpha == AlphaPolicy.DROP) {
            out[o] = (byte) r;
            out[o + 1] = (byte) g;
            out[o + 2] = (byte) b;
        } else {
            out[o] = (byte) PillowColour.overWhite(r, a);
            out[o + 1] = (byte) PillowColour.overWhite(g, a);
            out[o + 2] = (byte) PillowColour.overWhite(b, a);
        }
    }

    private static int eightBit(int sample, boolean sixteenBit) {
        return sixteenBit ? sample >> 8 : sample;
    }
}
