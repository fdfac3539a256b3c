package com.ffs.validator.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.configuration.MemorySize;

import org.w3c.dom.Node;

/**
 * Decodes image bytes into 8-bit RGB as Pillow sees them after {@code ImageOps.exif_transpose} and
 * {@code convert("RGB")} (or composited onto white, see {@link AlphaPolicy}). The format is sniffed from the bytes;
 * the pixel cap is checked from the header before any raster is allocated; animated formats give their first frame
 * as Pillow shows it. JPEG and WebP go through libjpeg-turbo and libwebp (Pillow's own decoders) when those
 * libraries are installed.
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

    private final long maxPixels;
    private final AlphaPolicy alpha;
    private final boolean exifOrientation;
    private final Optional<TurboJpeg> turbo;
    private final Optional<LibWebp> webp;
    private final RasterListener listener;
    private final RasterBudget budget;
    /** Whether large JPEGs decode at a reduced DCT scale ({@code validator.image.decode-scaling=fast}). */
    private final boolean draftJpegs;
    /** The hold of the decode running on this thread, which the raster's reservation goes to. */
    private final ThreadLocal<RasterBudget.Hold> decoding = new ThreadLocal<>();

    @Inject
    public ImageDecoder(ImageConfig config) {
        this(config.maxPixels(), config.alpha(), config.exifOrientation(), turbo(config.jpegDecoder()),
                LibWebp.instance(), RasterListener.NONE, RasterBudget.of(config.rasterMemory()
                        .map(MemorySize::asLongValue).orElse(Runtime.getRuntime().maxMemory() / 2)),
                config.decodeScaling() == ImageConfig.DecodeScaling.FAST);
    }

    /** A decoder with the given cap and alpha policy, applying EXIF orientation, libjpeg-turbo when installed. */
    public ImageDecoder(long maxPixels, AlphaPolicy alpha) {
        this(maxPixels, alpha, true, TurboJpeg.instance(), LibWebp.instance(), RasterListener.NONE);
    }

    ImageDecoder(long maxPixels, AlphaPolicy alpha, boolean exifOrientation, Optional<TurboJpeg> turbo,
            Optional<LibWebp> webp, RasterListener listener) {
        this(maxPixels, alpha, exifOrientation, turbo, webp, listener, RasterBudget.unlimited(), false);
    }

    ImageDecoder(long maxPixels, AlphaPolicy alpha, boolean exifOrientation, Optional<TurboJpeg> turbo,
            Optional<LibWebp> webp, RasterListener listener, RasterBudget budget) {
        this(maxPixels, alpha, exifOrientation, turbo, webp, listener, budget, false);
    }

    ImageDecoder(long maxPixels, AlphaPolicy alpha, boolean exifOrientation, Optional<TurboJpeg> turbo,
            Optional<LibWebp> webp, RasterListener listener, RasterBudget budget, boolean draftJpegs) {
        this.draftJpegs = draftJpegs;
        this.budget = budget;
        this.maxPixels = maxPixels;
        this.alpha = alpha;
        this.exifOrientation = exifOrientation;
        this.turbo = turbo;
        this.webp = webp;
        this.listener = listener;
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

    /**
     * Decodes {@code bytes} and keeps the raster's share of {@code validator.image.raster-memory} until the result is
     * closed: close it once the raster is no longer needed (after preprocessing). Waits while other images in flight
     * use the budget.
     *
     * @throws IntakeException {@code UNSUPPORTED_FORMAT}, {@code IMAGE_TOO_LARGE} or {@code DECODE_FAILED}
     */
    public Decoded decodeHeld(byte[] bytes) {
        return decodeHeld(bytes, 0);
    }

    /**
     * {@link #decodeHeld(byte[])} for an image the models use at {@code draftSide} pixels a side at most (0: at full
     * size): with {@code validator.image.decode-scaling=fast}, a JPEG at least twice that size is decoded at 1/2,
     * 1/4 or 1/8 of it, as Pillow after {@code draft("RGB", (draftSide, draftSide))}.
     */
    public Decoded decodeHeld(byte[] bytes, int draftSide) {
        RasterBudget.Hold hold = budget.hold();
        decoding.set(hold);
        try {
            return new Decoded(decodeInto(bytes, draftJpegs ? draftSide : 0), hold);
        } catch (RuntimeException | Error e) {
            hold.close();
            throw e;
        } finally {
            decoding.remove();
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

    private RgbImage decodeInto(byte[] bytes, int draftSide) {
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == ImageFormat.UNKNOWN) {
            throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT,
                    "not an image: " + ImageFormat.describeUnknown(bytes));
        }
        if (!format.decodable()) {
            throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT,
                    "detected " + format.displayName() + ", which this service does not decode");
        }
        RgbImage image;
        try {
            if (format == ImageFormat.JPEG && turbo.isPresent()) {
                image = decodeTurbo(turbo.get(), bytes, draftSide);
            } else if (format == ImageFormat.WEBP && webp.isPresent()) {
                image = decodeWebp(webp.get(), bytes);
            } else {
                image = decodeImageIo(format, bytes);
            }
        } catch (IntakeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IntakeException(IntakeError.DECODE_FAILED,
                    format.displayName() + " could not be decoded: " + reason(e), e);
        }
        if (exifOrientation) {
            image = ExifOrientation.apply(image, ExifOrientation.read(format, bytes));
        }
        return image;
    }

    private void checkCap(ImageFormat format, long width, long height) {
        if (width <= 0 || height <= 0) {
            throw new IntakeException(IntakeError.DECODE_FAILED,
                    format.displayName() + " declares an empty size " + width + "x" + height);
        }
        if (width * height > maxPixels) {
            throw new IntakeException(IntakeError.IMAGE_TOO_LARGE, format.displayName() + " of " + width + "x"
                    + height + " = " + width * height + " pixels exceeds the cap of " + maxPixels);
        }
        if (width * height * 4 > Integer.MAX_VALUE - 16) {
            // Whatever the configured cap, a Java array holds at most 2 GB (CMYK and RGBA need 4 bytes a pixel).
            throw new IntakeException(IntakeError.IMAGE_TOO_LARGE, format.displayName() + " of " + width + "x"
                    + height + " is larger than one raster can hold");
        }
        RasterBudget.Hold hold = decoding.get();
        if (hold != null) {
            hold.cover(format, width, height);
        }
        listener.allocating(format, width, height);
    }

    // ---------------------------------------------------------------------------------------------------------
    // JPEG through libjpeg-turbo

    private RgbImage decodeTurbo(TurboJpeg lib, byte[] bytes, int draftSide) {
        try (TurboJpeg.Session session = lib.open()) {
            TurboJpeg.Header header = session.header(bytes);
            checkCap(ImageFormat.JPEG, header.width(), header.height());
            int scale = TurboJpeg.draftScale(header.width(), header.height(), draftSide);
            int w = TurboJpeg.scaled(header.width(), scale);
            int h = TurboJpeg.scaled(header.height(), scale);
            if (header.colorspace() == TurboJpeg.CS_CMYK || header.colorspace() == TurboJpeg.CS_YCCK) {
                byte[] cmyk = new byte[w * h * 4];
                session.decode(header, scale, TurboJpeg.PF_CMYK, cmyk);
                return fromInvertedCmyk(w, h, cmyk);
            }
            // Grey JPEGs come out replicated, as Pillow's L -> RGB; the raster is the resize's layout, RGB rows.
            byte[] rgb = new byte[w * h * 3];
            session.decode(header, scale, TurboJpeg.PF_RGB, rgb);
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

    private RgbImage decodeWebp(LibWebp lib, byte[] bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = LibWebp.copy(arena, bytes);
            int[] size = lib.size(arena, data);
            checkCap(ImageFormat.WEBP, size[0], size[1]);
            byte[] rgba = lib.firstFrameRgba(arena, data, size[0], size[1]);
            byte[] out = new byte[size[0] * size[1] * 3];
            for (int i = 0, p = 0; i < rgba.length; i += 4, p++) {
                put(out, p, rgba[i] & 0xFF, rgba[i + 1] & 0xFF, rgba[i + 2] & 0xFF, rgba[i + 3] & 0xFF);
            }
            return new RgbImage(size[0], size[1], out);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Everything else through ImageIO (JDK: PNG, GIF, BMP, TIFF, JPEG; TwelveMonkeys: WebP, CMYK JPEG)

    private RgbImage decodeImageIo(ImageFormat format, byte[] bytes) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(format);
            try {
                reader.setInput(in, false, format != ImageFormat.GIF);
                StringBuilder warnings = new StringBuilder();
                reader.addIIOReadWarningListener((source, warning) -> warnings.append(warning).append("; "));
                if (format == ImageFormat.GIF) {
                    return decodeGif(reader, bytes, warnings);
                }
                if (format == ImageFormat.BMP) {
                    // The JDK's BMP reader refuses large sizes in its header parser already; read the header here.
                    checkBmp(bytes);
                } else {
                    checkCap(format, reader.getWidth(0), reader.getHeight(0));
                }
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    // ImageIO fills the rest of a truncated image with grey and only warns; a partial image is no image.
                    throw new IntakeException(IntakeError.DECODE_FAILED, format.displayName() + " is damaged: "
                            + warnings);
                }
                return toRgb(image, format == ImageFormat.PNG && isSixteenBitGrey(bytes));
            } finally {
                reader.dispose();
            }
        }
    }

    /** Size from the BMP info header, then the length an uncompressed bitmap needs: ImageIO grey-fills the rest. */
    private void checkBmp(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int headerSize = buf.getInt(14);
        long width;
        long height;
        int bitsPerPixel;
        int compression = 0;
        if (headerSize == 12) {
            width = buf.getShort(18) & 0xFFFF;
            height = buf.getShort(20) & 0xFFFF;
            bitsPerPixel = buf.getShort(24) & 0xFFFF;
        } else {
            if (b.length < 34) {
                throw new IntakeException(IntakeError.DECODE_FAILED, "BMP header is truncated");
            }
            width = buf.getInt(18);
            height = Math.abs((long) buf.getInt(22));
            bitsPerPixel = buf.getShort(28) & 0xFFFF;
            compression = buf.getInt(30);
        }
        checkCap(ImageFormat.BMP, width, height);
        boolean uncompressed = compression == 0 || compression == 3 || compression == 6;
        long dataOffset = buf.getInt(10) & 0xFFFFFFFFL;
        long needed = dataOffset + (width * bitsPerPixel + 31) / 32 * 4 * height;
        if (uncompressed && b.length < needed) {
            throw new IntakeException(IntakeError.DECODE_FAILED, "BMP is truncated: " + b.length + " of " + needed
                    + " bytes");
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

    /**
     * The first frame on the logical screen, as Pillow 9.4 shows it: the canvas starts filled with the transparent
     * index when there is one, else index 0, and the frame is drawn at its offset.
     */
    private RgbImage decodeGif(ImageReader reader, byte[] bytes, StringBuilder warnings) throws IOException {
        int screenW = (bytes[6] & 0xFF) | (bytes[7] & 0xFF) << 8;
        int screenH = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        int frameW = reader.getWidth(0);
        int frameH = reader.getHeight(0);
        int[] offset = gifFrameOffset(reader.getImageMetadata(0));
        long w = Math.max(screenW, (long) offset[0] + frameW);
        long h = Math.max(screenH, (long) offset[1] + frameH);
        checkCap(ImageFormat.GIF, w, h);
        BufferedImage frame = reader.read(0);
        if (!warnings.isEmpty()) {
            throw new IntakeException(IntakeError.DECODE_FAILED, "GIF is damaged: " + warnings);
        }
        if (offset[0] == 0 && offset[1] == 0 && w == frameW && h == frameH) {
            return toRgb(frame, false);
        }
        if (!(frame.getColorModel() instanceof IndexColorModel icm)) {
            return toRgb(frame, false);
        }
        int fill = icm.getTransparentPixel() >= 0 ? icm.getTransparentPixel() : 0;
        byte[] out = new byte[(int) (w * h * 3)];
        for (int i = 0; i < w * h; i++) {
            put(out, i, icm.getRed(fill), icm.getGreen(fill), icm.getBlue(fill), icm.getAlpha(fill));
        }
        RgbImage drawn = toRgb(frame, false);
        for (int y = 0; y < frameH; y++) {
            for (int x = 0; x < frameW; x++) {
                int o = ((y + offset[1]) * (int) w + x + offset[0]) * 3;
                int s = (y * frameW + x) * 3;
                System.arraycopy(drawn.pixels(), s, out, o, 3);
            }
        }
        return new RgbImage((int) w, (int) h, out);
    }

    private static int[] gifFrameOffset(IIOMetadata metadata) {
        if (metadata == null) {
            return new int[] {0, 0};
        }
        Node root = metadata.getAsTree("javax_imageio_gif_image_1.0");
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals("ImageDescriptor")) {
                Node left = n.getAttributes().getNamedItem("imageLeftPosition");
                Node top = n.getAttributes().getNamedItem("imageTopPosition");
                return new int[] {Integer.parseInt(left.getNodeValue()), Integer.parseInt(top.getNodeValue())};
            }
        }
        return new int[] {0, 0};
    }

    private static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    RgbImage toRgb(BufferedImage image, boolean sixteenBitGrey) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm instanceof IndexColorModel icm) {
            fromPalette(raster, icm, out);
        } else if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() != ColorSpace.TYPE_CMYK
                && raster.getNumBands() <= 4
                && (raster.getTransferType() == DataBuffer.TYPE_BYTE
                        || raster.getTransferType() == DataBuffer.TYPE_USHORT)) {
            fromComponents(raster, cm, sixteenBitGrey, out);
        } else {
            fromArgb(image, out);
        }
        return new RgbImage(w, h, out);
    }

    /**
     * Grey, grey+alpha, RGB and RGBA rasters read sample by sample, so no colour-space conversion alters values;
     * 16-bit samples keep their high byte as Pillow's {@code ;16B} unpackers do.
     */
    private void fromComponents(Raster raster, ColorModel cm, boolean sixteenBitGrey, byte[] out) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        boolean hasAlpha = cm.hasAlpha();
        int colorBands = hasAlpha ? bands - 1 : bands;
        boolean sixteenBit = raster.getTransferType() == DataBuffer.TYPE_USHORT;
        boolean clipGrey = sixteenBit && sixteenBitGrey && colorBands == 1 && !hasAlpha;
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int s = x * bands;
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
                put(out, y * w + x, r, g, b, a);
            }
        }
    }

    private void fromPalette(Raster raster, IndexColorModel icm, byte[] out) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int size = icm.getMapSize();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = row[x];
                if (i >= size) {
                    // An index past the palette reads as black in Pillow.
                    put(out, y * w + x, 0, 0, 0, 255);
                } else {
                    put(out, y * w + x, icm.getRed(i), icm.getGreen(i), icm.getBlue(i), icm.getAlpha(i));
                }
            }
        }
    }

    /** Other layouts (packed ints, BGR, premultiplied) through getRGB, which un-premultiplies where needed. */
    private void fromArgb(BufferedImage image, byte[] out) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] row = new int[w];
        boolean hasAlpha = image.getColorModel().hasAlpha();
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                put(out, y * w + x, (argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF, hasAlpha ? argb >>> 24 : 255);
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
