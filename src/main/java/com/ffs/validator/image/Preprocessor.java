package com.ffs.validator.image;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Locale;

/**
 * Turns an RGB raster into a model's float32 CHW input as the Hugging Face image processors do with Pillow:
 * resize, centre crop, rescale, normalise, written straight into the engine's input buffer.
 */
public final class Preprocessor {

    /**
     * Most work one resize may take, in multiply-adds (a filter evaluation counts as
     * {@value PillowResize#EVALUATION_COST}): about three times what the largest ordinary photo within the default
     * pixel cap needs. Only images of extreme aspect ratio, whose exact resize would take seconds, exceed it.
     */
    static final long MAX_WORK = 3L << 30;

    private Preprocessor() {
    }

    /**
     * Writes {@link PreprocessorConfig#tensorSize()} floats for {@code image} into {@code dst} at its current
     * position, channel-major, and advances the position.
     */
    public static void write(RgbImage image, PreprocessorConfig cfg, FloatBuffer dst) {
        write(image, cfg, dst, ResizeKernels.instance());
    }

    static void write(RgbImage image, PreprocessorConfig cfg, FloatBuffer dst, ResizeKernels kernels) {
        normalise(resizeAndCrop(image, cfg, PillowResize.Limits.DEFAULT, null, kernels), cfg, dst);
    }

    /** Rescales and normalises the model's uint8 raster into {@code dst}, channel-major. */
    static void normalise(RgbImage pixels, PreprocessorConfig cfg, FloatBuffer dst) {
        float[] lut = channelLookup(cfg);
        int outH = cfg.outputHeight();
        int outW = cfg.outputWidth();
        int plane = outH * outW;
        int base = dst.position();
        byte[] px = pixels.pixels();
        float[] row = new float[outW];
        for (int c = 0; c < 3; c++) {
            int lutOffset = c * 256;
            for (int y = 0; y < outH; y++) {
                int p = y * outW * 3 + c;
                for (int x = 0; x < outW; x++, p += 3) {
                    row[x] = lut[lutOffset + (px[p] & 0xFF)];
                }
                dst.put(base + c * plane + y * outW, row);
            }
        }
        dst.position(base + 3 * plane);
    }

    /**
     * The side, in pixels, that an image must keep on both axes for every one of {@code configs} to be computed from
     * it (the largest resize target), or 0 where one of them reads the image at its own size (no resize): the size a
     * JPEG may be decoded down to with {@code validator.image.decode-scaling=fast}.
     */
    public static int draftSide(List<PreprocessorConfig> configs) {
        int side = 0;
        for (PreprocessorConfig cfg : configs) {
            switch (cfg.resizeMode()) {
                case NONE -> {
                    return 0;
                }
                case EXACT -> side = Math.max(side, Math.max(cfg.resizeWidth(), cfg.resizeHeight()));
                case SHORTEST_EDGE -> side = Math.max(side, cfg.shortestEdge());
            }
        }
        return side;
    }

    /**
     * Upper bound of the bytes one {@link #write} of a {@code width x height} image allocates (coefficient tables,
     * the horizontal pass's rows, scratch and the cropped raster), from the sizes alone, before anything is
     * allocated; {@code width x height} is the image as it is preprocessed, after EXIF orientation. A
     * {@link Preprocessing} of several models allocates at most the sum of their bounds.
     *
     * @throws IntakeException {@code IMAGE_TOO_LARGE} when the image cannot be preprocessed exactly within
     *         {@link #MAX_WORK}, or its resized size does not fit an int
     */
    public static long workingBytes(int width, int height, PreprocessorConfig cfg) {
        Plan plan = plan(width, height, cfg);
        long bytes = plan.shape.bytes() + 4L * (3 * 256 + cfg.outputWidth()) + 64;
        if (plan.padded()) {
            bytes += 16 + 3L * cfg.outputWidth() * cfg.outputHeight();
        }
        return bytes;
    }

    /**
     * The uint8 raster the model sees: resized, then centre-cropped with Hugging Face's floor offsets. Only the
     * cropped region is computed; where the crop is larger than the resized image, Hugging Face pads with zeros
     * and only the part that overlaps the image is resized.
     */
    static RgbImage resizeAndCrop(RgbImage image, PreprocessorConfig cfg) {
        return resizeAndCrop(image, cfg, PillowResize.Limits.DEFAULT, null, ResizeKernels.instance());
    }

    static RgbImage resizeAndCrop(RgbImage image, PreprocessorConfig cfg, PillowResize.Limits limits,
            PillowResize.Work work, ResizeKernels kernels) {
        Plan plan = plan(image.width(), image.height(), cfg, limits);
        RgbImage resized = plan.resizes()
                ? PillowResize.resizeRegion(image, plan.resizedWidth, plan.resizedHeight, cfg.resample(),
                        plan.shape.left, plan.shape.top, plan.shape.regionWidth, plan.shape.regionHeight, limits,
                        work, kernels)
                : image;
        return pad(resized, plan, cfg);
    }

    /** The crop, from the resized part of it that overlaps the image: padded with zeros where the crop is larger. */
    static RgbImage pad(RgbImage resized, Plan plan, PreprocessorConfig cfg) {
        if (!plan.padded()) {
            return resized;
        }
        int outW = cfg.outputWidth();
        int outH = cfg.outputHeight();
        byte[] out = new byte[outW * outH * 3];
        int dx = plan.shape.left - plan.cropLeft;
        int dy = plan.shape.top - plan.cropTop;
        int rowBytes = resized.width() * 3;
        for (int y = 0; y < resized.height(); y++) {
            System.arraycopy(resized.pixels(), y * rowBytes, out, ((y + dy) * outW + dx) * 3, rowBytes);
        }
        return new RgbImage(outW, outH, out);
    }

    /**
     * The resize of one image for one model: the resized size, the crop's offsets in it (negative where the crop
     * is larger and pads), and the shape of the resize restricted to the part of the crop inside the image.
     */
    record Plan(int resizedWidth, int resizedHeight, int cropLeft, int cropTop, int cropWidth,
            int cropHeight, PillowResize.Shape shape) {

        boolean padded() {
            return shape.regionWidth != cropWidth || shape.regionHeight != cropHeight;
        }

        /** Whether a new raster is made (any resize or crop); a config without either passes the image on. */
        boolean resizes() {
            return !(shape.copies() && shape.regionWidth == shape.inWidth && shape.regionHeight == shape.inHeight);
        }
    }

    static Plan plan(int width, int height, PreprocessorConfig cfg) {
        return plan(width, height, cfg, PillowResize.Limits.DEFAULT);
    }

    private static Plan plan(int width, int height, PreprocessorConfig cfg, PillowResize.Limits limits) {
        long[] size = resizedSize(width, height, cfg);
        if (size[0] > Integer.MAX_VALUE || size[1] > Integer.MAX_VALUE) {
            throw new IntakeException(IntakeError.IMAGE_TOO_LARGE, "an image of " + width + "x" + height
                    + " would be resized to " + size[0] + "x" + size[1] + ", beyond what preprocessing supports");
        }
        int rw = (int) size[0];
        int rh = (int) size[1];
        int cropW = cfg.centerCrop() ? cfg.outputWidth() : rw;
        int cropH = cfg.centerCrop() ? cfg.outputHeight() : rh;
        // Hugging Face's center_crop: floor division, so odd margins put the extra pixel at the bottom/right.
        int top = Math.floorDiv(rh - cropH, 2);
        int left = Math.floorDiv(rw - cropW, 2);
        int x0 = Math.max(0, left);
        int y0 = Math.max(0, top);
        int x1 = Math.min(rw, left + cropW);
        int y1 = Math.min(rh, top + cropH);
        PillowResize.Shape shape = new PillowResize.Shape(width, height, rw, rh, cfg.resample(), x0, y0, x1 - x0,
                y1 - y0, limits);
        long work = shape.work();
        if (work > MAX_WORK) {
            throw new IntakeException(IntakeError.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "resizing an image of %dx%d to %dx%d exactly would take %.1f billion operations, more than the "
                            + "%.1f billion allowed; its aspect ratio is too extreme",
                    width, height, rw, rh, work / 1e9, MAX_WORK / 1e9));
        }
        return new Plan(rw, rh, left, top, cropW, cropH, shape);
    }

    /** The size the resize step produces, as {@code (width, height)}. */
    static int[] resizedSize(RgbImage image, PreprocessorConfig cfg) {
        long[] size = resizedSize(image.width(), image.height(), cfg);
        return new int[] { Math.toIntExact(size[0]), Math.toIntExact(size[1]) };
    }

    private static long[] resizedSize(int w, int h, PreprocessorConfig cfg) {
        return switch (cfg.resizeMode()) {
            case NONE -> new long[] { w, h };
            case EXACT -> new long[] { cfg.resizeWidth(), cfg.resizeHeight() };
            case SHORTEST_EDGE -> {
                int s = cfg.shortestEdge();
                // transformers' get_resize_output_image_size: int(size * long / short), truncated.
                if (w <= h) {
                    yield new long[] { s, (long) ((double) ((long) s * h) / w) };
                }
                yield new long[] { (long) ((double) ((long) s * w) / h), s };
            }
        };
    }

    /**
     * Every uint8 value maps to one float per channel, computed as numpy does it: rescale in float64 then cast to
     * float32, normalise in float32.
     */
    static float[] channelLookup(PreprocessorConfig cfg) {
        float[] lut = new float[3 * 256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                float x = cfg.rescale() ? (float) (v * cfg.rescaleFactor()) : (float) v;
                if (cfg.normalize()) {
                    x = (x - cfg.mean()[c]) / cfg.std()[c];
                }
                lut[c * 256 + v] = x;
            }
        }
        return lut;
    }
}
