package com.ffs.validator.image;

/**
 * The reduced copy of a decoded image that the raster checks share: the quality statistics and the code scan both
 * read it, so the full-size raster is sampled once whichever checks run, and their cost no longer depends on the
 * photo's resolution.
 */
public final class CheckCopy {

    /** Longer side of the copy; images within it are used as they are. */
    public static final int SIDE = 1024;

    private CheckCopy() {
    }

    /** {@code image} shrunk so that its longer side is at most {@link #SIDE}, or {@code image} itself. */
    public static RgbImage of(RgbImage image) {
        if (Math.max(image.width(), image.height()) <= SIDE) {
            return image;
        }
        int[] size = SampledResize.fitLongerSide(image.width(), image.height(), SIDE);
        return SampledResize.resize(image, size[0], size[1]);
    }

    /** Width and height of the copy of a {@code width x height} image. */
    public static int[] size(int width, int height) {
        if (Math.max(width, height) <= SIDE) {
            return new int[] { width, height };
        }
        return SampledResize.fitLongerSide(width, height, SIDE);
    }

    /**
     * Bytes that making the copy of a {@code width x height} image allocates at most, known before decoding: 0 when
     * the image is used as it is.
     */
    public static long workingBytes(int width, int height) {
        if (Math.max(width, height) <= SIDE) {
            return 0;
        }
        int[] size = size(width, height);
        return 16 + 3L * size[0] * size[1] + SampledResize.scratchBytes(size[0], size[1]);
    }
}
