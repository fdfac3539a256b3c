package com.ffs.validator.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Decodes image bytes into 8-bit RGB the way Pillow's {@code convert("RGB")} sees them, with the pixel cap checked
 * from the header before any raster is allocated. Animated formats give their first frame.
 */
@ApplicationScoped
public class ImageDecoder {

    static {
        // Decoding happens in memory; ImageIO's disk cache would only add I/O.
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
    }

    private final long maxPixels;
    private final AlphaPolicy alpha;

    @Inject
    public ImageDecoder(ImageConfig config) {
        this(config.maxPixels(), config.alpha());
    }

    public ImageDecoder(long maxPixels, AlphaPolicy alpha) {
        this.maxPixels = maxPixels;
        this.alpha = alpha;
    }

    /**
     * Decodes {@code bytes}.
     *
     * @throws IntakeException {@code UNSUPPORTED_FORMAT}, {@code IMAGE_TOO_LARGE} or {@code DECODE_FAILED}
     */
    public RgbImage decode(byte[] bytes) {
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == ImageFormat.UNKNOWN) {
            throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT,
                    "not an image: " + ImageFormat.describeUnknown(bytes));
        }
        if (!format.decodable()) {
            throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT,
                    "detected " + format + ", which this service does not decode");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(format);
            try {
                reader.setInput(in, true, true);
                StringBuilder warnings = new StringBuilder();
                reader.addIIOReadWarningListener((source, warning) -> warnings.append(warning).append("; "));
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new IntakeException(IntakeError.IMAGE_TOO_LARGE, format + " of " + reader.getWidth(0) + "x"
                            + reader.getHeight(0) + " = " + pixels + " pixels exceeds the cap of " + maxPixels);
                }
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    // ImageIO fills the rest of a truncated image with grey and only warns; a partial image is no image.
                    throw new IntakeException(IntakeError.DECODE_FAILED, format + " is damaged: " + warnings);
                }
                return toRgb(image);
            } finally {
                reader.dispose();
            }
        } catch (IntakeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IntakeException(IntakeError.DECODE_FAILED, format + " could not be decoded: " + reason(e), e);
        }
    }

    private static ImageReader readerFor(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) {
            throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT, "no decoder for " + format + " is installed");
        }
        return readers.next();
    }

    private static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm instanceof IndexColorModel icm) {
            fromPalette(raster, icm, out);
        } else if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() != java.awt.color.ColorSpace.TYPE_CMYK
                && raster.getNumBands() <= 4) {
            fromComponents(raster, cm, out);
        } else {
            fromArgb(image, out);
        }
        return new RgbImage(w, h, out);
    }

    /** Gray, gray+alpha, RGB and RGBA rasters read sample by sample, so no colour-space conversion alters values. */
    private void fromComponents(Raster raster, ColorModel cm, byte[] out) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        boolean hasAlpha = cm.hasAlpha();
        int colorBands = hasAlpha ? bands - 1 : bands;
        boolean sixteenBit = raster.getTransferType() == DataBuffer.TYPE_USHORT;
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int s = x * bands;
                int r;
                int g;
                int b;
                if (colorBands == 1) {
                    // Pillow opens 16-bit grey as mode I and clips to 255 on conversion.
                    r = g = b = sixteenBit ? Math.min(row[s], 255) : row[s];
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
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = row[x];
                put(out, y * w + x, icm.getRed(i), icm.getGreen(i), icm.getBlue(i), icm.getAlpha(i));
            }
        }
    }

    private void fromArgb(BufferedImage image, byte[] out) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                put(out, y * w + x, (argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF, argb >>> 24);
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
            out[o] = (byte) overWhite(r, a);
            out[o + 1] = (byte) overWhite(g, a);
            out[o + 2] = (byte) overWhite(b, a);
        }
    }

    /** Pillow's {@code alpha_composite} of a pixel over opaque white, in its 7-bit fixed point. */
    static int overWhite(int c, int a) {
        if (a == 0) {
            return 255;
        }
        final int precision = 7;
        int coef1 = a << precision;
        int coef2 = (255 - a) << precision;
        int tmp = c * coef1 + 255 * coef2 + (0x80 << precision);
        return ((((tmp >> 8) + tmp) >> 8)) >> precision;
    }

    private static int eightBit(int sample, boolean sixteenBit) {
        return sixteenBit ? sample >> 8 : sample;
    }
}
