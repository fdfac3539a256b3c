package com.ffs.validator.image;

/**
 * GIF's logical screen and first image, read as Pillow 9.4's {@code GifImagePlugin} reads them: bytes that start no
 * known block are skipped, extensions are skipped sub-block by sub-block (a graphic control extension gives the
 * transparent index), and the first image descriptor ends the walk, so whatever follows the first frame (more
 * frames, damaged data) is never read. The decoded image is the screen widened to hold the first frame. A palette
 * that is exactly the grey ramp, or no palette at all, makes an {@code L} image whose indices are grey levels.
 */
final class GifHeader {

    /** The LZW decoder's tables and history (Pillow's GIFDECODERSTATE) and the walk's own state. */
    private static final long DECODER_BYTES = 64 * 1024;

    private GifHeader() {
    }

    /**
     * What Pillow knows of the first frame before decoding it.
     *
     * @param width the image (screen widened to hold the frame)
     * @param height the image
     * @param left the frame's offset
     * @param top the frame's offset
     * @param frameWidth the frame's size
     * @param frameHeight the frame's size
     * @param palette where the frame's palette lies in the file (3 bytes an entry), -1 for none (an L image)
     * @param paletteBytes its length (short when the file ends inside it)
     * @param transparency the transparent index, -1 for none
     * @param interlaced whether rows come in GIF's four passes
     * @param codeSize LZW's initial code size
     * @param data where the frame's LZW sub-blocks start
     */
    record Frame(int width, int height, int left, int top, int frameWidth, int frameHeight, int palette,
            int paletteBytes, int transparency, boolean interlaced, int codeSize, int data) {
    }

    static ImageHeader read(byte[] bytes) {
        Frame f = firstFrame(bytes);
        long working = HeaderBytes.plus(HeaderBytes.times(f.width(), f.height()), DECODER_BYTES);
        return new ImageHeader(ImageFormat.GIF, f.width(), f.height(), working, bytes);
    }

    static Frame firstFrame(byte[] bytes) {
        HeaderBytes b = new HeaderBytes(bytes, ImageFormat.GIF);
        int screenW = b.u16le(6);
        int screenH = b.u16le(8);
        int flags = b.u8(10);
        long p = 13;
        int globalPalette = -1;
        int globalBytes = 0;
        if ((flags & 0x80) != 0) {
            int size = 3 << ((flags & 7) + 1);
            globalBytes = (int) Math.min(size, Math.max(0, bytes.length - p));
            if (!isGreyRamp(bytes, (int) p, globalBytes)) {
                globalPalette = (int) p;
            }
            p += size;
        }
        int transparency = -1;
        while (true) {
            if (p >= bytes.length || bytes[(int) p] == 0x3B) {
                throw b.damaged("it has no image");
            }
            int block = bytes[(int) p++] & 0xFF;
            if (block == 0x21) {
                if (p >= bytes.length) {
                    throw b.damaged("it has no image");
                }
                int label = bytes[(int) p++] & 0xFF;
                int size = p < bytes.length ? bytes[(int) p] & 0xFF : 0;
                if (label == 0xF9 && size > 0) {
                    if (size < 4 || !b.has(p + 1, 4)) {
                        throw b.damaged("its graphic control extension is too short");
                    }
                    transparency = (bytes[(int) p + 1] & 1) != 0 ? bytes[(int) p + 4] & 0xFF : -1;
                }
                // The first sub-block, then the rest up to an empty one (or the end of the data).
                while (p < bytes.length) {
                    int n = bytes[(int) p] & 0xFF;
                    p += 1 + n;
                    if (n == 0) {
                        break;
                    }
                }
            } else if (block == 0x2C) {
                long left = b.u16le(p);
                long top = b.u16le(p + 2);
                long frameW = b.u16le(p + 4);
                long frameH = b.u16le(p + 6);
                int local = b.u8(p + 8);
                p += 9;
                if (frameW == 0 || frameH == 0) {
                    throw b.damaged("its first frame is empty");
                }
                int palette = globalPalette;
                int paletteBytes = globalPalette >= 0 ? globalBytes : 0;
                if ((local & 0x80) != 0) {
                    int size = 3 << ((local & 7) + 1);
                    paletteBytes = (int) Math.min(size, Math.max(0, bytes.length - p));
                    palette = isGreyRamp(bytes, (int) p, paletteBytes) ? -1 : (int) p;
                    p += size;
                }
                int codeSize = b.u8(p);
                if (codeSize > 12) {
                    throw b.damaged("its LZW code size is " + codeSize);
                }
                long width = Math.max(screenW, left + frameW);
                long height = Math.max(screenH, top + frameH);
                return new Frame((int) width, (int) height, (int) left, (int) top, (int) frameW, (int) frameH,
                        palette, palette >= 0 ? paletteBytes : 0, transparency, (local & 0x40) != 0, codeSize,
                        (int) p + 1);
            }
            // Any other byte is skipped, as Pillow skips it.
        }
    }

    /** Pillow's {@code _is_palette_needed} inverted: entry i is (i, i, i) for every entry present. */
    private static boolean isGreyRamp(byte[] b, int at, int length) {
        for (int i = 0; i + 2 < length; i += 3) {
            int v = i / 3;
            if ((b[at + i] & 0xFF) != v || (b[at + i + 1] & 0xFF) != v || (b[at + i + 2] & 0xFF) != v) {
                return false;
            }
        }
        return true;
    }
}
