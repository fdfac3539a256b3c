package com.ffs.validator.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The EXIF orientation tag (274) and the transpose that {@code ImageOps.exif_transpose} applies for it. The tag is
 * read from where Pillow reads EXIF: JPEG APP1, PNG {@code eXIf}, WebP {@code EXIF} and the TIFF image's own IFD.
 */
final class ExifOrientation {

    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {
    }

    /** The orientation (1 to 8) the bytes declare; 1 (as stored) when there is none or it cannot be read. */
    static int read(ImageFormat format, byte[] b) {
        try {
            return switch (format) {
                case JPEG -> jpeg(b);
                case PNG -> png(b);
                case WEBP -> webp(b);
                case TIFF -> tiff(b, 0, b.length);
                default -> 1;
            };
        } catch (RuntimeException e) {
            // Broken metadata never fails an image; Pillow ignores it as well.
            return 1;
        }
    }

    private static int jpeg(byte[] b) {
        int p = 2;
        while (p + 4 <= b.length) {
            if ((b[p] & 0xFF) != 0xFF) {
                return 1;
            }
            int marker = b[p + 1] & 0xFF;
            if (marker == 0xFF) {
                p++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return 1;
            }
            int length = u16be(b, p + 2);
            if (marker == 0xE1 && length >= 8 && startsWith(b, p + 4, "Exif\0\0")) {
                return tiff(b, p + 10, Math.min(b.length, p + 2 + length));
            }
            p += 2 + length;
        }
        return 1;
    }

    private static int png(byte[] b) {
        int p = 8;
        while (p + 12 <= b.length) {
            int length = (int) Math.min(Integer.MAX_VALUE, u32be(b, p));
            String type = new String(b, p + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("eXIf")) {
                int start = p + 8;
                // Some writers keep the "Exif\0\0" prefix of JPEG's APP1 in the chunk.
                if (startsWith(b, start, "Exif\0\0")) {
                    start += 6;
                }
                return tiff(b, start, Math.min(b.length, p + 8 + length));
            }
            if (type.equals("IDAT") || type.equals("IEND")) {
                // Pillow reads eXIf only when it precedes the image data.
                return 1;
            }
            p += 12 + length;
        }
        return 1;
    }

    private static int webp(byte[] b) {
        int p = 12;
        while (p + 8 <= b.length) {
            String type = new String(b, p, 4, StandardCharsets.US_ASCII);
            int length = (int) Math.min(Integer.MAX_VALUE, u32le(b, p + 4));
            if (type.equals("EXIF")) {
                int start = p + 8;
                if (startsWith(b, start, "Exif\0\0")) {
                    start += 6;
                }
                return tiff(b, start, Math.min(b.length, p + 8 + length));
            }
            p += 8 + length + (length & 1);
        }
        return 1;
    }

    /** Orientation from the first IFD of the TIFF structure in {@code b[start, end)}. */
    private static int tiff(byte[] b, int start, int end) {
        if (end - start < 8) {
            return 1;
        }
        ByteOrder order;
        if (b[start] == 'I' && b[start + 1] == 'I') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (b[start] == 'M' && b[start + 1] == 'M') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            return 1;
        }
        ByteBuffer buf = ByteBuffer.wrap(b, start, end - start).slice().order(order);
        long ifd = buf.getInt(4) & 0xFFFFFFFFL;
        if (ifd + 2 > buf.limit()) {
            return 1;
        }
        int entries = buf.getShort((int) ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + i * 12;
            if (e + 12 > buf.limit()) {
                return 1;
            }
            if ((buf.getShort(e) & 0xFFFF) == ORIENTATION_TAG) {
                int type = buf.getShort(e + 2) & 0xFFFF;
                int value = type == 3 ? buf.getShort(e + 8) & 0xFFFF : type == 4 ? buf.getInt(e + 8) : 1;
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    /** The image as {@code exif_transpose} leaves it for {@code orientation}. */
    static RgbImage apply(RgbImage in, int orientation) {
        return switch (orientation) {
            case 2 -> transform(in, false, true, false);   // FLIP_LEFT_RIGHT
            case 3 -> transform(in, false, true, true);    // ROTATE_180
            case 4 -> transform(in, false, false, true);   // FLIP_TOP_BOTTOM
            case 5 -> transform(in, true, false, false);   // TRANSPOSE
            case 6 -> transform(in, true, false, true);    // ROTATE_270 (clockwise 90)
            case 7 -> transform(in, true, true, true);     // TRANSVERSE
            case 8 -> transform(in, true, true, false);    // ROTATE_90 (counter-clockwise)
            default -> in;
        };
    }

    /**
     * Output pixel (x, y) takes input pixel (sx, sy) where, with {@code swap}, sx and sy come from y and x; then
     * {@code flipX} / {@code flipY} mirror the source coordinate.
     */
    private static RgbImage transform(RgbImage in, boolean swap, boolean flipX, boolean flipY) {
        int w = in.width();
        int h = in.height();
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] src = in.pixels();
        byte[] dst = new byte[src.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx = swap ? y : x;
                int sy = swap ? x : y;
                if (flipX) {
                    sx = w - 1 - sx;
                }
                if (flipY) {
                    sy = h - 1 - sy;
                }
                int s = (sy * w + sx) * 3;
                int d = (y * ow + x) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(ow, oh, dst);
    }

    private static boolean startsWith(byte[] b, int at, String ascii) {
        if (at + ascii.length() > b.length) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[at + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int u16be(byte[] b, int p) {
        return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }

    private static long u32be(byte[] b, int p) {
        return (long) (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
    }

    private static long u32le(byte[] b, int p) {
        return (long) (b[p + 3] & 0xFF) << 24 | (b[p + 2] & 0xFF) << 16 | (b[p + 1] & 0xFF) << 8 | (b[p] & 0xFF);
    }
}
