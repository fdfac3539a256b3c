package com.ffs.validator.image;

/**
 * Pillow's conversions to RGB, in its integer arithmetic ({@code libImaging/Convert.c} and {@code AlphaComposite.c}
 * in Pillow 9.4), so converted pixels match Pillow's exactly.
 */
final class PillowColour {

    private PillowColour() {
    }

    /**
     * {@code Image.alpha_composite(white, rgba)} for one channel: Pillow's 7-bit fixed point with rounded divisions by
     * 255. A fully transparent pixel becomes white.
     */
    static int overWhite(int c, int a) {
        if (a == 0) {
            return 255;
        }
        final int precision = 7;
        int coef1 = a << precision;
        int coef2 = (255 - a) << precision;
        int tmp = c * coef1 + 255 * coef2 + (0x80 << precision);
        return ((((tmp >> 8) + tmp) >> 8)) >> precision;
    }

    /** Pillow's {@code cmyk2rgb} for one channel: {@code nk - nk * c / 255} with its rounding, nk = 255 - k. */
    static int cmykToRgb(int c, int k) {
        int nk = 255 - k;
        int tmp = c * nk + 128;
        int v = nk - (((tmp >> 8) + tmp) >> 8);
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** Pillow's {@code I -> RGB} (16-bit grey PNGs open as mode I): values clip to 0..255, they are not scaled. */
    static int clipI(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
