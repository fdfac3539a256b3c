package com.ffs.validator.image;

/**
 * An 8-bit RGB raster, pixels interleaved row by row (R, G, B), as Pillow holds an "RGB" image.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param pixels {@code width * height * 3} bytes, unsigned
 */
public record RgbImage(int width, int height, byte[] pixels) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes for " + width + "x" + height
                    + " RGB, got " + pixels.length);
        }
    }

    /** Unsigned sample of channel {@code c} at ({@code x}, {@code y}). */
    public int sample(int x, int y, int c) {
        return pixels[(y * width + x) * 3 + c] & 0xFF;
    }
}
