package com.ffs.validator.image;

import java.util.Locale;

/** Pillow's resampling filters, numbered as {@code PIL.Image.Resampling} and Hugging Face's {@code resample} key. */
public enum Resample {
    NEAREST(0, 0.0),
    LANCZOS(1, 3.0),
    BILINEAR(2, 1.0),
    BICUBIC(3, 2.0),
    BOX(4, 0.5),
    HAMMING(5, 1.0);

    private final int pillowCode;
    private final double support;

    Resample(int pillowCode, double support) {
        this.pillowCode = pillowCode;
        this.support = support;
    }

    /** The filter's support radius at scale 1, as in Pillow's {@code Resample.c}. */
    double support() {
        return support;
    }

    /** Pillow's filter functions, evaluated in double precision exactly as the C code does. */
    double filter(double x) {
        return switch (this) {
            case BOX -> (x > -0.5 && x <= 0.5) ? 1.0 : 0.0;
            case BILINEAR -> {
                double ax = Math.abs(x);
                yield ax < 1.0 ? 1.0 - ax : 0.0;
            }
            case HAMMING -> {
                double ax = Math.abs(x);
                if (ax == 0.0) {
                    yield 1.0;
                }
                if (ax >= 1.0) {
                    yield 0.0;
                }
                double px = ax * Math.PI;
                // Pillow writes these constants as C floats, so their double values carry float rounding.
                yield Math.sin(px) / px * ((double) 0.54f + (double) 0.46f * Math.cos(px));
            }
            case BICUBIC -> {
                final double a = -0.5;
                double ax = Math.abs(x);
                if (ax < 1.0) {
                    yield ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
                }
                if (ax < 2.0) {
                    yield (((ax - 5) * ax + 8) * ax - 4) * a;
                }
                yield 0.0;
            }
            case LANCZOS -> (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0;
            case NEAREST -> throw new IllegalStateException("nearest has no filter kernel");
        };
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = x * Math.PI;
        return Math.sin(px) / px;
    }

    /** Maps a Hugging Face / Pillow {@code resample} code to a filter. */
    public static Resample fromPillowCode(int code) {
        for (Resample r : values()) {
            if (r.pillowCode == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown Pillow resample code " + code + " (0=nearest, 1=lanczos, "
                + "2=bilinear, 3=bicubic, 4=box, 5=hamming)");
    }

    public int pillowCode() {
        return pillowCode;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
