package com.ffs.validator.image;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * An image in one of Pillow's modes, laid out as Pillow lays it out, with its palette and transparency: what the
 * Pillow-mirroring decoders (GIF, BMP, TIFF) produce, and its conversion to RGB as Pillow's {@code convert("RGB")}
 * (alpha dropped) or {@code convert("RGBA")} composited onto white ({@link AlphaPolicy}).
 */
final class ModeImage {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class,
            ByteOrder.LITTLE_ENDIAN);
    /** Pixels converted per step: the conversion's buffers stay small however wide a row is. */
    private static final int SPAN = 4096;

    final PillowMode mode;
    final int width;
    final int height;
    final byte[] data;
    /** Pillow's palette: 256 RGBA entries, a grey ramp where the file gives none. */
    private byte[] palette;
    /** {@code info["transparency"]}: a palette index, a grey key, or an RGB key ({@code 0xRRGGBB}); -1 for none. */
    private int transparency = -1;

    private ModeImage(PillowMode mode, int width, int height, byte[] data) {
        this.mode = mode;
        this.width = width;
        this.height = height;
        this.data = data;
    }

    /** A zero-filled image, as Pillow's {@code Image.core.new}. */
    static ModeImage allocate(PillowMode mode, int width, int height) {
        return new ModeImage(mode, width, height, new byte[Math.multiplyExact(Math.multiplyExact(width, height),
                mode.pixelSize())]);
    }

    /** Bytes an image of this mode and size takes (its data), for reservations. */
    static long bytes(PillowMode mode, long width, long height) {
        return HeaderBytes.times(width, height, mode.pixelSize());
    }

    /** Bytes of one row. */
    int rowBytes() {
        return width * mode.pixelSize();
    }

    /**
     * Pillow's {@code putpalette(rawmode, data)}: as many entries as the data holds (more than 256 is Pillow's
     * "invalid palette size"), the rest keeping the grey ramp.
     *
     * @param rawmode {@code RGB}, {@code BGR}, {@code BGRX} or {@code RGB;L} (all reds, then greens, then blues)
     */
    void putPalette(String rawmode, byte[] src, int offset, int length) {
        int entrySize = rawmode.equals("BGRX") ? 4 : 3;
        int entries = length / entrySize;
        if (entries > 256) {
            throw new IntakeException(IntakeError.DECODE_FAILED, "the image's palette has " + entries
                    + " entries (Pillow reads at most 256)");
        }
        byte[] p = new byte[1024];
        for (int i = 0; i < 256; i++) {
            p[i * 4] = (byte) i;
            p[i * 4 + 1] = (byte) i;
            p[i * 4 + 2] = (byte) i;
            p[i * 4 + 3] = (byte) 255;
        }
        for (int i = 0; i < entries; i++) {
            int o = offset + i * entrySize;
            switch (rawmode) {
                case "RGB" -> {
                    p[i * 4] = src[o];
                    p[i * 4 + 1] = src[o + 1];
                    p[i * 4 + 2] = src[o + 2];
                }
                case "BGR", "BGRX" -> {
                    p[i * 4] = src[o + 2];
                    p[i * 4 + 1] = src[o + 1];
                    p[i * 4 + 2] = src[o];
                }
                case "RGB;L" -> {
                    p[i * 4] = src[offset + i];
                    p[i * 4 + 1] = src[offset + entries + i];
                    p[i * 4 + 2] = src[offset + 2 * entries + i];
                }
                default -> throw new IllegalArgumentException("palette raw mode " + rawmode);
            }
        }
        this.palette = p;
    }

    /** Sets {@code info["transparency"]}: a palette index (P), a grey value (1, L, I) or 0xRRGGBB (RGB). */
    void transparency(int value) {
        this.transparency = value;
    }

    /**
     * The image as 8-bit RGB: {@code convert("RGB")} with {@link AlphaPolicy#DROP}; with {@link AlphaPolicy#WHITE},
     * {@code convert("RGBA")} (which turns a palette index or colour key into alpha 0) composited onto white.
     *
     * @param lcms for LAB images, Pillow's conversion through LittleCMS
     */
    RgbImage toRgb(AlphaPolicy policy, Optional<LittleCms> lcms) {
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        boolean white = policy == AlphaPolicy.WHITE;
        byte[] pal = palette;
        if (pal == null && (mode == PillowMode.P || mode == PillowMode.PA)) {
            putPalette("RGB", new byte[0], 0, 0);
            pal = palette;
        }
        if (white && mode == PillowMode.P && transparency >= 0 && transparency < 256) {
            pal = pal.clone();
            pal[transparency * 4 + 3] = 0;
        }
        // convert_transparent compares the converted pixel with the key cut to 8 bits a channel.
        int key = -1;
        if (white && transparency >= 0) {
            int grey = transparency & 0xFF;
            if (mode == PillowMode.BILEVEL || mode == PillowMode.L || mode == PillowMode.I) {
                key = grey << 16 | grey << 8 | grey;
            } else if (mode == PillowMode.RGB) {
                key = transparency & 0xFFFFFF;
            }
        }
        if (mode == PillowMode.LAB) {
            labToRgb(lcms.orElseThrow(() -> new IntakeException(IntakeError.UNSUPPORTED_FORMAT, "the image is "
                    + "CIELab, which needs LittleCMS (liblcms2) to convert as Pillow does; it is not installed")),
                    white, out);
            return new RgbImage(width, height, out);
        }
        int n = width * height;
        int ps = mode.pixelSize();
        for (int i = 0, o = 0; i < n; i++, o += ps) {
            int r;
            int g;
            int b;
            int a = 255;
            switch (mode) {
                case BILEVEL -> r = g = b = data[o] != 0 ? 255 : 0;
                case L -> r = g = b = data[o] & 0xFF;
                case LA -> {
                    r = g = b = data[o] & 0xFF;
                    a = data[o + 3] & 0xFF;
                }
                case P, PA -> {
                    int e = (data[o] & 0xFF) * 4;
                    r = pal[e] & 0xFF;
                    g = pal[e + 1] & 0xFF;
                    b = pal[e + 2] & 0xFF;
                    a = mode == PillowMode.PA ? data[o + 3] & 0xFF : pal[e + 3] & 0xFF;
                }
                case I16 -> r = g = b = data[o + 1] != 0 ? 255 : data[o] & 0xFF;
                case I16B -> r = g = b = data[o] != 0 ? 255 : data[o + 1] & 0xFF;
                case I -> r = g = b = clip((int) INT.get(data, o));
                case F -> r = g = b = floatToL((float) FLOAT.get(data, o));
                case RGB, RGBX -> {
                    r = data[o] & 0xFF;
                    g = data[o + 1] & 0xFF;
                    b = data[o + 2] & 0xFF;
                }
                case RGBA -> {
                    r = data[o] & 0xFF;
                    g = data[o + 1] & 0xFF;
                    b = data[o + 2] & 0xFF;
                    a = data[o + 3] & 0xFF;
                }
                case CMYK -> {
                    int k = data[o + 3] & 0xFF;
                    r = PillowColour.cmykToRgb(data[o] & 0xFF, k);
                    g = PillowColour.cmykToRgb(data[o + 1] & 0xFF, k);
                    b = PillowColour.cmykToRgb(data[o + 2] & 0xFF, k);
                }
                default -> throw new IllegalStateException("mode " + mode);
            }
            if (key >= 0 && (r << 16 | g << 8 | b) == key) {
                a = 0;
            }
            int d = i * 3;
            if (!white || a == 255) {
                out[d] = (byte) r;
                out[d + 1] = (byte) g;
                out[d + 2] = (byte) b;
            } else {
                out[d] = (byte) PillowColour.overWhite(r, a);
                out[d + 1] = (byte) PillowColour.overWhite(g, a);
                out[d + 2] = (byte) PillowColour.overWhite(b, a);
            }
        }
        return new RgbImage(width, height, out);
    }

    /**
     * Pillow's {@code LAB -> RGB}: LittleCMS from its built-in D50 Lab profile to sRGB, a span at a time. Its
     * {@code LAB -> RGBA} takes alpha from the LAB pixel's fourth byte (255 as Pillow unpacks LAB, 0 where only
     * the three bands were written, as for planar files).
     */
    private void labToRgb(LittleCms lcms, boolean white, byte[] out) {
        int n = width * height;
        byte[] rgba = new byte[Math.min(n, SPAN) * 4];
        try (LittleCms.LabToSrgb transform = lcms.labToSrgb(Math.min(n, SPAN))) {
            for (int start = 0; start < n; start += SPAN) {
                int count = Math.min(SPAN, n - start);
                transform.apply(data, start * 4, rgba, count);
                for (int i = 0; i < count; i++) {
                    int a = white ? data[(start + i) * 4 + 3] & 0xFF : 255;
                    for (int c = 0; c < 3; c++) {
                        int v = rgba[i * 4 + c] & 0xFF;
                        out[(start + i) * 3 + c] = (byte) (a == 255 ? v : PillowColour.overWhite(v, a));
                    }
                }
            }
        }
    }

    /** Pillow's {@code i2rgb}: values clip to 0..255. */
    private static int clip(int v) {
        return v <= 0 ? 0 : Math.min(v, 255);
    }

    /** Pillow's {@code f2l}: clipped, truncated toward zero (NaN becomes 0, as the C cast gives on x86). */
    private static int floatToL(float v) {
        if (v <= 0f) {
            return 0;
        }
        if (v >= 255f) {
            return 255;
        }
        return (int) v & 0xFF;
    }
}
