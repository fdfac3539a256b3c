package com.ffs.validator.image;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * TIFF pixels as Pillow 9.4 reads them, into the Pillow mode {@link TiffHeader} found. Uncompressed files go through
 * Pillow's own tile list and raw decoder, ported: each strip or tile unpacked row by row with the raw mode, planar
 * files one band at a time with the raw mode's letter for that band (so 16-bit planar samples are read as Pillow reads
 * them, a byte at a time). Compressed files go through libtiff as Pillow's {@code TiffDecode.c} drives it: YCbCr
 * through {@code TIFFRGBAImage} (except JPEG-compressed chunky files, which libjpeg turns into RGB), everything else
 * strip by strip or tile by tile, in libtiff's native byte order, planar files band by band, associated alpha
 * un-premultiplied afterwards. Pillow's size checks are kept; what fails them, or fails to decode, is damage.
 */
final class TiffDecoder {

    private TiffDecoder() {
    }

    static ModeImage decode(byte[] bytes, Optional<LibTiff> libtiff) {
        TiffHeader.Directory d = TiffHeader.directory(bytes);
        ModeImage image = ModeImage.allocate(d.mode(), d.width(), d.height());
        if (d.palette() != null) {
            image.putPalette("RGB;L", d.palette(), 0, d.palette().length);
        }
        if (d.compression() == TiffHeader.RAW) {
            raw(bytes, d, image);
        } else {
            try (LibTiff.Session session = libtiff.orElseThrow().open(bytes, d.libtiffMaxAlloc())) {
                new Libtiff(session, d, image).run();
            }
        }
        return image;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Uncompressed: Pillow's tiles and raw decoder

    /** One entry of Pillow's tile list. */
    private record Tile(long offset, int x0, int y0, int x1, int y1, String rawmode, long stride) {
    }

    private static void raw(byte[] bytes, TiffHeader.Directory d, ModeImage image) {
        List<Tile> tiles = new ArrayList<>();
        long x = 0;
        long y = 0;
        int layer = 0;
        long w = d.tiled() ? d.tileWidth() : d.width();
        long h = d.tiled() ? d.tileLength() : d.rowsPerStrip();
        for (long i = 0; i < d.offsetCount(); i++) {
            double stride = x + w > d.width() ? w * d.bitsPerPixel() / 8.0 : 0;
            String rawmode = d.rawmode();
            if (d.planar() == 2) {
                if (layer >= d.rawmode().length()) {
                    throw new IntakeException(IntakeError.DECODE_FAILED, "TIFF is damaged: it has more planes "
                            + "than samples");
                }
                rawmode = String.valueOf(d.rawmode().charAt(layer));
                stride /= d.bandCount();
            }
            tiles.add(new Tile(d.offset(i), (int) x, (int) y, (int) Math.min(x + w, d.width()),
                    (int) Math.min(y + h, d.height()), rawmode, (long) stride));
            x += w;
            if (x >= d.width()) {
                x = 0;
                y += h;
                if (y >= d.height()) {
                    y = 0;
                    layer++;
                }
            }
        }
        // ImageFile.load reads the tiles in file order.
        tiles.sort(Comparator.comparingLong(Tile::offset));
        int ps = image.mode.pixelSize();
        for (Tile t : tiles) {
            PillowUnpack.Found unpack = PillowUnpack.find(image.mode, t.rawmode());
            if (unpack == null) {
                throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT, "TIFF stores " + image.mode.pillowName()
                        + " samples in a layout Pillow cannot unpack (" + t.rawmode() + "), which this service does "
                        + "not decode");
            }
            int rw = t.x1() - t.x0();
            int rh = t.y1() - t.y0();
            if (rw <= 0 || rh <= 0) {
                throw new IntakeException(IntakeError.DECODE_FAILED, "TIFF is damaged: a strip or tile lies "
                        + "outside the image");
            }
            long rowBytes = Math.ceilDiv((long) rw * unpack.bits(), 8);
            long step = t.stride() != 0 ? t.stride() : rowBytes;
            if (step < rowBytes) {
                throw new IntakeException(IntakeError.DECODE_FAILED, "TIFF is damaged: its tiles are narrower "
                        + "than their rows");
            }
            long end = HeaderBytes.plus(t.offset(), HeaderBytes.times(rh - 1, step), rowBytes);
            if (end > bytes.length) {
                throw new IntakeException(IntakeError.DECODE_FAILED, "TIFF is truncated: a strip or tile runs "
                        + "past the end of the data");
            }
            for (int r = 0; r < rh; r++) {
                unpack.unpacker().unpack(bytes, (int) (t.offset() + r * step), image.data,
                        ((t.y0() + r) * image.width + t.x0()) * ps, rw);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Compressed: libtiff, as TiffDecode.c

    private static final class Libtiff {
        private final LibTiff.Session s;
        private final TiffHeader.Directory d;
        private final ModeImage image;
        private final int width;
        private final int height;

        Libtiff(LibTiff.Session s, TiffHeader.Directory d, ModeImage image) {
            this.s = s;
            this.d = d;
            this.image = image;
            this.width = image.width;
            this.height = image.height;
        }

        void run() {
            if (s.uint32(LibTiff.TAG_IMAGEWIDTH) != width || s.uint32(LibTiff.TAG_IMAGELENGTH) != height) {
                throw broken();
            }
            int photometric = Math.max(0, s.uint16(LibTiff.TAG_PHOTOMETRIC, false));
            int compression = s.uint16(LibTiff.TAG_COMPRESSION, false);
            int planar = s.uint16(LibTiff.TAG_PLANARCONFIG, true);
            boolean asRgba = photometric == 6;
            if (asRgba && compression == TiffHeader.JPEG && planar == 1) {
                // libjpeg converts YCbCr to RGB itself.
                s.setInt(LibTiff.TAG_JPEGCOLORMODE, LibTiff.JPEGCOLORMODE_RGB);
                asRgba = false;
            }
            String rawmode = rawmode();
            PillowUnpack.Found shuffle = PillowUnpack.find(image.mode, rawmode);
            if (shuffle == null) {
                throw new IntakeException(IntakeError.UNSUPPORTED_FORMAT, "TIFF stores " + image.mode.pillowName()
                        + " samples in a layout Pillow cannot unpack (" + rawmode + "), which this service does not "
                        + "decode");
            }
            if (asRgba) {
                decodeAsRgba(shuffle);
                return;
            }
            int bands = bands(image.mode);
            PillowUnpack.Unpacker[] unpackers;
            int planes;
            if (planar == 2 && bands > 1) {
                int bits = s.uint16(LibTiff.TAG_BITSPERSAMPLE, true);
                if (bits != 8 && bits != 16) {
                    throw broken();
                }
                unpackers = new PillowUnpack.Unpacker[bands];
                for (int band = 0; band < bands; band++) {
                    unpackers[band] = PillowUnpack.find(PillowMode.RGBA, "RGBA".charAt(band) + (bits == 16 ? ";16N"
                            : "")).unpacker();
                }
                planes = bands;
            } else {
                unpackers = new PillowUnpack.Unpacker[] { shuffle.unpacker() };
                planes = 1;
            }
            if (s.tiled()) {
                decodeTiles(shuffle.bits(), planes, unpackers);
            } else {
                decodeStrips(shuffle.bits(), planes, unpackers);
            }
            if (planes > 3 && image.mode == PillowMode.RGBA) {
                int extra = s.firstExtraSample();
                if (extra == 0 || extra == 1) {
                    // Unspecified or associated alpha stored in planes: un-premultiplied as Pillow does.
                    PillowUnpack.Unpacker premultiplied = PillowUnpack.find(PillowMode.RGBA, "RGBa").unpacker();
                    // In place, as Pillow does it: each pixel is read before it is written.
                    premultiplied.unpack(image.data, 0, image.data, 0, width * height);
                }
            }
        }

        /** Pillow's raw mode for libtiff: fill order already applied, 16-bit samples in native order. */
        private String rawmode() {
            String raw = d.rawmode();
            raw = switch (raw) {
                case "1;R" -> "1";
                case "1;IR" -> "1;I";
                case "L;2R" -> "L;2";
                case "L;2IR" -> "L;2I";
                case "L;4R" -> "L;4";
                case "L;4IR" -> "L;4I";
                case "L;R" -> "L";
                case "L;IR" -> "L;I";
                case "I;16R" -> "I;16";
                case "RGB;R" -> "RGB";
                case "P;1R" -> "P;1";
                case "P;2R" -> "P;2";
                case "P;4R" -> "P;4";
                case "P;R" -> "P";
                default -> raw;
            };
            if (raw.equals("I;16")) {
                raw = "I;16N";
            }
            raw = raw.replace(";16B", ";16N").replace(";16L", ";16N");
            if (d.photometric() == 6 && d.compression() == TiffHeader.JPEG && d.planar() == 1) {
                raw = "RGB";
            }
            return raw;
        }

        private void decodeStrips(int bits, int planes, PillowUnpack.Unpacker[] unpackers) {
            long rowsPerStrip = s.uint32(LibTiff.TAG_ROWSPERSTRIP);
            if (rowsPerStrip < 0 || rowsPerStrip == 0xFFFFFFFFL) {
                rowsPerStrip = height;
            }
            long stripSize = s.stripSize();
            long unpackerRow = ((long) width * bits / planes + 7) / 8;
            if (rowsPerStrip > Integer.MAX_VALUE || stripSize > Integer.MAX_VALUE - 1 || stripSize <= 0
                    || stripSize > unpackerRow * rowsPerStrip || stripSize > d.libtiffMaxAlloc()) {
                throw broken();
            }
            long rowSize = s.scanlineSize();
            if (rowSize <= 0 || unpackerRow > rowSize) {
                throw broken();
            }
            MemorySegment buffer = s.buffer(stripSize);
            byte[] row = new byte[(int) unpackerRow];
            for (long y = 0; y < height; y += rowsPerStrip) {
                for (int plane = 0; plane < planes; plane++) {
                    if (!s.readStrip((int) y, plane, buffer, stripSize)) {
                        throw broken();
                    }
                    for (long r = 0; r < Math.min(rowsPerStrip, height - y); r++) {
                        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, r * rowSize, row, 0, row.length);
                        unpackers[plane].unpack(row, 0, image.data, (int) ((y + r) * image.rowBytes()), width);
                    }
                }
            }
        }

        private void decodeTiles(int bits, int planes, PillowUnpack.Unpacker[] unpackers) {
            long tileSize = s.tileSize();
            long rowSize = s.tileRowSize();
            if (tileSize <= 0 || rowSize <= 0 || rowSize > tileSize || tileSize > Integer.MAX_VALUE - 1
                    || tileSize > d.libtiffMaxAlloc()) {
                throw broken();
            }
            long tileWidth = s.uint32(LibTiff.TAG_TILEWIDTH);
            long tileLength = s.uint32(LibTiff.TAG_TILELENGTH);
            if (tileWidth <= 0 || tileLength <= 0 || tileWidth > Integer.MAX_VALUE
                    || tileLength > Integer.MAX_VALUE) {
                throw broken();
            }
            // Pillow's check, as written there (length, not width, times the bits).
            if (tileSize > ((tileLength * bits / planes + 7) / 8) * tileWidth) {
                throw broken();
            }
            MemorySegment buffer = s.buffer(tileSize);
            int ps = image.mode.pixelSize();
            byte[] row = new byte[(int) rowSize];
            for (long y = 0; y < height; y += tileLength) {
                for (int plane = 0; plane < planes; plane++) {
                    for (long x = 0; x < width; x += tileWidth) {
                        if (!s.readTile((int) x, (int) y, plane, buffer)) {
                            throw broken();
                        }
                        int columns = (int) Math.min(tileWidth, width - x);
                        long rows = Math.min(tileLength, height - y);
                        for (long ty = 0; ty < rows; ty++) {
                            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, ty * rowSize, row, 0, row.length);
                            unpackers[plane].unpack(row, 0, image.data, (int) (((y + ty) * width + x) * ps),
                                    columns);
                        }
                    }
                }
            }
        }

        /** Pillow's {@code _decodeAsRGBA}: blocks of rows through TIFFRGBAImage, top-left orientation requested. */
        private void decodeAsRgba(PillowUnpack.Found shuffle) {
            long rowsPerBlock = s.tiled() ? s.uint32(LibTiff.TAG_TILELENGTH) : s.uint32(LibTiff.TAG_ROWSPERSTRIP);
            if (rowsPerBlock <= 0 || rowsPerBlock == 0xFFFFFFFFL) {
                rowsPerBlock = height;
            }
            rowsPerBlock = Math.min(rowsPerBlock, height);
            long rowBytes = 4L * width;
            if (rowBytes * rowsPerBlock > Integer.MAX_VALUE) {
                throw broken();
            }
            try (LibTiff.Session.Rgba rgba = s.rgba(width, height).orElseThrow(TiffDecoder::broken)) {
                MemorySegment raster = s.buffer(rowBytes * rowsPerBlock);
                byte[] row = new byte[(int) rowBytes];
                for (long y = 0; y < height; y += rowsPerBlock) {
                    int rows = (int) Math.min(rowsPerBlock, height - y);
                    if (!rgba.get((int) y, raster, width, rows)) {
                        throw broken();
                    }
                    for (int r = 0; r < rows; r++) {
                        MemorySegment.copy(raster, ValueLayout.JAVA_BYTE, r * rowBytes, row, 0, row.length);
                        shuffle.unpacker().unpack(row, 0, image.data, (int) ((y + r) * image.rowBytes()), width);
                    }
                }
            }
        }

        /** Pillow's band count of a mode ({@code im->bands}). */
        private static int bands(PillowMode mode) {
            return switch (mode) {
                case LA, PA -> 2;
                case RGB, LAB -> 3;
                case RGBA, RGBX, CMYK -> 4;
                default -> 1;
            };
        }
    }

    private static IntakeException broken() {
        return new IntakeException(IntakeError.DECODE_FAILED, "TIFF is damaged: libtiff could not decode it");
    }
}
