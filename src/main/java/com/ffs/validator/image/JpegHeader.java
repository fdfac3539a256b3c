package com.ffs.validator.image;

/**
 * JPEG's frame header (SOF) and first scan header (SOS). Besides the output, libjpeg keeps the whole image's DCT
 * coefficients in memory (two bytes each, for every block of every component) when the file has more than one scan:
 * every progressive file, and sequential files whose first scan does not hold all components.
 *
 * <p>
 * Stray bytes between segments are skipped as libjpeg and Pillow skip them (libjpeg warns "extraneous bytes
 * before marker"). Whether the data runs out is decided here, by Pillow's rule: Pillow feeds libjpeg the file and
 * fails when libjpeg asks for more than there is. A single-scan image needs its scan's data to end at a marker (any
 * marker; what follows may be cut); an image of several scans is read to its EOI marker before the first row comes
 * out, so every segment up to EOI must be there. Damage inside the data that libjpeg only warns about (a corrupt
 * Huffman code, a scan cut short by the next marker) decodes, as in Pillow.
 */
final class JpegHeader {

    /** Row buffers, tables and the decoder's own state, per pixel of width (generous). */
    private static final long PER_COLUMN = 256;

    private JpegHeader() {
    }

    static ImageHeader read(byte[] bytes) {
        HeaderBytes b = new HeaderBytes(bytes, ImageFormat.JPEG);
        long p = 2;
        int[] frame = null;
        boolean progressive = false;
        int[][] components = null;
        while (true) {
            if (b.u8(p) != 0xFF) {
                // Extraneous bytes before a marker: skipped, as libjpeg does after a warning.
                p++;
                continue;
            }
            int marker = b.u8(p + 1);
            if (marker == 0xFF) {
                // Fill bytes before a marker.
                p++;
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                p += 2;
                continue;
            }
            if (marker == 0xD9) {
                throw b.damaged("it ends before its first scan");
            }
            int length = b.u16be(p + 2);
            if (length < 2) {
                throw b.damaged("a segment declares " + length + " bytes");
            }
            if (isFrame(marker)) {
                if (frame != null) {
                    throw b.damaged("it has two frame headers");
                }
                if (marker == 0xC3 || marker == 0xC7 || marker == 0xCB || marker == 0xCF) {
                    throw b.unsupported("uses lossless coding (Pillow's libjpeg does not read it either)");
                }
                if (marker == 0xC5 || marker == 0xC6 || marker == 0xC7 || marker == 0xCD || marker == 0xCE) {
                    throw b.unsupported("uses hierarchical coding (Pillow's libjpeg does not read it either)");
                }
                int precision = b.u8(p + 4);
                if (precision != 8) {
                    throw b.unsupported("has " + precision + "-bit samples (Pillow reads 8-bit JPEG only)");
                }
                int height = b.u16be(p + 5);
                int width = b.u16be(p + 7);
                int count = b.u8(p + 9);
                if (count != 1 && count != 3 && count != 4) {
                    throw b.unsupported("has " + count + " colour components");
                }
                if (length < 8 + 3 * count) {
                    throw b.damaged("its frame header is too short");
                }
                components = new int[count][2];
                for (int i = 0; i < count; i++) {
                    int sampling = b.u8(p + 11 + 3L * i);
                    int h = sampling >> 4;
                    int v = sampling & 0xF;
                    if (h < 1 || h > 4 || v < 1 || v > 4) {
                        throw b.damaged("a component has sampling factors " + h + "x" + v);
                    }
                    components[i][0] = h;
                    components[i][1] = v;
                }
                if (height == 0) {
                    // The height would come from a DNL marker after the first scan; Pillow refuses such files too.
                    throw b.unsupported("leaves its height to a DNL marker");
                }
                frame = new int[] { width, height };
                progressive = marker == 0xC2 || marker == 0xCA;
            } else if (marker == 0xDA) {
                if (frame == null) {
                    throw b.damaged("a scan comes before the frame header");
                }
                int scanComponents = b.u8(p + 4);
                boolean buffered = progressive || scanComponents < components.length;
                ImageHeader header = header(bytes, frame[0], frame[1], components, buffered);
                long data = p + 2 + length;
                boolean complete = buffered ? reachesEndOfImage(bytes, data) : hasMarkerFrom(bytes, data);
                return complete ? header
                        : new ImageHeader(header.format(), header.width(), header.height(),
                                header.workingBytes(), header.input(), new IntakeException(IntakeError.DECODE_FAILED,
                                        "JPEG is truncated: the data ends before the image is complete"));
            }
            p += 2 + length;
        }
    }

    /**
     * Where the entropy-coded data starting at {@code from} ends: the index of the marker after it, or -1 when the
     * data runs to the end. Stuffed zeros, restart markers and fill bytes belong to the data.
     */
    static long entropyEnd(byte[] b, long from) {
        for (long i = Math.max(from, 0); i + 1 < b.length; i++) {
            if (b[(int) i] == (byte) 0xFF) {
                int next = b[(int) i + 1] & 0xFF;
                if (next != 0 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * Whether a marker follows {@code from}, which is whether the entropy-coded data starting there ends at one:
     * searched from the end of the file, where a complete file's EOI is found at once.
     */
    private static boolean hasMarkerFrom(byte[] b, long from) {
        for (int i = b.length - 2; i >= Math.max(from, 0); i--) {
            if (b[i] == (byte) 0xFF) {
                int next = b[i + 1] & 0xFF;
                if (next != 0 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether every segment and scan from {@code from} (just after a scan header) is there, up to EOI. */
    private static boolean reachesEndOfImage(byte[] b, long from) {
        long p = entropyEnd(b, from);
        while (p >= 0 && p < b.length) {
            if (b[(int) p] != (byte) 0xFF) {
                // Stray bytes (and stuffed zeros) before a marker are skipped, as libjpeg's next_marker does.
                p++;
                continue;
            }
            while (p < b.length && b[(int) p] == (byte) 0xFF) {
                p++;
            }
            if (p >= b.length) {
                return false;
            }
            int marker = b[(int) p++] & 0xFF;
            if (marker == 0xD9) {
                return true;
            }
            if (marker == 0 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                continue;
            }
            if (p + 2 > b.length) {
                return false;
            }
            long end = p + ((b[(int) p] & 0xFF) << 8 | (b[(int) p + 1] & 0xFF));
            if (end > b.length) {
                return false;
            }
            p = marker == 0xDA ? entropyEnd(b, end) : end;
        }
        return false;
    }

    private static boolean isFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static ImageHeader header(byte[] bytes, long width, long height, int[][] components, boolean buffered) {
        int maxH = 1;
        int maxV = 1;
        for (int[] c : components) {
            maxH = Math.max(maxH, c[0]);
            maxV = Math.max(maxV, c[1]);
        }
        long coefficients = 0;
        if (buffered) {
            for (int[] c : components) {
                long blocksWide = roundUp(Math.ceilDiv(Math.ceilDiv(width * c[0], maxH), 8), c[0]);
                long blocksHigh = roundUp(Math.ceilDiv(Math.ceilDiv(height * c[1], maxV), 8), c[1]);
                coefficients = HeaderBytes.plus(coefficients, HeaderBytes.times(blocksWide, blocksHigh, 64, 2));
            }
        }
        long pixels = HeaderBytes.times(width, height);
        // CMYK decodes into four bytes a pixel before conversion; a raster above the direct-decode size goes through
        // native memory first (TurboJpeg) and is copied.
        long decoded = HeaderBytes.times(pixels, components.length == 4 ? 4 : 0);
        long nativeCopy = HeaderBytes.times(pixels, components.length == 4 ? 4 : 3) > TurboJpeg.DIRECT_DECODE_MAX_BYTES
                ? HeaderBytes.times(pixels, 4)
                : 0;
        long working = HeaderBytes.plus(coefficients, decoded, nativeCopy, HeaderBytes.times(width, PER_COLUMN));
        return new ImageHeader(ImageFormat.JPEG, width, height, working, bytes);
    }

    private static long roundUp(long value, long multiple) {
        return Math.ceilDiv(value, multiple) * multiple;
    }
}
