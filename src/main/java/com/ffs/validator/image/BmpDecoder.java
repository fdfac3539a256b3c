package com.ffs.validator.image;

/**
 * BMP pixels as Pillow 9.4 reads them ({@link BmpHeader} says how): uncompressed rows through Pillow's unpackers, and
 * RLE8 and RLE4 through a port of its run-length decoder ({@code BmpRleDecoder}), quirks included: pixels that the
 * runs skip (deltas, ends of line) are index 0; runs past the end of a row are cut at it; a delta takes its offsets
 * from the second pair of bytes after it; an absolute run of RLE4 reads value / 2 bytes of two pixels each and
 * aligns to an even file position; runs that stop before the image is full leave it incomplete, which Pillow
 * refuses. Indices past the palette take Pillow's default entries (grey levels).
 */
final class BmpDecoder {

    private BmpDecoder() {
    }

    static ModeImage decode(byte[] bytes) {
        BmpHeader.Layout l = BmpHeader.layout(new HeaderBytes(bytes, ImageFormat.BMP));
        if (l.compression() != 0) {
            // Runs that cannot fill the image are refused before its raster exists.
            runLength(bytes, l, new Rows(null, l.width(), l.height(), l.bottomUp()));
        }
        ModeImage image = ModeImage.allocate(l.mode(), l.width(), l.height());
        if (l.palette() >= 0) {
            image.putPalette(l.paletteRaw(), bytes, l.palette(), l.paletteBytes());
        }
        if (l.compression() == 0) {
            raw(bytes, l, image);
        } else {
            runLength(bytes, l, new Rows(image.data, l.width(), l.height(), l.bottomUp()));
        }
        return image;
    }

    /** Pillow's raw decoder: one stored row every {@code stride} bytes (bounds checked by the header). */
    private static void raw(byte[] bytes, BmpHeader.Layout l, ModeImage image) {
        PillowUnpack.Unpacker unpacker = PillowUnpack.find(l.mode(), l.rawmode()).unpacker();
        int rowBytes = image.rowBytes();
        for (int r = 0; r < l.height(); r++) {
            int y = l.bottomUp() ? l.height() - 1 - r : r;
            unpacker.unpack(bytes, (int) (l.offset() + r * l.stride()), image.data, y * rowBytes, l.width());
        }
    }

    /** {@code BmpRleDecoder.decode}: the indices it appends, written straight into the image's rows. */
    private static void runLength(byte[] b, BmpHeader.Layout l, Rows rows) {
        boolean rle4 = l.compression() == 2;
        long pos = l.offset();
        long x = 0;
        int w = l.width();
        while (rows.count < rows.limit) {
            if (pos + 2 > b.length) {
                break;
            }
            int count = b[(int) pos] & 0xFF;
            int value = b[(int) pos + 1] & 0xFF;
            pos += 2;
            if (count != 0) {
                if (x + count > w) {
                    count = (int) Math.max(0, w - x);
                }
                for (int i = 0; i < count; i++) {
                    rows.put(!rle4 ? value : i % 2 == 0 ? value >> 4 : value & 0x0F);
                }
                x += count;
            } else if (value == 0) {
                // End of line: the rest of the row is index 0.
                rows.skip((w - rows.count % w) % w);
                x = 0;
            } else if (value == 1) {
                break;
            } else if (value == 2) {
                // A delta. Pillow 9.4 reads two bytes, then takes the offsets from the two after them.
                if (pos + 2 > b.length) {
                    break;
                }
                pos += 2;
                if (pos + 2 > b.length) {
                    throw new IntakeException(IntakeError.DECODE_FAILED, "BMP is truncated: a run-length delta is "
                            + "cut short");
                }
                int right = b[(int) pos] & 0xFF;
                int up = b[(int) pos + 1] & 0xFF;
                pos += 2;
                rows.skip(right + (long) up * w);
                x = rows.count % w;
            } else {
                // An absolute run; RLE4 reads value / 2 bytes of two pixels each.
                int byteCount = rle4 ? value / 2 : value;
                int available = (int) Math.min(byteCount, Math.max(0, b.length - pos));
                for (int i = 0; i < available; i++) {
                    int v = b[(int) pos + i] & 0xFF;
                    if (rle4) {
                        rows.put(v >> 4);
                        rows.put(v & 0x0F);
                    } else {
                        rows.put(v);
                    }
                }
                pos += available;
                if (available < byteCount) {
                    break;
                }
                x += value;
                if (pos % 2 != 0) {
                    pos++;
                }
            }
        }
        if (rows.count < rows.limit) {
            throw new IntakeException(IntakeError.DECODE_FAILED, "BMP is truncated: its run-length data ends before "
                    + "the image is complete");
        }
    }

    /** The decoded index stream: the n-th index is pixel n of the stored row order (only counted without out). */
    private static final class Rows {
        final long limit;
        long count;
        private final byte[] out;
        private final int width;
        private final int height;
        private final boolean bottomUp;

        /** Where the current stored row starts in {@code out}, and the column in it (kept for speed). */
        private int rowStart;
        private int column;

        Rows(byte[] out, int width, int height, boolean bottomUp) {
            this.out = out;
            this.width = width;
            this.height = height;
            this.limit = (long) width * height;
            this.bottomUp = bottomUp;
            locate();
        }

        void put(int index) {
            if (out != null && count < limit) {
                out[rowStart + column] = (byte) index;
            }
            count++;
            if (++column == width) {
                locate();
            }
        }

        /** Indices of 0 (the image starts zeroed, and every position is written at most once). */
        void skip(long n) {
            count += n;
            locate();
        }

        private void locate() {
            long row = Math.min(count / width, height - 1L);
            rowStart = (int) ((bottomUp ? height - 1 - row : row) * width);
            column = (int) (count % width);
        }
    }
}
