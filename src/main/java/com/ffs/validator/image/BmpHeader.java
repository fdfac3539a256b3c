package com.ffs.validator.image;

/**
 * BMP's file and info headers, read as Pillow 9.4's {@code BmpImagePlugin} reads them: info headers of 12 (OS/2 1.x),
 * 40, 64 (OS/2 2.x), 108 and 124 bytes; 1, 4, 8, 16, 24 and 32 bits a pixel; uncompressed, RLE8, RLE4 and the bit
 * fields layouts Pillow knows. A palette that is exactly the grey ramp (black and white for two colours) makes an
 * {@code L} (or {@code 1}) image read with that mode's own raw mode, as Pillow does. What Pillow refuses is refused
 * with its reason: other header sizes, depths and compressions (JPEG and PNG data among them), other bit fields,
 * palettes of more than 256 entries. Uncompressed rows must all be there (Pillow's raw decoder stops at the end of
 * the data and reports the file truncated).
 */
final class BmpHeader {

    private static final int RAW = 0;
    private static final int RLE8 = 1;
    private static final int RLE4 = 2;
    private static final int BITFIELDS = 3;

    private BmpHeader() {
    }

    /**
     * How Pillow reads the pixels.
     *
     * @param width image width
     * @param height image height
     * @param mode the image mode
     * @param rawmode the unpacker's raw mode (RLE: the mode of the decoded indices, P or L)
     * @param palette where the palette lies in the file, -1 for none
     * @param paletteBytes its length in the file (short when the file ends inside it)
     * @param paletteRaw {@code BGRX} (four bytes an entry) or {@code BGR} (OS/2 1.x)
     * @param offset where the pixel data starts
     * @param stride bytes from one stored row to the next (uncompressed)
     * @param bottomUp whether the first stored row is the bottom one
     * @param compression 0 (raw or bit fields), 1 (RLE8) or 2 (RLE4)
     */
    record Layout(int width, int height, PillowMode mode, String rawmode, int palette, int paletteBytes,
            String paletteRaw, long offset, long stride, boolean bottomUp, int compression) {
    }

    static ImageHeader read(byte[] bytes) {
        HeaderBytes b = new HeaderBytes(bytes, ImageFormat.BMP);
        Layout l = layout(b);
        long image = ModeImage.bytes(l.mode(), l.width(), l.height());
        IntakeException defect = null;
        if (l.compression() == RAW && l.width() > 0 && l.height() > 0) {
            PillowUnpack.Found unpacker = PillowUnpack.find(l.mode(), l.rawmode());
            long rowBytes = Math.ceilDiv(HeaderBytes.times(l.width(), unpacker.bits()), 8);
            if (rowBytes > l.stride()) {
                throw b.unsupported("stores " + l.mode().pillowName() + " pixels in rows narrower than Pillow reads "
                        + "them (a grey palette on packed pixels; Pillow refuses it too)");
            }
            long needed = HeaderBytes.plus(l.offset(), HeaderBytes.times(l.height() - 1, l.stride()), rowBytes);
            if (needed > bytes.length) {
                defect = new IntakeException(IntakeError.DECODE_FAILED, "BMP is truncated: " + bytes.length + " of "
                        + needed + " bytes");
            }
        }
        long working = HeaderBytes.plus(image, 64 * 1024);
        return new ImageHeader(ImageFormat.BMP, l.width(), l.height(), working, bytes, defect);
    }

    static Layout layout(HeaderBytes b) {
        long offset = b.u32le(10);
        long headerSize = b.u32le(14);
        if (headerSize != 12 && headerSize != 40 && headerSize != 64 && headerSize != 108 && headerSize != 124) {
            throw b.unsupported("has an info header of " + headerSize + " bytes (Pillow reads 12, 40, 64, 108 and "
                    + "124)");
        }
        if (!b.has(18, headerSize - 4)) {
            throw b.truncated();
        }
        long width;
        long height;
        int bits;
        long compression = RAW;
        long colors = 0;
        int entry;
        long afterHeader = 14 + headerSize;
        long[] masks = null;
        boolean bottomUp = true;
        if (headerSize == 12) {
            width = b.u16le(18);
            height = b.u16le(20);
            bits = b.u16le(24);
            entry = 3;
        } else {
            boolean topDown = b.u8(25) == 0xFF;
            bottomUp = !topDown;
            width = b.u32le(18);
            height = topDown ? (1L << 32) - b.u32le(22) : b.u32le(22);
            bits = b.u16le(28);
            compression = b.u32le(30);
            colors = b.u32le(46);
            entry = 4;
            if (compression == BITFIELDS) {
                if (headerSize >= 56) {
                    masks = new long[] { b.u32le(54), b.u32le(58), b.u32le(62), b.u32le(66) };
                } else {
                    masks = new long[] { b.u32le(afterHeader), b.u32le(afterHeader + 4), b.u32le(afterHeader + 8), 0 };
                    afterHeader += 12;
                }
            }
        }
        if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new IntakeException(IntakeError.IMAGE_TOO_LARGE, "BMP declares " + width + "x" + height);
        }
        if (colors == 0) {
            colors = bits < 63 ? 1L << bits : Long.MAX_VALUE;
        }
        if (offset == 14 + headerSize && bits <= 8) {
            offset += 4 * colors;
        }
        if (compression == 4 || compression == 5) {
            // Pillow refuses these for their depth (0) or compression; the message says what they hold.
            throw b.unsupported("holds " + (compression == 4 ? "JPEG" : "PNG") + " data (compression " + compression
                    + "; Pillow refuses it too)");
        }
        PillowMode mode;
        String rawmode;
        switch (bits) {
            case 1 -> {
                mode = PillowMode.P;
                rawmode = "P;1";
            }
            case 4 -> {
                mode = PillowMode.P;
                rawmode = "P;4";
            }
            case 8 -> {
                mode = PillowMode.P;
                rawmode = "P";
            }
            case 16 -> {
                mode = PillowMode.RGB;
                rawmode = "BGR;15";
            }
            case 24 -> {
                mode = PillowMode.RGB;
                rawmode = "BGR";
            }
            case 32 -> {
                mode = PillowMode.RGB;
                rawmode = "BGRX";
            }
            default -> throw b.unsupported("has " + bits + " bits a pixel (Pillow reads 1, 4, 8, 16, 24 and 32)");
        }
        if (compression == BITFIELDS) {
            rawmode = bitfields(b, bits, masks);
            if (rawmode.contains("A")) {
                mode = PillowMode.RGBA;
            }
        } else if (compression != RAW && compression != RLE8 && compression != RLE4) {
            throw b.unsupported("uses compression " + compression + " (Pillow refuses it too)");
        }
        int palette = -1;
        int paletteBytes = 0;
        if (mode == PillowMode.P) {
            if (colors <= 0 || colors > 65536) {
                throw b.unsupported("declares a palette of " + colors + " colours (Pillow refuses it too)");
            }
            palette = (int) afterHeader;
            paletteBytes = (int) Math.min(entry * colors, Math.max(0, b.length() - afterHeader));
            if (isGreyRamp(b.array(), palette, paletteBytes, entry, (int) colors)) {
                mode = colors == 2 ? PillowMode.BILEVEL : PillowMode.L;
                rawmode = colors == 2 ? "1" : "L";
                palette = -1;
            } else if (paletteBytes / entry > 256) {
                throw b.unsupported("has a palette of " + colors + " colours (Pillow reads at most 256)");
            }
            afterHeader += paletteBytes;
        }
        if (offset == 0) {
            offset = afterHeader;
        }
        long stride = ((width * bits + 31) >> 3) & ~3L;
        int rle = compression == RLE8 || compression == RLE4 ? (int) compression : RAW;
        if (rle != RAW) {
            if (mode != PillowMode.P && mode != PillowMode.L) {
                throw b.unsupported("run-length codes " + mode.pillowName() + " pixels (Pillow refuses it too)");
            }
            rawmode = mode == PillowMode.L ? "L" : "P";
        }
        return new Layout((int) width, (int) height, mode, rawmode, palette, paletteBytes, entry == 4 ? "BGRX" : "BGR",
                offset, stride, bottomUp, rle);
    }

    /** Pillow's table of the bit field layouts it reads. */
    private static String bitfields(HeaderBytes b, int bits, long[] m) {
        if (bits == 32) {
            if (m[0] == 0xFF0000 && m[1] == 0xFF00 && m[2] == 0xFF && m[3] == 0) {
                return "BGRX";
            }
            if (m[0] == 0xFF000000L && m[1] == 0xFF0000 && m[2] == 0xFF00 && m[3] == 0) {
                return "XBGR";
            }
            if (m[0] == 0xFF000000L && m[1] == 0xFF0000 && m[2] == 0xFF00 && m[3] == 0xFF) {
                return "ABGR";
            }
            if (m[0] == 0xFF && m[1] == 0xFF00 && m[2] == 0xFF0000 && m[3] == 0xFF000000L) {
                return "RGBA";
            }
            if ((m[0] == 0xFF0000 && m[1] == 0xFF00 && m[2] == 0xFF && m[3] == 0xFF000000L)
                    || (m[0] == 0 && m[1] == 0 && m[2] == 0 && m[3] == 0)) {
                return "BGRA";
            }
        } else if (bits == 24 && m[0] == 0xFF0000 && m[1] == 0xFF00 && m[2] == 0xFF) {
            return "BGR";
        } else if (bits == 16 && m[0] == 0xF800 && m[1] == 0x7E0 && m[2] == 0x1F) {
            return "BGR;16";
        } else if (bits == 16 && m[0] == 0x7C00 && m[1] == 0x3E0 && m[2] == 0x1F) {
            return "BGR;15";
        }
        throw b.unsupported("uses a bit fields layout Pillow does not read");
    }

    /** Pillow's test for a palette to ignore: entry i is (i, i, i), or black and white for two colours. */
    private static boolean isGreyRamp(byte[] b, int at, int length, int entry, int colors) {
        for (int i = 0; i < colors; i++) {
            int v = colors == 2 ? i * 255 : i & 0xFF;
            int o = at + i * entry;
            if (i * entry + 3 > length || (b[o] & 0xFF) != v || (b[o + 1] & 0xFF) != v || (b[o + 2] & 0xFF) != v) {
                return false;
            }
        }
        return true;
    }
}
