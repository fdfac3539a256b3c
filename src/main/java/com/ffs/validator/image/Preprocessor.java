package com.ffs.validator.image;

import java.nio.FloatBuffer;

/**
 * Turns an RGB raster into a model's float32 CHW input as the Hugging Face image processors do with Pillow:
 * resize, centre crop, rescale, normalise, written straight into the engine's input buffer.
 */
public final class Preprocessor {

    private Preprocessor() {
    }

    /**
     * Writes {@link PreprocessorConfig#tensorSize()} floats for {@code image} into {@code dst} at its current
     * position, channel-major, and advances the position.
     */
    public static void write(RgbImage image, PreprocessorConfig cfg, FloatBuffer dst) {
        RgbImage resized = resize(image, cfg);
        int outH = cfg.outputHeight();
        int outW = cfg.outputWidth();
        int top = 0;
        int left = 0;
        if (cfg.centerCrop()) {
            // Hugging Face's center_crop: floor division, so odd margins put the extra pixel at the bottom/right.
            top = Math.floorDiv(resized.height() - outH, 2);
            left = Math.floorDiv(resized.width() - outW, 2);
        }
        float[] lut = channelLookup(cfg);
        int plane = outH * outW;
        int base = dst.position();
        byte[] px = resized.pixels();
        for (int c = 0; c < 3; c++) {
            int lutOffset = c * 256;
            int planeBase = base + c * plane;
            for (int y = 0; y < outH; y++) {
                int sy = y + top;
                int rowOut = planeBase + y * outW;
                if (sy < 0 || sy >= resized.height()) {
                    fill(dst, rowOut, outW, lut[lutOffset]);
                    continue;
                }
                int rowIn = sy * resized.width();
                for (int x = 0; x < outW; x++) {
                    int sx = x + left;
                    // Outside the image (crop larger than the image) Hugging Face pads with zeros before rescaling.
                    int v = (sx < 0 || sx >= resized.width()) ? 0 : px[(rowIn + sx) * 3 + c] & 0xFF;
                    dst.put(rowOut + x, lut[lutOffset + v]);
                }
            }
        }
        dst.position(base + 3 * plane);
    }

    /** The uint8 raster the model sees: resized, then centre-cropped (for golden tests of the intermediate). */
    static RgbImage resizeAndCrop(RgbImage image, PreprocessorConfig cfg) {
        RgbImage resized = resize(image, cfg);
        if (!cfg.centerCrop()) {
            return resized;
        }
        int outH = cfg.outputHeight();
        int outW = cfg.outputWidth();
        int top = Math.floorDiv(resized.height() - outH, 2);
        int left = Math.floorDiv(resized.width() - outW, 2);
        byte[] out = new byte[outW * outH * 3];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sy = y + top;
                int sx = x + left;
                if (sy >= 0 && sy < resized.height() && sx >= 0 && sx < resized.width()) {
                    System.arraycopy(resized.pixels(), (sy * resized.width() + sx) * 3, out, (y * outW + x) * 3, 3);
                }
            }
        }
        return new RgbImage(outW, outH, out);
    }

    /** The resize step alone. */
    public static RgbImage resize(RgbImage image, PreprocessorConfig cfg) {
        return switch (cfg.resizeMode()) {
            case NONE -> image;
            case EXACT -> PillowResize.resize(image, cfg.resizeWidth(), cfg.resizeHeight(), cfg.resample());
            case SHORTEST_EDGE -> {
                int w = image.width();
                int h = image.height();
                int s = cfg.shortestEdge();
                // transformers' get_resize_output_image_size: int(size * long / short), truncated.
                if (w <= h) {
                    yield PillowResize.resize(image, s, (int) ((double) ((long) s * h) / w), cfg.resample());
                }
                yield PillowResize.resize(image, (int) ((double) ((long) s * w) / h), s, cfg.resample());
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

    private static void fill(FloatBuffer dst, int at, int count, float value) {
        for (int i = 0; i < count; i++) {
            dst.put(at + i, value);
        }
    }
}
