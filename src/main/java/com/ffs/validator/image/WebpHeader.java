package com.ffs.validator.image;

/**
 * WebP's first chunk: {@code VP8 } (lossy), {@code VP8L} (lossless) or {@code VP8X} (extended: canvas size,
 * animation, alpha). libwebp's animation decoder keeps two canvases (the frame being built and the previous one),
 * each four bytes a pixel, and decodes a frame into up to four bytes a pixel more (lossless) plus an alpha plane; the
 * file itself is copied to native memory.
 */
final class WebpHeader {

    private WebpHeader() {
    }

    static ImageHeader read(byte[] bytes) {
        HeaderBytes b = new HeaderBytes(bytes, ImageFormat.WEBP);
        long width;
        long height;
        if (b.ascii(12, "VP8X")) {
            width = b.u24le(24) + 1L;
            height = b.u24le(27) + 1L;
        } else if (b.ascii(12, "VP8L")) {
            if (b.u8(20) != 0x2F) {
                throw b.damaged("its lossless signature is missing");
            }
            long bits = b.u32le(21);
            width = (bits & 0x3FFF) + 1;
            height = ((bits >> 14) & 0x3FFF) + 1;
        } else if (b.ascii(12, "VP8 ")) {
            if (b.u8(23) != 0x9D || b.u8(24) != 0x01 || b.u8(25) != 0x2A) {
                throw b.damaged("its lossy frame start code is missing");
            }
            width = b.u16le(26) & 0x3FFF;
            height = b.u16le(28) & 0x3FFF;
        } else {
            throw b.damaged("its first chunk is not VP8, VP8L or VP8X");
        }
        long pixels = HeaderBytes.times(width, height);
        long working = HeaderBytes.plus(HeaderBytes.times(pixels, 13), bytes.length, 64 * 1024);
        return new ImageHeader(ImageFormat.WEBP, width, height, working, bytes);
    }
}
