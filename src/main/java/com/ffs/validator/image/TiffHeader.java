package com.ffs.validator.image;

import java.util.HashMap;
import java.util.Map;

/**
 * The first image file directory of a TIFF: size, samples, bit depth, compression, strips or tiles. Every directory
 * entry and every strip or tile must lie inside the data (the JDK's reader sizes arrays and buffers from them before
 * reading), and layouts that Pillow does not read as an 8-bit mode, or that cannot be bounded, are refused: more than
 * four samples a pixel, more than 16 bits a sample, floating-point samples, compressions the decoder lacks.
 */
final class TiffHeader {

    private static final int WIDTH = 256;
    private static final int LENGTH = 257;
    private static final int BITS_PER_SAMPLE = 258;
    private static final int COMPRESSION = 259;
    private static final int STRIP_OFFSETS = 273;
    private static final int SAMPLES_PER_PIXEL = 277;
    private static final int STRIP_BYTE_COUNTS = 279;
    private static final int TILE_WIDTH = 322;
    private static final int TILE_LENGTH = 323;
    private static final int TILE_OFFSETS = 324;
    private static final int TILE_BYTE_COUNTS = 325;
    private static final int SAMPLE_FORMAT = 339;
    private static final int MAX_ENTRIES = 4096;

    private TiffHeader() {
    }

    /** One directory entry: its type, count and where its values are. */
    private record Entry(int type, long count, long valuesAt) {
    }

    static ImageHeader read(byte[] bytes) {
        HeaderBytes b = new HeaderBytes(bytes, ImageFormat.TIFF);
        boolean big = bytes.length > 1 && bytes[0] == 'M';
        long ifd = b.u32(4, big);
        int count = b.u16(ifd, big);
        if (count == 0 || count > MAX_ENTRIES) {
            throw b.damaged("its first directory has " + count + " entries");
        }
        Map<Integer, Entry> entries = new HashMap<>();
        for (int i = 0; i < count; i++) {
            long e = ifd + 2 + 12L * i;
            int tag = b.u16(e, big);
            int type = b.u16(e + 2, big);
            long n = b.u32(e + 4, big);
            long size = HeaderBytes.times(n, typeSize(type));
            long at = size <= 4 ? e + 8 : b.u32(e + 8, big);
            if (!b.has(at, size)) {
                throw b.damaged("directory entry " + tag + " points past the end of the data");
            }
            entries.putIfAbsent(tag, new Entry(type, n, at));
        }
        long width = number(b, entries, WIDTH, big, -1);
        long height = number(b, entries, LENGTH, big, -1);
        if (width <= 0 || height <= 0) {
            throw b.damaged("its size is missing or empty");
        }
        long samples = number(b, entries, SAMPLES_PER_PIXEL, big, 1);
        if (samples < 1 || samples > 4) {
            throw b.unsupported("with " + samples + " samples a pixel (at most 4 are read)");
        }
        long bits = 1;
        Entry depth = entries.get(BITS_PER_SAMPLE);
        if (depth != null) {
            bits = 0;
            for (long i = 0; i < Math.min(depth.count, samples); i++) {
                long v = value(b, depth, i, big);
                if (v != 1 && v != 2 && v != 4 && v != 8 && v != 16) {
                    throw b.unsupported("with " + v + " bits a sample (1, 2, 4, 8 and 16 are read)");
                }
                bits = Math.max(bits, v);
            }
        }
        long sampleFormat = number(b, entries, SAMPLE_FORMAT, big, 1);
        if (sampleFormat == 3) {
            throw b.unsupported("with floating-point samples");
        }
        long compression = number(b, entries, COMPRESSION, big, 1);
        if (!(compression == 1 || compression == 2 || compression == 3 || compression == 4 || compression == 5
                || compression == 7 || compression == 8 || compression == 32773 || compression == 32946)) {
            throw b.unsupported("with compression " + compression + " (" + compressionName(compression) + ")");
        }
        boolean tiled = entries.containsKey(TILE_OFFSETS);
        Entry offsets = entries.get(tiled ? TILE_OFFSETS : STRIP_OFFSETS);
        Entry counts = entries.get(tiled ? TILE_BYTE_COUNTS : STRIP_BYTE_COUNTS);
        if (offsets == null) {
            throw b.damaged("it has no strip or tile offsets");
        }
        long largestChunk = 0;
        for (long i = 0; counts != null && i < Math.min(offsets.count, counts.count); i++) {
            long at = value(b, offsets, i, big);
            long size = value(b, counts, i, big);
            if (!b.has(at, size)) {
                throw new IntakeException(IntakeError.DECODE_FAILED, "TIFF is truncated: a " + (tiled ? "tile" : "strip")
                        + " runs past the end of the data");
            }
            largestChunk = Math.max(largestChunk, size);
        }
        // The raster holds samples of `bits` bits (packed below 8); one strip or tile is decompressed at a time (a JPEG
        // tile becomes an image of its own); tag arrays are held as longs.
        long rowBytes = Math.ceilDiv(HeaderBytes.times(width, samples, bits), 8);
        long raster = HeaderBytes.times(rowBytes, height);
        long chunkRaster = tiled
                ? HeaderBytes.times(Math.ceilDiv(HeaderBytes.times(number(b, entries, TILE_WIDTH, big, width), samples,
                        bits), 8), number(b, entries, TILE_LENGTH, big, height), compression == 7 ? 4 : 1)
                : raster;
        long working = HeaderBytes.plus(raster, Math.min(raster, chunkRaster), largestChunk,
                HeaderBytes.times(2, bytes.length), 64 * 1024);
        return new ImageHeader(ImageFormat.TIFF, width, height, working, bytes);
    }

    private static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;
            case 3, 8 -> 2;
            case 4, 9, 11, 13 -> 4;
            case 5, 10, 12, 16, 17, 18 -> 8;
            default -> 1;
        };
    }

    /** The first value of a SHORT or LONG entry, or {@code absent} when the tag is missing. */
    private static long number(HeaderBytes b, Map<Integer, Entry> entries, int tag, boolean big, long absent) {
        Entry e = entries.get(tag);
        return e == null || e.count == 0 ? absent : value(b, e, 0, big);
    }

    private static long value(HeaderBytes b, Entry e, long index, boolean big) {
        return switch (e.type) {
            case 1, 6, 7 -> b.u8(e.valuesAt + index);
            case 3, 8 -> b.u16(e.valuesAt + 2 * index, big);
            case 4, 9, 13 -> b.u32(e.valuesAt + 4 * index, big);
            default -> throw b.damaged("tag has an unexpected type " + e.type);
        };
    }

    private static String compressionName(long compression) {
        return switch ((int) compression) {
            case 6 -> "old-style JPEG";
            case 34925 -> "LZMA";
            case 50000 -> "Zstandard";
            case 50001 -> "WebP";
            case 34712 -> "JPEG 2000";
            case 32809 -> "ThunderScan";
            case 34676, 34677 -> "SGI LogLuv";
            default -> "unknown";
        };
    }
}
