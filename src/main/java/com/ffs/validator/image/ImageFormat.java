package com.ffs.validator.image;

import java.nio.charset.StandardCharsets;

/** Image container formats recognised from their first bytes; the URL and Content-Type are never trusted. */
public enum ImageFormat {
    JPEG(true), PNG(true), GIF(true), BMP(true), WEBP(true), TIFF(false), HEIC(false), AVIF(false), UNKNOWN(false);

    private final boolean decodable;

    ImageFormat(boolean decodable) {
        this.decodable = decodable;
    }

    /** Whether this build decodes the format. */
    public boolean decodable() {
        return decodable;
    }

    /** Identifies the format from magic bytes. */
    public static ImageFormat sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        if (startsWith(b, 0, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})) {
            return PNG;
        }
        if (startsWith(b, 0, ascii("GIF87a")) || startsWith(b, 0, ascii("GIF89a"))) {
            return GIF;
        }
        if (b.length >= 14 && b[0] == 'B' && b[1] == 'M') {
            return BMP;
        }
        if (startsWith(b, 0, ascii("RIFF")) && startsWith(b, 8, ascii("WEBP"))) {
            return WEBP;
        }
        if (startsWith(b, 0, new byte[] {'I', 'I', 42, 0}) || startsWith(b, 0, new byte[] {'M', 'M', 0, 42})) {
            return TIFF;
        }
        if (startsWith(b, 4, ascii("ftyp")) && b.length >= 12) {
            String brand = new String(b, 8, 4, StandardCharsets.US_ASCII);
            if (brand.startsWith("avi")) {
                return AVIF;
            }
            if (brand.startsWith("hei") || brand.startsWith("hev") || brand.equals("mif1") || brand.equals("msf1")) {
                return HEIC;
            }
        }
        return UNKNOWN;
    }

    /** A short description of bytes that are no image, for error messages (e.g. an HTML error page). */
    static String describeUnknown(byte[] b) {
        if (b.length == 0) {
            return "empty body";
        }
        String head = new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1).stripLeading()
                .toLowerCase(java.util.Locale.ROOT);
        if (head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<head")) {
            return "an HTML page";
        }
        if (head.startsWith("<?xml") || head.startsWith("<svg")) {
            return "XML or SVG (vector images are not supported)";
        }
        if (head.startsWith("{") || head.startsWith("[")) {
            return "JSON";
        }
        return "unrecognised data";
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
}
