package com.ffs.validator.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The orientation {@code ImageOps.exif_transpose} applies (Pillow 9.4), read from every source it reads, and the
 * transpose itself.
 *
 * <ul>
 * <li>JPEG: the first APP1 {@code Exif} segment (Pillow reads no XMP orientation from JPEG).</li>
 * <li>PNG: the {@code exif} Pillow's reader collects: an {@code eXIf} chunk or a {@code tEXt} chunk named
 * {@code exif}; failing that, ImageMagick's {@code Raw profile type exif} text (hex); failing an orientation tag in
 * either, the XMP packet's {@code tiff:Orientation} (attribute or element form) from a {@code tEXt}, {@code zTXt} or
 * {@code iTXt} chunk named {@code XML:com.adobe.xmp}. Chunks before the image data count; those after it count only
 * when no {@code exif} came before it (Pillow then loads the image to look for one), a later chunk replacing an
 * earlier one of the same name.</li>
 * <li>WebP: the {@code EXIF} chunk.</li>
 * <li>TIFF: the image's own directory. Pillow 9.4 transposes a TIFF by this tag when it loads it, and
 * {@code exif_transpose} then transposes it again; the orientation returned is what both together do.</li>
 * </ul>
 */
final class ExifOrientation {

    private static final int ORIENTATION_TAG = 0x0112;
    /** No orientation tag at all (one with a value outside 1 to 8 is there, and transposes nothing). */
    private static final int ABSENT = -1;
    /** Pillow inflates a text chunk to at most 1 MiB ({@code MAX_TEXT_CHUNK}) and all of them to 64 MiB. */
    private static final int MAX_TEXT_CHUNK = 1 << 20;
    private static final long MAX_TEXT_MEMORY = 64L << 20;
    private static final String XMP_KEY = "XML:com.adobe.xmp";
    private static final String RAW_PROFILE_KEY = "Raw profile type exif";

    private ExifOrientation() {
    }

    /** The orientation (1 to 8) to apply; 1 (as stored) when there is none or it cannot be read. */
    static int read(ImageFormat format, byte[] b) {
        try {
            int value = switch (format) {
                case JPEG -> jpeg(b);
                case PNG -> png(b);
                case WEBP -> webp(b);
                case TIFF -> twice(transposeFor(tiff(b, 0, b.length)));
                default -> 1;
            };
            return transposeFor(value);
        } catch (RuntimeException e) {
            // Broken metadata never fails an image.
            return 1;
        }
    }

    /** The orientation that does what applying {@code orientation} twice does. */
    private static int twice(int orientation) {
        // Flips, the half turn, transpose and transverse undo themselves; two quarter turns make a half turn.
        return orientation == 6 || orientation == 8 ? 3 : 1;
    }

    private static int transposeFor(int value) {
        return value >= 2 && value <= 8 ? value : 1;
    }

    private static int jpeg(byte[] b) {
        int p = 2;
        while (p + 4 <= b.length) {
            if ((b[p] & 0xFF) != 0xFF) {
                // Stray bytes before a marker, skipped as Pillow's reader skips them.
                p++;
                continue;
            }
            int marker = b[p + 1] & 0xFF;
            if (marker == 0xFF || marker == 0) {
                p++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return 1;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                p += 2;
                continue;
            }
            int length = u16be(b, p + 2);
            if (marker == 0xE1 && startsWith(b, p + 4, "Exif\0\0")) {
                return tiff(b, p + 10, Math.min(b.length, p + 2 + length));
            }
            p += 2 + length;
        }
        return 1;
    }

    /** The text chunks Pillow collects into {@code info} that bear on orientation, as the walk leaves them. */
    private static final class PngInfo {
        byte[] exif;
        int exifStart;
        int exifEnd;
        String rawProfile;
        byte[] xmp;
        long inflated;
    }

    private static int png(byte[] b) {
        PngInfo info = new PngInfo();
        int p = 8;
        boolean afterImage = false;
        while (p + 12 <= b.length) {
            int length = (int) Math.min(Integer.MAX_VALUE, u32be(b, p));
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            int start = p + 8;
            int end = (int) Math.min(b.length, (long) start + length);
            if (type.equals("IEND")) {
                break;
            }
            if (type.equals("IDAT") && !afterImage) {
                afterImage = true;
                if (info.exif != null) {
                    // Pillow finds exif before the image data and never reads further.
                    break;
                }
            }
            pngChunk(b, type, start, end, info);
            p = (int) Math.min(Integer.MAX_VALUE, (long) start + length + 4);
        }
        int fromExif = ABSENT;
        if (info.exif != null) {
            fromExif = tiff(info.exif, info.exifStart, info.exifEnd);
        } else if (info.rawProfile != null) {
            fromExif = rawProfile(info.rawProfile);
        }
        return fromExif != ABSENT ? fromExif : info.xmp == null ? 1 : xmpOrientation(info.xmp);
    }

    private static void pngChunk(byte[] b, String type, int start, int end, PngInfo info) {
        switch (type) {
            case "eXIf" -> {
                info.exif = b;
                info.exifStart = start;
                info.exifEnd = end;
            }
            case "tEXt" -> {
                int nul = indexOf(b, start, end, (byte) 0);
                String key = new String(b, start, (nul < 0 ? end : nul) - start, StandardCharsets.ISO_8859_1);
                int value = nul < 0 ? end : nul + 1;
                if (key.equals("exif")) {
                    // Kept as bytes; Pillow strips an "Exif\0\0" prefix when it reads them.
                    info.exif = b;
                    info.exifStart = startsWith(b, value, "Exif\0\0") ? value + 6 : value;
                    info.exifEnd = end;
                } else {
                    text(info, key, Arrays.copyOfRange(b, value, end));
                }
            }
            case "zTXt" -> {
                int nul = indexOf(b, start, end, (byte) 0);
                if (nul < 0 || nul + 1 >= end || b[nul + 1] != 0) {
                    return;
                }
                String key = new String(b, start, nul - start, StandardCharsets.ISO_8859_1);
                if (key.equals(XMP_KEY) || key.equals(RAW_PROFILE_KEY)) {
                    byte[] value = inflate(b, nul + 2, end, info);
                    text(info, key, value == null ? new byte[0] : value);
                }
            }
            case "iTXt" -> {
                int nul = indexOf(b, start, end, (byte) 0);
                if (nul < 0 || nul + 3 > end) {
                    return;
                }
                String key = new String(b, start, nul - start, StandardCharsets.ISO_8859_1);
                if (!key.equals(XMP_KEY) && !key.equals(RAW_PROFILE_KEY)) {
                    return;
                }
                boolean compressed = b[nul + 1] != 0;
                int language = indexOf(b, nul + 3, end, (byte) 0);
                int translated = language < 0 ? -1 : indexOf(b, language + 1, end, (byte) 0);
                if (translated < 0 || (compressed && b[nul + 2] != 0)) {
                    return;
                }
                byte[] value = compressed ? inflate(b, translated + 1, end, info)
                        : Arrays.copyOfRange(b, translated + 1, end);
                if (value != null && isUtf8(value)) {
                    text(info, key, value);
                }
            }
            default -> {
                // Other chunks carry no orientation.
            }
        }
    }

    private static void text(PngInfo info, String key, byte[] value) {
        if (key.equals(XMP_KEY)) {
            info.xmp = value;
        } else if (key.equals(RAW_PROFILE_KEY)) {
            info.rawProfile = new String(value, StandardCharsets.ISO_8859_1);
        }
    }

    /** Inflates a text chunk as Pillow does, or null when Pillow would not keep it (too large, not zlib). */
    private static byte[] inflate(byte[] b, int start, int end, PngInfo info) {
        if (info.inflated >= MAX_TEXT_MEMORY || start > end) {
            return null;
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(b, start, end - start);
            byte[] out = new byte[Math.min(MAX_TEXT_CHUNK, 64 * 1024)];
            int n = 0;
            while (!inflater.finished()) {
                if (n == out.length) {
                    if (out.length == MAX_TEXT_CHUNK) {
                        return null;
                    }
                    out = Arrays.copyOf(out, Math.min(MAX_TEXT_CHUNK, out.length * 4));
                }
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            info.inflated += n;
            return Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }

    /** {@code bytes.fromhex} of the lines after the third of ImageMagick's raw profile, then its orientation tag. */
    private static int rawProfile(String text) {
        String[] lines = text.split("\n", -1);
        StringBuilder hex = new StringBuilder();
        for (int i = 3; i < lines.length; i++) {
            for (char c : lines[i].toCharArray()) {
                if (!Character.isWhitespace(c)) {
                    hex.append(c);
                }
            }
        }
        byte[] exif = HexFormat.of().parseHex(hex);
        int start = startsWith(exif, 0, "Exif\0\0") ? 6 : 0;
        return tiff(exif, start, exif.length);
    }

    /** The first match of Pillow's {@code tiff:Orientation(="|>)([0-9])}; 1 when there is none. */
    private static int xmpOrientation(byte[] xmp) {
        byte[] name = "tiff:Orientation".getBytes(StandardCharsets.US_ASCII);
        for (int i = indexOf(xmp, 0, xmp.length, name); i >= 0; i = indexOf(xmp, i + 1, xmp.length, name)) {
            int p = i + name.length;
            if (p < xmp.length && xmp[p] == '>' && p + 1 < xmp.length && isDigit(xmp[p + 1])) {
                return xmp[p + 1] - '0';
            }
            if (p + 2 < xmp.length && xmp[p] == '=' && xmp[p + 1] == '"' && isDigit(xmp[p + 2])) {
                return xmp[p + 2] - '0';
            }
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
                return tiff(b, start, (int) Math.min(b.length, (long) p + 8 + length));
            }
            p = (int) Math.min(Integer.MAX_VALUE, (long) p + 8 + length + (length & 1));
        }
        return 1;
    }

    /**
     * The orientation tag of the first directory of the TIFF structure in {@code b[start, end)} (classic or BigTIFF):
     * its first value when it is an integer, 0 when it is there with another type, {@link #ABSENT} when it is not.
     * As in Pillow, a later entry of the same tag replaces an earlier one and a directory cut short keeps the entries
     * before the cut.
     */
    private static int tiff(byte[] b, int start, int end) {
        if (end - start < 8) {
            return ABSENT;
        }
        ByteOrder order;
        if (b[start] == 'I' && b[start + 1] == 'I') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (b[start] == 'M' && b[start + 1] == 'M') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            return ABSENT;
        }
        ByteBuffer buf = ByteBuffer.wrap(b, start, end - start).slice().order(order);
        boolean big = (buf.getShort(2) & 0xFFFF) == 43;
        long ifd = big ? (end - start >= 16 ? buf.getLong(8) : -1) : buf.getInt(4) & 0xFFFFFFFFL;
        int countSize = big ? 8 : 2;
        int entrySize = big ? 20 : 12;
        if (ifd < 0 || ifd + countSize > buf.limit()) {
            return ABSENT;
        }
        long entries = big ? buf.getLong((int) ifd) : buf.getShort((int) ifd) & 0xFFFF;
        int found = ABSENT;
        for (long i = 0; i < entries; i++) {
            long e = ifd + countSize + i * entrySize;
            if (e + entrySize > buf.limit()) {
                break;
            }
            if ((buf.getShort((int) e) & 0xFFFF) != ORIENTATION_TAG) {
                continue;
            }
            int type = buf.getShort((int) e + 2) & 0xFFFF;
            int value = (int) e + (big ? 12 : 8);
            found = switch (type) {
                case 3 -> buf.getShort(value) & 0xFFFF;
                case 8 -> buf.getShort(value);
                case 4, 9 -> buf.getInt(value);
                case 1, 2, 5, 6, 7, 10, 11, 12 -> 0;
                default -> found;
            };
        }
        return found;
    }

    /** The image as {@code exif_transpose} leaves it for {@code orientation}. */
    static RgbImage apply(RgbImage in, int orientation) {
        return switch (orientation) {
            case 2 -> transform(in, false, true, false); // FLIP_LEFT_RIGHT
            case 3 -> transform(in, false, true, true); // ROTATE_180
            case 4 -> transform(in, false, false, true); // FLIP_TOP_BOTTOM
            case 5 -> transform(in, true, false, false); // TRANSPOSE
            case 6 -> transform(in, true, false, true); // ROTATE_270 (clockwise 90)
            case 7 -> transform(in, true, true, true); // TRANSVERSE
            case 8 -> transform(in, true, true, false); // ROTATE_90 (counter-clockwise)
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

    private static boolean isUtf8(byte[] value) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int indexOf(byte[] b, int from, int end, byte value) {
        for (int i = Math.max(from, 0); i < end; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, int from, int end, byte[] what) {
        outer: for (int i = Math.max(from, 0); i + what.length <= end; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int at, String ascii) {
        if (at < 0 || at + ascii.length() > b.length) {
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
