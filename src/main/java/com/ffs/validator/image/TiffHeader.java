package com.ffs.validator.image;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The first image file directory of a TIFF or BigTIFF, read as Pillow 9.4's {@code TiffImagePlugin} reads it: the
 * directory walk stops at the first entry whose data lies past the end (the entries before it stay), entries of
 * unknown types are skipped, a later entry replaces an earlier one of the same tag; the image's Pillow mode and raw
 * mode come from Pillow's own table ({@link TiffModes}) keyed by byte order, photometric interpretation, sample
 * format, fill order, bits per sample and extra samples, and a layout the table lacks is refused as Pillow refuses
 * it ("unknown pixel mode"), as are compressions Pillow does not know.
 *
 * <p>
 * Memory is computed from the directory before anything is decoded: the image in its Pillow mode (at most four
 * bytes a pixel), and for compressed files (decoded through libtiff) the file's copy in native memory, one decoded
 * strip or tile, the codec's working memory for it and the tag arrays; libtiff is told to refuse any single
 * allocation larger than what was reserved for it ({@link Directory#libtiffMaxAlloc()}).
 */
final class TiffHeader {

    static final int RAW = 1;
    static final int OLD_JPEG = 6;
    static final int JPEG = 7;

    private static final int WIDTH = 256;
    private static final int LENGTH = 257;
    private static final int BITS_PER_SAMPLE = 258;
    private static final int COMPRESSION = 259;
    private static final int PHOTOMETRIC = 262;
    private static final int FILL_ORDER = 266;
    private static final int STRIP_OFFSETS = 273;
    private static final int SAMPLES_PER_PIXEL = 277;
    private static final int ROWS_PER_STRIP = 278;
    private static final int STRIP_BYTE_COUNTS = 279;
    private static final int PLANAR_CONFIGURATION = 284;
    private static final int COLORMAP = 320;
    private static final int TILE_WIDTH = 322;
    private static final int TILE_LENGTH = 323;
    private static final int TILE_OFFSETS = 324;
    private static final int TILE_BYTE_COUNTS = 325;
    private static final int EXTRA_SAMPLES = 338;
    private static final int SAMPLE_FORMAT = 339;
    private static final int WINDOWS_MEDIA_PHOTO = 0xBC01;
    /** Pillow refuses more samples a pixel than any of its modes has. */
    private static final int MAX_SAMPLES_PER_PIXEL = 6;
    /** libtiff's own state, tables and small buffers, and the codecs' fixed costs (zlib, LZW, libjpeg tables). */
    private static final long LIBTIFF_FIXED = 2L << 20;

    private TiffHeader() {
    }

    /** One directory entry: its type, count and where its values are. */
    record Entry(int type, long count, long valuesAt) {
    }

    /**
     * Everything the decoder needs, as Pillow's {@code _setup} leaves it.
     *
     * @param b the file
     * @param bigEndian byte order
     * @param width image width
     * @param height image height
     * @param mode the Pillow mode
     * @param rawmode the raw mode Pillow unpacks with (before libtiff's native-order adjustments)
     * @param compression the Compression tag
     * @param photometric Pillow's photometric interpretation (6 for old-style JPEG whatever the tag says)
     * @param planar PlanarConfiguration (1 chunky, 2 planar)
     * @param bandCount samples Pillow counts for the photometric interpretation plus extra samples
     * @param bitsPerPixel the sum of BitsPerSample
     * @param tiled whether the data is in tiles
     * @param offsets StripOffsets or TileOffsets
     * @param rowsPerStrip RowsPerStrip (the height when absent)
     * @param tileWidth TileWidth, or the width
     * @param tileLength TileLength, or the height
     * @param palette the palette's bytes (high bytes of ColorMap), or null
     * @param libtiffMaxAlloc the largest single allocation libtiff may make
     */
    record Directory(HeaderBytes b, boolean bigEndian, int width, int height, PillowMode mode, String rawmode,
            int compression, int photometric, int planar, int bandCount, int bitsPerPixel, boolean tiled,
            Entry offsets, long rowsPerStrip, long tileWidth, long tileLength, byte[] palette, long libtiffMaxAlloc) {

        /** The i-th strip or tile offset. */
        long offset(long i) {
            return value(b, offsets, i, bigEndian);
        }

        long offsetCount() {
            return offsets.count();
        }
    }

    static ImageHeader read(byte[] bytes) {
        Directory d = directory(bytes);
        long image = ModeImage.bytes(d.mode(), d.width(), d.height());
        long working = image;
        if (d.compression() != RAW) {
            // libtiff's path, or ImageIO's where libtiff is missing: whichever costs more.
            working = Math.max(HeaderBytes.plus(image, libtiffBytes(d, bytes.length)),
                    imageIoBytes(d, bytes.length));
        }
        return new ImageHeader(ImageFormat.TIFF, d.width(), d.height(), HeaderBytes.plus(working, 64 * 1024), bytes);
    }

    static Directory directory(byte[] bytes) {
        HeaderBytes b = new HeaderBytes(bytes, ImageFormat.TIFF);
        boolean bigEndian = bytes.length > 1 && bytes[0] == 'M';
        boolean bigTiff = b.u16(2, bigEndian) == 43;
        long ifd;
        if (bigTiff) {
            if (b.u16(4, bigEndian) != 8) {
                throw b.damaged("its BigTIFF header declares offsets of " + b.u16(4, bigEndian) + " bytes");
            }
            ifd = u64(b, 8, bigEndian);
        } else {
            ifd = b.u32(4, bigEndian);
        }
        if (bigTiff && bigEndian) {
            // Pillow 9.4 fails on every big-endian BigTIFF directory.
            throw b.unsupported("is a big-endian BigTIFF (Pillow 9.4 cannot read it either)");
        }
        Map<Integer, Entry> entries = entries(b, ifd, bigEndian, bigTiff);
        if (entries.containsKey(WINDOWS_MEDIA_PHOTO)) {
            throw b.unsupported("holds Windows Media Photo data (Pillow refuses it too)");
        }
        int compression = (int) first(b, entries, COMPRESSION, bigEndian, 1);
        if (!knownCompression(compression)) {
            throw b.unsupported("with compression " + compression + " (unknown to Pillow)");
        }
        int planar = (int) first(b, entries, PLANAR_CONFIGURATION, bigEndian, 1);
        int photometric = compression == OLD_JPEG ? 6 : (int) first(b, entries, PHOTOMETRIC, bigEndian, 0);
        int fillOrder = (int) first(b, entries, FILL_ORDER, bigEndian, 1);
        long width = first(b, entries, WIDTH, bigEndian, -1);
        long height = first(b, entries, LENGTH, bigEndian, -1);
        if (width < 0 || height < 0) {
            throw b.damaged("its size is missing");
        }
        if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new IntakeException(IntakeError.IMAGE_TOO_LARGE, "TIFF declares " + width + "x" + height);
        }
        long[] sampleFormat = all(b, entries, SAMPLE_FORMAT, bigEndian, new long[] { 1 });
        if (sampleFormat.length > 1 && allEqual(sampleFormat, 1)) {
            sampleFormat = new long[] { 1 };
        }
        long samples = first(b, entries, SAMPLES_PER_PIXEL, bigEndian,
                compression == OLD_JPEG && (photometric == 2 || photometric == 6) ? 3 : 1);
        if (samples > MAX_SAMPLES_PER_PIXEL) {
            throw b.unsupported("with " + samples + " samples a pixel (Pillow reads at most "
                    + MAX_SAMPLES_PER_PIXEL + ")");
        }
        long[] bits = all(b, entries, BITS_PER_SAMPLE, bigEndian, new long[] { 1 });
        long[] extra = all(b, entries, EXTRA_SAMPLES, bigEndian, new long[0]);
        int bandCount = (photometric == 2 || photometric == 6 || photometric == 8 ? 3 : photometric == 5 ? 4 : 1)
                + extra.length;
        if (samples < bits.length) {
            bits = Arrays.copyOf(bits, (int) samples);
        } else if (samples > bits.length && bits.length == 1) {
            long[] repeated = new long[(int) samples];
            Arrays.fill(repeated, bits[0]);
            bits = repeated;
        }
        if (bits.length != samples) {
            throw b.unsupported("with " + samples + " samples a pixel but " + bits.length + " bit depths (Pillow "
                    + "refuses it too)");
        }
        TiffModes.Mode m = TiffModes.find(bigEndian, photometric, sampleFormat, fillOrder, bits, extra);
        if (m == null) {
            throw b.unsupported("with a layout Pillow does not read (photometric " + photometric + ", "
                    + Arrays.toString(bits) + " bits, sample format "
                    + Arrays.toString(sampleFormat) + ", extra samples " + Arrays.toString(extra)
                    + ")");
        }
        boolean tiled = entries.containsKey(TILE_OFFSETS);
        Entry offsets = entries.get(tiled ? TILE_OFFSETS : STRIP_OFFSETS);
        if (offsets == null) {
            throw b.damaged("it has no strip or tile offsets");
        }
        long rowsPerStrip = first(b, entries, ROWS_PER_STRIP, bigEndian, height);
        long tileWidth = tiled ? first(b, entries, TILE_WIDTH, bigEndian, -1) : width;
        long tileLength = tiled ? first(b, entries, TILE_LENGTH, bigEndian, -1) : rowsPerStrip;
        if (tileWidth <= 0 || tileLength <= 0) {
            throw b.damaged("its strips or tiles have no size");
        }
        byte[] palette = null;
        if (m.mode() == PillowMode.P || m.mode() == PillowMode.PA) {
            Entry map = entries.get(COLORMAP);
            if (map == null) {
                throw b.damaged("its palette is missing");
            }
            if (map.count() > 768) {
                throw b.unsupported("with a palette of " + map.count() / 3 + " entries (Pillow reads at most 256)");
            }
            palette = new byte[(int) map.count()];
            for (int i = 0; i < palette.length; i++) {
                palette[i] = (byte) (value(b, map, i, bigEndian) >> 8);
            }
        }
        long bitsPerPixel = 0;
        for (long v : bits) {
            bitsPerPixel += v;
        }
        Entry counts = entries.get(tiled ? TILE_BYTE_COUNTS : STRIP_BYTE_COUNTS);
        long largestChunk = 0;
        if (compression != RAW) {
            // libtiff reads strips and tiles by their byte counts; one that runs past the end is damage to it.
            if (counts == null) {
                throw b.damaged("it has no strip or tile byte counts");
            }
            for (long i = 0; i < Math.min(offsets.count(), counts.count()); i++) {
                long at = value(b, offsets, i, bigEndian);
                long size = value(b, counts, i, bigEndian);
                if (!b.has(at, size)) {
                    throw new IntakeException(IntakeError.DECODE_FAILED, "TIFF is truncated: a "
                            + (tiled ? "tile" : "strip") + " runs past the end of the data");
                }
                largestChunk = Math.max(largestChunk, size);
            }
        }
        Directory partial = new Directory(b, bigEndian, (int) width, (int) height, m.mode(), m.rawmode(), compression,
                photometric, planar, bandCount, (int) bitsPerPixel, tiled, offsets, rowsPerStrip, tileWidth,
                tileLength, palette, 0);
        long maxAlloc = HeaderBytes.plus(Math.max(Math.max(chunkBytes(partial), largestChunk),
                HeaderBytes.times(offsets.count(), 16)), 1L << 20);
        return new Directory(b, bigEndian, (int) width, (int) height, m.mode(), m.rawmode(), compression, photometric,
                planar, bandCount, (int) bitsPerPixel, tiled, offsets, rowsPerStrip, tileWidth, tileLength, palette,
                maxAlloc);
    }

    /** One decoded strip or tile as libtiff hands it over (the widest of Pillow's layouts: RGB for YCbCr JPEG). */
    static long chunkBytes(Directory d) {
        long rows = Math.min(d.rowsPerStrip(), d.height());
        long pixels = d.tiled() ? HeaderBytes.times(d.tileWidth(), d.tileLength())
                : HeaderBytes.times(d.width(), Math.max(rows, 1));
        long bitsPerPixel = Math.max(d.bitsPerPixel(), 24);
        return Math.ceilDiv(HeaderBytes.times(pixels, bitsPerPixel), 8);
    }

    /**
     * Native memory of the libtiff path: the file's copy, a decoded chunk and its codec's working memory (JPEG and
     * WebP decode a chunk through buffers up to twice its size, a progressive JPEG's coefficients among them; LZMA and
     * Zstandard touch their window only as far as the chunk's output; the others decode straight into the chunk), the
     * RGBA blocks of YCbCr images, and the offset and byte count arrays. Measured with a malloc counter on 3000x2000
     * RGB files, the peak stays below this for every codec (LZW 34 of 36 MB, YCbCr LZW 57 of 59 MB, CMYK JPEG 37 of
     * 71 MB, old-style JPEG 32 of 77 MB, LZMA 26 of 37 MB, Zstandard 24 of 39 MB, WebP 18 of 54 MB).
     */
    static long libtiffBytes(Directory d, long fileBytes) {
        long chunk = chunkBytes(d);
        long codec = switch (d.compression()) {
            case OLD_JPEG, JPEG, 50001 -> HeaderBytes.times(chunk, 2);
            case 34925, 50000 -> chunk;
            default -> 256 * 1024;
        };
        long rgba = d.photometric() == 6 ? HeaderBytes.times(d.width(), Math.min(d.height(), Math.max(1,
                d.tiled() ? d.tileLength() : d.rowsPerStrip())), 4) : 0;
        return HeaderBytes.plus(fileBytes, chunk, codec, rgba, HeaderBytes.times(d.offsetCount(), 16),
                LIBTIFF_FIXED);
    }

    /** Heap of the ImageIO fallback (no libtiff): its raster, a decompressed chunk and copies of the file. */
    private static long imageIoBytes(Directory d, long fileBytes) {
        long raster = Math.ceilDiv(HeaderBytes.times(d.width(), d.height(), Math.max(d.bitsPerPixel(), 8)), 8);
        return HeaderBytes.plus(HeaderBytes.times(raster, 2), chunkBytes(d), HeaderBytes.times(2, fileBytes));
    }

    private static boolean knownCompression(int c) {
        return c == 1 || c == 2 || c == 3 || c == 4 || c == 5 || c == 6 || c == 7 || c == 8 || c == 32771
                || c == 32773 || c == 32809 || c == 32946 || c == 34676 || c == 34677 || c == 34925 || c == 50000
                || c == 50001;
    }

    /** Pillow's directory walk (see the class comment); never allocates by a count the file has not backed. */
    private static Map<Integer, Entry> entries(HeaderBytes b, long ifd, boolean big, boolean bigTiff) {
        long count = bigTiff ? u64(b, ifd, big) : b.u16(ifd, big);
        int entrySize = bigTiff ? 20 : 12;
        int inline = bigTiff ? 8 : 4;
        Map<Integer, Entry> entries = new HashMap<>();
        for (long i = 0; i < count; i++) {
            long e = ifd + (bigTiff ? 8 : 2) + entrySize * i;
            if (!b.has(e, entrySize)) {
                break;
            }
            int tag = b.u16(e, big);
            int type = b.u16(e + 2, big);
            long n = bigTiff ? u64(b, e + 4, big) : b.u32(e + 4, big);
            int unit = typeSize(type);
            if (unit == 0) {
                continue;
            }
            long size = HeaderBytes.times(n, unit);
            long at = size <= inline ? e + (bigTiff ? 12 : 8) : bigTiff ? u64(b, e + 12, big) : b.u32(e + 8, big);
            if (!b.has(at, size)) {
                // Pillow's read of the values fails and ends the walk; the entries before stay.
                break;
            }
            if (n == 0) {
                continue;
            }
            entries.put(tag, new Entry(type, n, at));
        }
        return entries;
    }

    private static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;
            case 3, 8 -> 2;
            case 4, 9, 11, 13 -> 4;
            case 5, 10, 12, 16 -> 8;
            default -> 0;
        };
    }

    /** The first value of a tag, or {@code absent} when the tag is missing. */
    private static long first(HeaderBytes b, Map<Integer, Entry> entries, int tag, boolean big, long absent) {
        Entry e = entries.get(tag);
        return e == null ? absent : value(b, e, 0, big);
    }

    /** Every value of a tag (at most a few: the file backs them), or {@code absent}. */
    private static long[] all(HeaderBytes b, Map<Integer, Entry> entries, int tag, boolean big, long[] absent) {
        Entry e = entries.get(tag);
        if (e == null) {
            return absent;
        }
        if (e.count() > MAX_SAMPLES_PER_PIXEL * 4) {
            throw b.unsupported("with " + e.count() + " samples a pixel in tag " + tag + " (Pillow reads at most "
                    + MAX_SAMPLES_PER_PIXEL + ")");
        }
        long[] out = new long[(int) e.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = value(b, e, i, big);
        }
        return out;
    }

    static long value(HeaderBytes b, Entry e, long index, boolean big) {
        return switch (e.type()) {
            case 3 -> b.u16(e.valuesAt() + 2 * index, big);
            case 8 -> (short) b.u16(e.valuesAt() + 2 * index, big);
            case 4, 13 -> b.u32(e.valuesAt() + 4 * index, big);
            case 9 -> (int) b.u32(e.valuesAt() + 4 * index, big);
            case 16 -> u64(b, e.valuesAt() + 8 * index, big);
            default -> throw b.unsupported("with a tag of type " + e.type() + " where Pillow expects integers");
        };
    }

    private static long u64(HeaderBytes b, long at, boolean big) {
        long hi = b.u32(at + (big ? 0 : 4), big);
        long lo = b.u32(at + (big ? 4 : 0), big);
        if (hi > Integer.MAX_VALUE) {
            throw b.damaged("it has an offset beyond 2^63");
        }
        return hi << 32 | lo;
    }

    private static boolean allEqual(long[] values, long v) {
        for (long x : values) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }
}
