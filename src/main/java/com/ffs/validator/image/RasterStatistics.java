package com.ffs.validator.image;

import java.util.Arrays;

/**
 * Measurements of how an image looks, taken on a copy of fixed size ({@value #SIDE} px on the longer side, grey as
 * Pillow's {@code convert("L")}) so that they do not depend on the resolution the photo was uploaded at.
 *
 * <p>
 * Sharpness ranks {@value #TILE}-px tiles by the variance of their Laplacian and takes the
 * {@value #PERCENTILE}th percentile: the sharpest twentieth of the picture decides, so a product in focus on a
 * plain studio background or before a soft-focus backdrop counts as sharp, while a shaken or out-of-focus photo
 * is soft everywhere. A variance over the whole image would be diluted by every plain area.
 *
 * @param laplacianVariance the {@value #PERCENTILE}th percentile over tiles of the variance of the 4-neighbour
 *        Laplacian (grey levels 0..255)
 * @param sharpness {@code laplacianVariance / (laplacianVariance + }{@value #SHARPNESS_HALF}{@code )}: 0
 *        for a flat image, 0.5 at the variance {@value #SHARPNESS_HALF}, towards 1 for crisp detail
 * @param brightness mean grey level, 0 (black) to 1 (white)
 * @param contrast standard deviation of the grey levels over its largest possible value (127.5), 0 to 1
 * @param whiteBorder share of near-white pixels (every channel at least {@value #NEAR_WHITE}) in the outer
 *        {@value #BORDER_PERCENT} % of each side
 */
public record RasterStatistics(double laplacianVariance, double sharpness, double brightness, double contrast,
        double whiteBorder) {

    /** Longer side of the grey copy the statistics are taken on. */
    public static final int SIDE = 512;
    /** The Laplacian variance that maps to sharpness 0.5. */
    public static final double SHARPNESS_HALF = 100;
    /** Lowest value of every channel for a pixel to count as near-white. */
    public static final int NEAR_WHITE = 235;
    /** Width of the border strip, in percent of each side. */
    public static final int BORDER_PERCENT = 4;
    /** Side of the square tiles whose Laplacian variances are ranked. */
    public static final int TILE = 32;
    /** The tile variance reported: the sharpest twentieth of the picture decides. */
    public static final int PERCENTILE = 95;

    /**
     * Measures {@code image}: the full raster or its {@link CheckCopy}, which give the same result (this starts by
     * making the copy, which is the copy itself when given one).
     */
    public static RasterStatistics measure(RgbImage image) {
        RgbImage copy = CheckCopy.of(image);
        int[] size = SampledResize.fitLongerSide(copy.width(), copy.height(), SIDE);
        RgbImage fixed = SampledResize.resize(copy, size[0], size[1]);
        return of(fixed);
    }

    /**
     * Bytes {@link #measure} allocates at most beyond the {@link CheckCopy}: the fixed-size copy, its grey plane and
     * the tile sums, whatever the image.
     */
    public static long workingBytes() {
        long tiles = (long) (SIDE / TILE) * (SIDE / TILE);
        return 4L * SIDE * SIDE + SampledResize.scratchBytes(SIDE, SIDE) + 32 * tiles + 256;
    }

    /** The statistics of {@code image} at the size it has. */
    static RasterStatistics of(RgbImage image) {
        int w = image.width();
        int h = image.height();
        byte[] px = image.pixels();
        byte[] grey = new byte[w * h];
        long sum = 0;
        long sumSquares = 0;
        int borderX = Math.max(1, Math.round(w * BORDER_PERCENT / 100f));
        int borderY = Math.max(1, Math.round(h * BORDER_PERCENT / 100f));
        long border = 0;
        long white = 0;
        for (int y = 0, i = 0; y < h; y++) {
            boolean edgeRow = y < borderY || y >= h - borderY;
            for (int x = 0; x < w; x++, i++) {
                int r = px[3 * i] & 0xFF;
                int g = px[3 * i + 1] & 0xFF;
                int b = px[3 * i + 2] & 0xFF;
                // ITU-R 601 luma in Pillow's fixed point, as convert("L").
                int l = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
                grey[i] = (byte) l;
                sum += l;
                sumSquares += (long) l * l;
                if (edgeRow || x < borderX || x >= w - borderX) {
                    border++;
                    if (Math.min(r, Math.min(g, b)) >= NEAR_WHITE) {
                        white++;
                    }
                }
            }
        }
        double n = (double) w * h;
        double mean = sum / n;
        double variance = Math.max(0, sumSquares / n - mean * mean);
        double laplacian = laplacianVariance(grey, w, h);
        return new RasterStatistics(laplacian, laplacian / (laplacian + SHARPNESS_HALF), mean / 255,
                Math.min(1, Math.sqrt(variance) / 127.5), (double) white / border);
    }

    /**
     * The {@value #PERCENTILE}th percentile, over {@value #TILE} x {@value #TILE} tiles, of the variance of
     * {@code 4c - n - s - e - w} at the pixels with four neighbours (the last tile of a row or column takes the
     * remainder); 0 when no pixel has four neighbours.
     */
    static double laplacianVariance(byte[] grey, int w, int h) {
        if (w < 3 || h < 3) {
            return 0;
        }
        int tilesX = Math.max(1, (w - 2) / TILE);
        int tilesY = Math.max(1, (h - 2) / TILE);
        long[] sums = new long[tilesX * tilesY];
        long[] squares = new long[tilesX * tilesY];
        long[] counts = new long[tilesX * tilesY];
        for (int y = 1; y < h - 1; y++) {
            int row = y * w;
            int tileRow = Math.min((y - 1) / TILE, tilesY - 1) * tilesX;
            for (int x = 1; x < w - 1; x++) {
                int i = row + x;
                int v = 4 * (grey[i] & 0xFF) - (grey[i - 1] & 0xFF) - (grey[i + 1] & 0xFF) - (grey[i - w] & 0xFF)
                        - (grey[i + w] & 0xFF);
                int t = tileRow + Math.min((x - 1) / TILE, tilesX - 1);
                sums[t] += v;
                squares[t] += (long) v * v;
                counts[t]++;
            }
        }
        double[] variances = new double[sums.length];
        for (int t = 0; t < variances.length; t++) {
            double mean = (double) sums[t] / counts[t];
            variances[t] = Math.max(0, (double) squares[t] / counts[t] - mean * mean);
        }
        Arrays.sort(variances);
        return variances[(int) Math.floor(PERCENTILE / 100.0 * (variances.length - 1))];
    }
}
