package com.ffs.validator.image;

/**
 * Bounds-checked reads of a file's header fields: a read past the end is {@code DECODE_FAILED} ("truncated"), never
 * an {@link IndexOutOfBoundsException}, so the header parsers can be driven by any bytes.
 */
final class HeaderBytes {

    private final byte[] b;
    private final ImageFormat format;

    HeaderBytes(byte[] bytes, ImageFormat format) {
        this.b = bytes;
        this.format = format;
    }

    int length() {
        return b.length;
    }

    byte[] array() {
        return b;
    }

    int u8(long at) {
        check(at, 1);
        return b[(int) at] & 0xFF;
    }

    int u16le(long at) {
        check(at, 2);
        int p = (int) at;
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    int u16be(long at) {
        check(at, 2);
        int p = (int) at;
        return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }

    int u16(long at, boolean bigEndian) {
        return bigEndian ? u16be(at) : u16le(at);
    }

    int u24le(long at) {
        check(at, 3);
        int p = (int) at;
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16;
    }

    long u32le(long at) {
        check(at, 4);
        int p = (int) at;
        return ((b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24);
    }

    long u32be(long at) {
        check(at, 4);
        int p = (int) at;
        return ((b[p] & 0xFFL) << 24 | (b[p + 1] & 0xFFL) << 16 | (b[p + 2] & 0xFFL) << 8 | (b[p + 3] & 0xFFL));
    }

    long u32(long at, boolean bigEndian) {
        return bigEndian ? u32be(at) : u32le(at);
    }

    /** Signed 32-bit little-endian. */
    int i32le(long at) {
        return (int) u32le(at);
    }

    boolean has(long at, long count) {
        return at >= 0 && count >= 0 && at <= b.length && count <= b.length - at;
    }

    boolean ascii(long at, String text) {
        if (!has(at, text.length())) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (b[(int) at + i] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The product of non-negative sizes, saturating at {@code Long.MAX_VALUE} instead of overflowing. */
    static long times(long... factors) {
        long product = 1;
        for (long f : factors) {
            if (f < 0) {
                throw new IllegalArgumentException("negative size " + f);
            }
            if (f != 0 && product > Long.MAX_VALUE / f) {
                return Long.MAX_VALUE;
            }
            product *= f;
        }
        return product;
    }

    /** The sum of non-negative sizes, saturating at {@code Long.MAX_VALUE}. */
    static long plus(long... terms) {
        long sum = 0;
        for (long t : terms) {
            sum = t > Long.MAX_VALUE - sum ? Long.MAX_VALUE : sum + t;
        }
        return sum;
    }

    private void check(long at, int count) {
        if (!has(at, count)) {
            throw truncated();
        }
    }

    IntakeException truncated() {
        return new IntakeException(IntakeError.DECODE_FAILED, format.displayName() + " is truncated: its header "
                + "runs past the end of the data");
    }

    IntakeException damaged(String why) {
        return new IntakeException(IntakeError.DECODE_FAILED, format.displayName() + " is damaged: " + why);
    }

    IntakeException unsupported(String what) {
        return new IntakeException(IntakeError.UNSUPPORTED_FORMAT, format.displayName() + " " + what
                + ", which this service does not decode");
    }
}
