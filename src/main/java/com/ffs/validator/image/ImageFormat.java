package com.ffs.validator.image;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Image container formats recognised from their first bytes; the URL and Content-Type are never trusted. */
public enum ImageFormat {
    JPEG("JPEG", true),
    PNG("PNG", true),
    GIF("GIF", true),
    BMP("BMP", true),
    WEBP("WebP", true),
    TIFF("TIFF", true),
    HEIC("HEIC/HEIF", false),
    AVIF("AVIF", false),
    JPEG_XL("JPEG XL", false),
    JPEG_2000("JPEG 2000", false),
    ICO("ICO", false),
    PSD("Photoshop PSD", false),
    SVG("SVG", false),
    PDF("PDF", false),
    UNKNOWN("unknown", false);

    private final String displayName;
    private final boolean decodable;

    ImageFormat(String displayName, boolean decodable) {
        this.displayName = displayName;
        this.decodable = decodable;
    }

    /** Whether this build decodes the format. */
    public boolean decodable() {
        return decodable;
    }

    /** The format's usual name, for messages. */
    public String displayName() {
        return displayName;
    }

    /** Identifies the format from magic bytes. */
    public static ImageFormat sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        if (startsWith(b, 0, new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' })) {
            return PNG;
        }
        if (b.length >= 13 && (startsWith(b, 0, ascii("GIF87a")) || startsWith(b, 0, ascii("GIF89a")))) {
            return GIF;
        }
        if (b.length >= 26 && b[0] == 'B' && b[1] == 'M' && isBmpInfoHeader(b)) {
            return BMP;
        }
        if (startsWith(b, 0, ascii("RIFF")) && startsWith(b, 8, ascii("WEBP"))) {
            return WEBP;
        }
        if (startsWith(b, 0, new byte[] { 'I', 'I', 42, 0 }) || startsWith(b, 0, new byte[] { 'M', 'M', 0, 42 })
                || startsWith(b, 0, new byte[] { 'I', 'I', 43, 0 }) || startsWith(b, 0, new byte[] { 'M', 'M', 0, 43 })) {
            // Classic TIFF and BigTIFF.
            return TIFF;
        }
        if (b.length >= 12 && startsWith(b, 4, ascii("ftyp"))) {
            String brand = new String(b, 8, 4, StandardCharsets.US_ASCII);
            if (brand.startsWith("avi")) {
                return AVIF;
            }
            if (brand.startsWith("hei") || brand.startsWith("hev") || brand.equals("mif1") || brand.equals("msf1")) {
                return HEIC;
            }
            if (brand.equals("jxl ")) {
                return JPEG_XL;
            }
            if (brand.equals("jp2 ") || brand.equals("jpx ")) {
                return JPEG_2000;
            }
        }
        if (startsWith(b, 0, new byte[] { (byte) 0xFF, 0x0A })
                || startsWith(b, 0, new byte[] { 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', '\r', '\n', (byte) 0x87, '\n' })) {
            return JPEG_XL;
        }
        if (startsWith(b, 0, new byte[] { 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', '\r', '\n', (byte) 0x87, '\n' })
                || startsWith(b, 0, new byte[] { (byte) 0xFF, 0x4F, (byte) 0xFF, 0x51 })) {
            return JPEG_2000;
        }
        if (startsWith(b, 0, new byte[] { 0, 0, 1, 0 }) && b.length >= 6 && b[4] != 0) {
            return ICO;
        }
        if (startsWith(b, 0, ascii("8BPS"))) {
            return PSD;
        }
        if (startsWith(b, 0, ascii("%PDF-"))) {
            return PDF;
        }
        String head = textHead(b);
        if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.contains("<svg"))) {
            return SVG;
        }
        return UNKNOWN;
    }

    /** BMP's file header is followed by an info header of a known size; "BM" alone is too weak a signature. */
    private static boolean isBmpInfoHeader(byte[] b) {
        int size = (b[14] & 0xFF) | (b[15] & 0xFF) << 8 | (b[16] & 0xFF) << 16 | (b[17] & 0xFF) << 24;
        return size == 12 || size == 16 || size == 40 || size == 52 || size == 56 || size == 64 || size == 108
                || size == 124;
    }

    /** A short description of bytes that are no image, for error messages (e.g. an HTML error page). */
    static String describeUnknown(byte[] b) {
        if (b.length == 0) {
            return "empty body";
        }
        String head = textHead(b);
        if (head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<head")
                || head.startsWith("<body") || head.startsWith("<!--")) {
            return "an HTML page";
        }
        if (head.startsWith("<?xml")) {
            return "XML";
        }
        if (head.startsWith("{") || head.startsWith("[")) {
            return "JSON";
        }
        return "unrecognised data (" + Math.min(b.length, 8) + " first bytes: " + hex(b, 8) + ")";
    }

    private static String textHead(byte[] b) {
        int start = b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF ? 3 : 0;
        return new String(b, start, Math.min(b.length - start, 256), StandardCharsets.ISO_8859_1).stripLeading()
                .toLowerCase(Locale.ROOT);
    }

    private static String hex(byte[] b, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, max); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return s.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean startsWith(byte[] b, int offset, byte[] prefix) {
        if (b.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
