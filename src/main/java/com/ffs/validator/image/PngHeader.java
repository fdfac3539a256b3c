package com.ffs.validator.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * PNG's IHDR and chunk list, walked before the decoder sees the file. Every chunk must lie inside the data (the JDK's
 * reader allocates a chunk's declared length before reading it), and chunks that would be inflated for metadata
 * (zTXt, iTXt, iCCP) are taken out of the copy the decoder reads: text and ICC profiles never change Pillow's pixels
 * (it applies no colour management), and a few bytes of them can inflate to gigabytes. A grey or RGB image's colour
 * key (tRNS) is taken out too and applied after conversion, as Pillow applies it ({@link #colourKey}).
 */
final class PngHeader {

    private static final Set<String> DROPPED = Set.of("zTXt", "iTXt", "iCCP");

    private PngHeader() {
    }

    static ImageHeader read(byte[] bytes) {
        HeaderBytes b = new HeaderBytes(bytes, ImageFormat.PNG);
        if (!b.ascii(12, "IHDR") || b.u32be(8) != 13) {
            throw b.damaged("the first chunk is not a 13-byte IHDR");
        }
        long width = b.u32be(16);
        long height = b.u32be(20);
        int depth = b.u8(24);
        int colourType = b.u8(25);
        int interlace = b.u8(28);
        if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw b.damaged("its size " + width + "x" + height + " is out of range");
        }
        int channels = switch (colourType) {
            case 0 -> validDepth(b, depth, 1, 2, 4, 8, 16) ? 1 : 0;
            case 2 -> validDepth(b, depth, 8, 16) ? 3 : 0;
            case 3 -> validDepth(b, depth, 1, 2, 4, 8) ? 1 : 0;
            case 4 -> validDepth(b, depth, 8, 16) ? 2 : 0;
            case 6 -> validDepth(b, depth, 8, 16) ? 4 : 0;
            default -> throw b.damaged("colour type " + colourType + " does not exist");
        };
        if (interlace > 1) {
            throw b.damaged("interlace method " + interlace + " does not exist");
        }
        boolean keyed = colourType == 0 || colourType == 2;
        boolean drop = false;
        long p = 8;
        while (p < bytes.length) {
            long length = b.u32be(p);
            if (length > Integer.MAX_VALUE || !b.has(p + 8, length + 4)) {
                throw new IntakeException(IntakeError.DECODE_FAILED, "PNG is truncated: a chunk declares " + length
                        + " bytes but " + Math.max(0, bytes.length - p - 12) + " remain");
            }
            String type = new String(bytes, (int) p + 4, 4, StandardCharsets.ISO_8859_1);
            drop |= DROPPED.contains(type) || (keyed && type.equals("tRNS"));
            p += 12 + length;
            if (type.equals("IEND")) {
                break;
            }
        }
        // The decoder's raster: samples of `depth` bits, packed below 8 bits; while unfiltering, the current and prior
        // rows, a one-row raster and its copy.
        long rowBytes = Math.ceilDiv(HeaderBytes.times(width, channels, depth), 8);
        long raster = HeaderBytes.times(rowBytes, height);
        // For 8-bit RGB and RGBA the JDK's reader writes rows through an intermediate as large again in total.
        long interleaved = depth == 8 && (colourType == 2 || colourType == 6) ? raster : 0;
        long working = HeaderBytes.plus(raster, interleaved, HeaderBytes.times(4, rowBytes), 64 * 1024,
                drop ? bytes.length : 0);
        return new ImageHeader(ImageFormat.PNG, width, height, working, drop ? withoutDropped(bytes, keyed) : bytes);
    }

    /**
     * The colour key of a grey or RGB image as Pillow applies it, packed as {@code 0xRRGGBB}, or -1 for none. Pillow
     * keeps tRNS's 16-bit samples but compares them, cut to their low byte, with each pixel after its conversion to
     * 8-bit RGB ({@code convert_transparent}): a key matches the high bytes of 16-bit RGB pixels, the scaled values
     * of 1-, 2- and 4-bit grey and the clipped values of 16-bit grey. The last tRNS counts.
     */
    static int colourKey(byte[] bytes) {
        if (bytes.length < 26 || (bytes[25] != 0 && bytes[25] != 2)) {
            return -1;
        }
        boolean rgb = bytes[25] == 2;
        int key = -1;
        long p = 8;
        while (p + 12 <= bytes.length) {
            long length = ((bytes[(int) p] & 0xFFL) << 24) | (bytes[(int) p + 1] & 0xFF) << 16
                    | (bytes[(int) p + 2] & 0xFF) << 8 | (bytes[(int) p + 3] & 0xFF);
            int at = (int) p + 8;
            if (new String(bytes, (int) p + 4, 4, StandardCharsets.ISO_8859_1).equals("tRNS")
                    && length >= (rgb ? 6 : 2) && at + (rgb ? 6 : 2) <= bytes.length) {
                int r = bytes[at + 1] & 0xFF;
                key = rgb ? r << 16 | (bytes[at + 3] & 0xFF) << 8 | (bytes[at + 5] & 0xFF) : r << 16 | r << 8 | r;
            }
            if (new String(bytes, (int) p + 4, 4, StandardCharsets.ISO_8859_1).equals("IEND")) {
                break;
            }
            p += 12 + length;
        }
        return key;
    }

    private static boolean validDepth(HeaderBytes b, int depth, int... allowed) {
        for (int a : allowed) {
            if (a == depth) {
                return true;
            }
        }
        throw b.damaged("bit depth " + depth + " is not valid for its colour type");
    }

    /**
     * The file without the chunks in {@link #DROPPED}, nor tRNS when {@code keyed} (the walk proved every chunk lies
     * inside it).
     */
    private static byte[] withoutDropped(byte[] bytes, boolean keyed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        out.write(bytes, 0, 8);
        int p = 8;
        while (p + 12 <= bytes.length) {
            int length = (int) (((bytes[p] & 0xFFL) << 24) | (bytes[p + 1] & 0xFF) << 16 | (bytes[p + 2] & 0xFF) << 8
                    | (bytes[p + 3] & 0xFF));
            String type = new String(bytes, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (!DROPPED.contains(type) && !(keyed && type.equals("tRNS"))) {
                out.write(bytes, p, 12 + length);
            }
            p += 12 + length;
            if (type.equals("IEND")) {
                break;
            }
        }
        return out.toByteArray();
    }
}
