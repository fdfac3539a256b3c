package com.ffs.validator.image;

/**
 * GIF's logical screen and first image descriptor. The decoded image is the screen (widened to hold the first frame,
 * as the decoder draws it); the decoder's own memory is the first frame's index raster and its RGB copy. Frames after
 * the first are never read, however many there are.
 */
final class GifHeader {

    private GifHeader() {
    }

    static ImageHeader read(byte[] bytes) {
        HeaderBytes b = new HeaderBytes(bytes, ImageFormat.GIF);
        int screenW = b.u16le(6);
        int screenH = b.u16le(8);
        int flags = b.u8(10);
        long p = 13;
        if ((flags & 0x80) != 0) {
            p += 3L * (2 << (flags & 7));
        }
        while (true) {
            int block = b.u8(p);
            if (block == 0x2C) {
                long left = b.u16le(p + 1);
                long top = b.u16le(p + 3);
                long frameW = b.u16le(p + 5);
                long frameH = b.u16le(p + 7);
                if (frameW == 0 || frameH == 0) {
                    throw b.damaged("its first frame is empty");
                }
                long width = Math.max(screenW, left + frameW);
                long height = Math.max(screenH, top + frameH);
                long frame = HeaderBytes.times(frameW, frameH);
                long working = HeaderBytes.plus(HeaderBytes.times(frame, 4), 64 * 1024);
                return new ImageHeader(ImageFormat.GIF, width, height, working, bytes);
            }
            if (block == 0x21) {
                // An extension: label, then data sub-blocks up to a zero length.
                p += 2;
                int size;
                while ((size = b.u8(p)) != 0) {
                    p += 1 + size;
                }
                p++;
            } else if (block == 0x3B) {
                throw b.damaged("it has no image");
            } else {
                throw b.damaged("unknown block 0x" + Integer.toHexString(block) + " before the first image");
            }
        }
    }
}
