package com.ffs.validator.image;

import java.util.function.IntUnaryOperator;

/**
 * Pillow's unpackers ({@code libImaging/Unpack.c}, 9.4) for the raw modes the BMP and TIFF readers ask for: each turns
 * {@code pixels} pixels of file data into the mode's layout ({@link PillowMode}). A band unpacker writes one byte of
 * each four-byte pixel and leaves the others. Where Pillow has no unpacker for a pair, {@link #find} gives null, and
 * the image is refused as Pillow refuses it. {@code ;16N} (libtiff's native order) is little-endian here, as on the
 * x86 and ARM machines Pillow's wheels and Debian build for.
 */
final class PillowUnpack {

    /** Writes {@code pixels} pixels read from {@code in[inOff...]} into {@code out[outOff...]}. */
    @FunctionalInterface
    interface Unpacker {
        void unpack(byte[] in, int inOff, byte[] out, int outOff, int pixels);
    }

    /** An unpacker and the bits of file data it reads per pixel. */
    record Found(int bits, Unpacker unpacker) {
    }

    private PillowUnpack() {
    }

    /** The unpacker Pillow uses for {@code rawmode} into {@code mode}, or null where Pillow has none. */
    static Found find(PillowMode mode, String rawmode) {
        String raw = rawmode.replace(";16N", ";16L");
        return switch (mode) {
            case BILEVEL -> switch (raw) {
                case "1" -> new Found(1, (in, i, out, o, n) -> bits(in, i, out, o, n, false, false));
                case "1;I" -> new Found(1, (in, i, out, o, n) -> bits(in, i, out, o, n, true, false));
                case "1;R" -> new Found(1, (in, i, out, o, n) -> bits(in, i, out, o, n, false, true));
                case "1;IR" -> new Found(1, (in, i, out, o, n) -> bits(in, i, out, o, n, true, true));
                default -> null;
            };
            case L -> switch (raw) {
                case "L;2" -> grey(2, false, false);
                case "L;2I" -> grey(2, true, false);
                case "L;2R" -> grey(2, false, true);
                case "L;2IR" -> grey(2, true, true);
                case "L;4" -> grey(4, false, false);
                case "L;4I" -> grey(4, true, false);
                case "L;4R" -> grey(4, false, true);
                case "L;4IR" -> grey(4, true, true);
                case "L" -> new Found(8, (in, i, out, o, n) -> System.arraycopy(in, i, out, o, n));
                case "L;I" -> new Found(8, (in, i, out, o, n) -> map(in, i, out, o, n, v -> ~v));
                case "L;R" -> new Found(8, (in, i, out, o, n) -> map(in, i, out, o, n, PillowUnpack::flip));
                default -> null;
            };
            case P -> switch (raw) {
                case "P;1" -> indices(1);
                case "P;2" -> indices(2);
                case "P;4" -> indices(4);
                case "P" -> new Found(8, (in, i, out, o, n) -> System.arraycopy(in, i, out, o, n));
                case "P;R" -> new Found(8, (in, i, out, o, n) -> map(in, i, out, o, n, PillowUnpack::flip));
                default -> null;
            };
            case LA, PA -> raw.equals(mode.pillowName()) ? new Found(16, (in, i, out, o, n) -> {
                for (int p = 0; p < n; p++, i += 2, o += 4) {
                    out[o] = in[i];
                    out[o + 1] = in[i];
                    out[o + 2] = in[i];
                    out[o + 3] = in[i + 1];
                }
            }) : null;
            case RGB, RGBA, RGBX -> colour(mode, raw);
            case CMYK -> switch (raw) {
                case "CMYK" -> copy4(0);
                case "CMYKX" -> copy4(1);
                case "CMYKXX" -> copy4(2);
                case "CMYK;16L" -> sixteen(false, false, 4);
                case "CMYK;16B" -> sixteen(true, false, 4);
                case "C" -> band(0, 8, false);
                case "M" -> band(1, 8, false);
                case "Y" -> band(2, 8, false);
                case "K" -> band(3, 8, false);
                default -> null;
            };
            case LAB -> switch (raw) {
                case "LAB" -> new Found(24, (in, i, out, o, n) -> {
                    for (int p = 0; p < n; p++, i += 3, o += 4) {
                        out[o] = in[i];
                        out[o + 1] = (byte) (in[i + 1] ^ 0x80);
                        out[o + 2] = (byte) (in[i + 2] ^ 0x80);
                        out[o + 3] = (byte) 255;
                    }
                });
                case "L" -> band(0, 8, false);
                case "A" -> band(1, 8, false);
                case "B" -> band(2, 8, false);
                default -> null;
            };
            case I16 -> switch (raw) {
                case "I;16", "I;16L" -> new Found(16, (in, i, out, o, n) -> System.arraycopy(in, i, out, o, 2 * n));
                case "I;16R" -> new Found(16, (in, i, out, o, n) -> map(in, i, out, o, 2 * n, PillowUnpack::flip));
                default -> null;
            };
            case I16B -> switch (raw) {
                case "I;16B" -> new Found(16, (in, i, out, o, n) -> System.arraycopy(in, i, out, o, 2 * n));
                // libtiff's native (little-endian) samples into the big-endian mode.
                case "I;16L" -> new Found(16, (in, i, out, o, n) -> {
                    for (int p = 0; p < n; p++, i += 2, o += 2) {
                        out[o] = in[i + 1];
                        out[o + 1] = in[i];
                    }
                });
                default -> null;
            };
            case I -> switch (raw) {
                case "I;16S" -> ints(16, false, true);
                case "I;16BS" -> ints(16, true, true);
                case "I;32N", "I;32S" -> ints(32, false, true);
                case "I;32BS" -> ints(32, true, true);
                default -> null;
            };
            case F -> switch (raw) {
                case "F;32F" -> new Found(32, (in, i, out, o, n) -> System.arraycopy(in, i, out, o, 4 * n));
                case "F;32BF" -> new Found(32, (in, i, out, o, n) -> {
                    for (int p = 0; p < n; p++, i += 4, o += 4) {
                        out[o] = in[i + 3];
                        out[o + 1] = in[i + 2];
                        out[o + 2] = in[i + 1];
                        out[o + 3] = in[i];
                    }
                });
                default -> null;
            };
        };
    }

    private static Found colour(PillowMode mode, String raw) {
        boolean rgba = mode == PillowMode.RGBA;
        boolean rgbx = mode == PillowMode.RGBX;
        return switch (raw) {
            case "RGB" -> rgba ? null : bytes(24, 3, new int[] { 0, 1, 2, -1 });
            case "RGB;R" -> mode == PillowMode.RGB ? new Found(24, (in, i, out, o, n) -> {
                for (int p = 0; p < n; p++, i += 3, o += 4) {
                    out[o] = (byte) flip(in[i]);
                    out[o + 1] = (byte) flip(in[i + 1]);
                    out[o + 2] = (byte) flip(in[i + 2]);
                    out[o + 3] = (byte) 255;
                }
            }) : null;
            case "BGR" -> rgba ? null : bytes(24, 3, new int[] { 2, 1, 0, -1 });
            case "BGRX" -> rgba ? null : bytes(32, 4, new int[] { 2, 1, 0, -1 });
            case "XBGR" -> rgba ? null : bytes(32, 4, new int[] { 3, 2, 1, -1 });
            case "BGRA" -> rgba ? bytes(32, 4, new int[] { 2, 1, 0, 3 }) : null;
            case "ABGR" -> rgba ? bytes(32, 4, new int[] { 3, 2, 1, 0 }) : null;
            case "RGBX" -> rgba ? null : copy4(0);
            case "RGBXX" -> rgbx ? copy4(1) : null;
            case "RGBXXX" -> rgbx ? copy4(2) : null;
            case "RGBA" -> rgba ? copy4(0) : null;
            case "RGBAX" -> rgba ? copy4(1) : null;
            case "RGBAXX" -> rgba ? copy4(2) : null;
            case "RGBa" -> rgba ? premultiplied(32, 4, 0, 1, 2, 3) : null;
            case "RGBaX" -> rgba ? premultiplied(40, 5, 0, 1, 2, 3) : null;
            case "RGBaXX" -> rgba ? premultiplied(48, 6, 0, 1, 2, 3) : null;
            case "RGBa;16L" -> rgba ? premultiplied(64, 8, 1, 3, 5, 7) : null;
            case "RGBa;16B" -> rgba ? premultiplied(64, 8, 0, 2, 4, 6) : null;
            case "RGB;16L" -> mode == PillowMode.RGB ? sixteen(false, true, 3) : null;
            case "RGB;16B" -> rgba ? null : sixteen(true, true, 3);
            case "RGBA;16L" -> rgba ? sixteen(false, false, 4) : null;
            case "RGBA;16B" -> rgba ? sixteen(true, false, 4) : null;
            case "RGBX;16L" -> rgbx ? sixteen(false, false, 4) : null;
            case "RGBX;16B" -> rgbx ? sixteen(true, false, 4) : null;
            case "BGR;15" -> rgba ? null : new Found(16, (in, i, out, o, n) -> {
                for (int p = 0; p < n; p++, i += 2, o += 4) {
                    int v = (in[i] & 0xFF) | (in[i + 1] & 0xFF) << 8;
                    out[o + 2] = (byte) ((v & 31) * 255 / 31);
                    out[o + 1] = (byte) (((v >> 5) & 31) * 255 / 31);
                    out[o] = (byte) (((v >> 10) & 31) * 255 / 31);
                    out[o + 3] = (byte) 255;
                }
            });
            case "BGR;16" -> mode == PillowMode.RGB ? new Found(16, (in, i, out, o, n) -> {
                for (int p = 0; p < n; p++, i += 2, o += 4) {
                    int v = (in[i] & 0xFF) | (in[i + 1] & 0xFF) << 8;
                    out[o + 2] = (byte) ((v & 31) * 255 / 31);
                    out[o + 1] = (byte) (((v >> 5) & 63) * 255 / 63);
                    out[o] = (byte) (((v >> 11) & 31) * 255 / 31);
                    out[o + 3] = (byte) 255;
                }
            }) : null;
            case "R" -> band(0, 8, false);
            case "G" -> band(1, 8, false);
            case "B" -> band(2, 8, false);
            case "A" -> rgba ? band(3, 8, false) : null;
            case "X" -> rgbx ? band(3, 8, false) : null;
            case "R;16L" -> rgbx ? null : band(0, 16, false);
            case "G;16L" -> rgbx ? null : band(1, 16, false);
            case "B;16L" -> rgbx ? null : band(2, 16, false);
            case "A;16L" -> rgba ? band(3, 16, false) : null;
            case "R;16B" -> rgbx ? null : band(0, 16, true);
            case "G;16B" -> rgbx ? null : band(1, 16, true);
            case "B;16B" -> rgbx ? null : band(2, 16, true);
            case "A;16B" -> rgba ? band(3, 16, true) : null;
            default -> null;
        };
    }

    /** Pixels of {@code size} bytes; byte k of the output pixel takes input byte {@code from[k]} (-1: 255). */
    private static Found bytes(int bits, int size, int[] from) {
        return new Found(bits, (in, i, out, o, n) -> {
            for (int p = 0; p < n; p++, i += size, o += 4) {
                for (int k = 0; k < 4; k++) {
                    out[o + k] = from[k] < 0 ? (byte) 255 : in[i + from[k]];
                }
            }
        });
    }

    /** Four bytes copied, then {@code skip} bytes left out. */
    private static Found copy4(int skip) {
        return new Found(32 + 8 * skip, (in, i, out, o, n) -> {
            for (int p = 0; p < n; p++, i += 4 + skip, o += 4) {
                System.arraycopy(in, i, out, o, 4);
            }
        });
    }

    /** 16-bit samples kept by their high byte; with {@code opaque}, three samples and alpha 255. */
    private static Found sixteen(boolean bigEndian, boolean opaque, int samples) {
        int high = bigEndian ? 0 : 1;
        return new Found(16 * samples, (in, i, out, o, n) -> {
            for (int p = 0; p < n; p++, i += 2 * samples, o += 4) {
                for (int k = 0; k < samples; k++) {
                    out[o + k] = in[i + 2 * k + high];
                }
                if (opaque) {
                    out[o + 3] = (byte) 255;
                }
            }
        });
    }

    /** Premultiplied RGBA: Pillow's {@code unpackRGBa} (integer division by alpha, clipped). */
    private static Found premultiplied(int bits, int size, int r, int g, int b, int a) {
        return new Found(bits, (in, i, out, o, n) -> {
            for (int p = 0; p < n; p++, i += size, o += 4) {
                int alpha = in[i + a] & 0xFF;
                if (alpha == 0) {
                    out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
                } else if (alpha == 255) {
                    out[o] = in[i + r];
                    out[o + 1] = in[i + g];
                    out[o + 2] = in[i + b];
                    out[o + 3] = (byte) 255;
                } else {
                    out[o] = (byte) Math.min(255, (in[i + r] & 0xFF) * 255 / alpha);
                    out[o + 1] = (byte) Math.min(255, (in[i + g] & 0xFF) * 255 / alpha);
                    out[o + 2] = (byte) Math.min(255, (in[i + b] & 0xFF) * 255 / alpha);
                    out[o + 3] = (byte) alpha;
                }
            }
        });
    }

    /** One band of a four-byte pixel, from 8-bit samples or the high byte of 16-bit ones. */
    private static Found band(int band, int bits, boolean bigEndian) {
        int size = bits / 8;
        int at = bits == 8 || bigEndian ? 0 : 1;
        return new Found(bits, (in, i, out, o, n) -> {
            for (int p = 0; p < n; p++, i += size, o += 4) {
                out[o + band] = in[i + at];
            }
        });
    }

    private static Found ints(int bits, boolean bigEndian, boolean signed) {
        int size = bits / 8;
        return new Found(bits, (in, i, out, o, n) -> {
            for (int p = 0; p < n; p++, i += size, o += 4) {
                int v;
                if (size == 2) {
                    int u = bigEndian ? (in[i] & 0xFF) << 8 | (in[i + 1] & 0xFF) : (in[i] & 0xFF) | (in[i + 1] & 0xFF) << 8;
                    v = signed ? (short) u : u;
                } else {
                    v = bigEndian ? (in[i] & 0xFF) << 24 | (in[i + 1] & 0xFF) << 16 | (in[i + 2] & 0xFF) << 8
                            | (in[i + 3] & 0xFF)
                            : (in[i] & 0xFF) | (in[i + 1] & 0xFF) << 8 | (in[i + 2] & 0xFF) << 16 | (in[i + 3] & 0xFF) << 24;
                }
                out[o] = (byte) v;
                out[o + 1] = (byte) (v >> 8);
                out[o + 2] = (byte) (v >> 16);
                out[o + 3] = (byte) (v >> 24);
            }
        });
    }

    /** Bilevel pixels, most significant bit first (least with {@code reversed}); white is 1 (0 with {@code inverted}). */
    private static void bits(byte[] in, int i, byte[] out, int o, int n, boolean inverted, boolean reversed) {
        for (int p = 0; p < n; p++) {
            int v = in[i + (p >> 3)] & 0xFF;
            int bit = reversed ? (v >> (p & 7)) & 1 : (v >> (7 - (p & 7))) & 1;
            out[o + p] = (byte) ((bit == 1) != inverted ? 255 : 0);
        }
    }

    /** 2- or 4-bit grey scaled to 8 bits (0x55 or 0x11 a step), optionally inverted or bit-reversed. */
    private static Found grey(int bits, boolean inverted, boolean reversed) {
        int perByte = 8 / bits;
        int mask = (1 << bits) - 1;
        int scale = bits == 2 ? 0x55 : 0x11;
        return new Found(bits, (in, i, out, o, n) -> {
            for (int p = 0; p < n; p++) {
                int v = in[i + p / perByte] & 0xFF;
                if (reversed) {
                    v = flip(v);
                }
                int s = (v >> (8 - bits * (p % perByte + 1))) & mask;
                out[o + p] = (byte) (inverted ? 0xFF - s * scale : s * scale);
            }
        });
    }

    /** Packed palette indices, most significant bits first. */
    private static Found indices(int bits) {
        int perByte = 8 / bits;
        int mask = (1 << bits) - 1;
        return new Found(bits, (in, i, out, o, n) -> {
            for (int p = 0; p < n; p++) {
                int v = in[i + p / perByte] & 0xFF;
                out[o + p] = (byte) ((v >> (8 - bits * (p % perByte + 1))) & mask);
            }
        });
    }

    private static void map(byte[] in, int i, byte[] out, int o, int n, IntUnaryOperator f) {
        for (int p = 0; p < n; p++) {
            out[o + p] = (byte) f.applyAsInt(in[i + p] & 0xFF);
        }
    }

    /** The byte with its bit order reversed (Pillow's BITFLIP table). */
    static int flip(int v) {
        return Integer.reverse(v & 0xFF) >>> 24;
    }
}
