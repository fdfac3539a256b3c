package com.ffs.validator.image;

/**
 * BMP's file and info headers. Pixels stored as JPEG or PNG inside a BMP (compressions 4 and 5) are refused, as
 * Pillow refuses them; uncompressed bitmaps must hold all their rows (the JDK's reader fills a short one with grey);
 * for RLE the declared sizes are clamped to the bytes present, since the JDK's reader allocates them before reading.
 */
final class BmpHeader {

    private BmpHeader() {
    }

    static ImageHeader read(byte[] bytes) {
        HeaderBytes b = new HeaderBytes(bytes, ImageFormat.BMP);
        long dataOffset = b.u32le(10);
        long headerSize = b.u32le(14);
        long width;
        long height;
        int bitsPerPixel;
        long compression = 0;
        long imageSize = 0;
        if (headerSize == 12) {
            width = b.u16le(18);
            height = b.u16le(20);
            bitsPerPixel = b.u16le(24);
        } else {
            width = b.i32le(18);
            height = Math.abs((long) b.i32le(22));
            bitsPerPixel = b.u16le(28);
            if (headerSize >= 20) {
                compression = b.u32le(30);
            }
            if (headerSize >= 24) {
                imageSize = b.u32le(34);
            }
        }
        if (compression == 4 || compression == 5) {
            throw b.unsupported("holds " + (compression == 4 ? "JPEG" : "PNG") + " data (compression "
                    + compression + "; Pillow refuses it too)");
        }
        if (compression != 0 && compression != 1 && compression != 2 && compression != 3 && compression != 6) {
            throw b.unsupported("uses compression " + compression);
        }
        if (bitsPerPixel != 1 && bitsPerPixel != 2 && bitsPerPixel != 4 && bitsPerPixel != 8 && bitsPerPixel != 16
                && bitsPerPixel != 24 && bitsPerPixel != 32) {
            throw b.unsupported("has " + bitsPerPixel + " bits a pixel");
        }
        if (width <= 0 || height <= 0) {
            throw b.damaged("it declares a size of " + width + "x" + height);
        }
        long rowBytes = Math.ceilDiv(HeaderBytes.times(width, bitsPerPixel), 32) * 4;
        long raster = HeaderBytes.times(rowBytes, height);
        boolean rle = compression == 1 || compression == 2;
        byte[] input = bytes;
        IntakeException defect = null;
        long available = Math.max(0, bytes.length - dataOffset);
        if (!rle) {
            long needed = HeaderBytes.plus(dataOffset, raster);
            if (bytes.length < needed) {
                defect = new IntakeException(IntakeError.DECODE_FAILED, "BMP is truncated: " + bytes.length + " of "
                        + needed + " bytes");
            }
        } else if (imageSize == 0 || imageSize > available || b.u32le(2) != bytes.length) {
            input = bytes.clone();
            putU32le(input, 2, bytes.length);
            if (headerSize >= 24) {
                putU32le(input, 34, imageSize == 0 ? available : Math.min(imageSize, available));
            }
        }
        // The JDK reads 16- and 32-bit pixels into short and int rasters, the others into bytes; RLE data is read
        // whole into a buffer first.
        long decoded = bitsPerPixel >= 16 ? HeaderBytes.times(width, height, bitsPerPixel / 8)
                : HeaderBytes.times(Math.ceilDiv(HeaderBytes.times(width, bitsPerPixel), 8), height);
        long working = HeaderBytes.plus(decoded, rle ? available : 0, input != bytes ? bytes.length : 0, 64 * 1024);
        return new ImageHeader(ImageFormat.BMP, width, height, working, input, defect);
    }

    private static void putU32le(byte[] b, int at, long value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >> 8);
        b[at + 2] = (byte) (value >> 16);
        b[at + 3] = (byte) (value >> 24);
    }
}
