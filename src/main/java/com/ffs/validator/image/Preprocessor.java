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
        RgbImage pixels = resizeAndCrop(image, cfg);
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
     * The uint8 raster the model sees: resized, then centre-cropped with Hugging Face's floor offsets. Only the
     * cropped region is computed; where the crop is larger than the resized image, Hugging Face pads with zeros.
     */
    static RgbImage resizeAndCrop(RgbImage image, PreprocessorConfig cfg) {
        int[] size = resizedSize(image, cfg);
        int rw = size[0];
        int rh = size[1];
        if (!cfg.centerCrop()) {
            return resize(image, cfg, rw, rh);
        }
        int outH = cfg.outputHeight();
        int outW = cfg.outputWidth();
        // Hugging Face's center_crop: floor division, so odd margins put the extra pixel at the bottom/right.
        int top = Math.floorDiv(rh - outH, 2);
        int left = Math.floorDiv(rw - outW, 2);
        if (top >= 0 && left >= 0) {
            // Without a resize the sizes match and this is a plain crop.
            return PillowResize.resizeRegion(image, rw, rh, cfg.resample(), left, top, outW, outH);
        }
        RgbImage resized = resize(image, cfg, rw, rh);
        byte[] out = new byte[outW * outH * 3];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sy = y + top;
                int sx = x + left;
                if (sy >= 0 && sy < rh && sx >= 0 && sx < rw) {
                    System.arraycopy(resized.pixels(), (sy * rw + sx) * 3, out, (y * outW + x) * 3, 3);
                }
            }
        }
        return new RgbImage(outW, outH, out);
    }

    private static RgbImage resize(RgbImage image, PreprocessorConfig cfg, int width, int height) {
        return cfg.resizeMode() == PreprocessorConfig.ResizeMode.NONE ? image
                : PillowResize.resize(image, width, height, cfg.resample());
    }

    /** The size the resize step produces, as {@code (width, height)}. */
    static int[] resizedSize(RgbImage image, PreprocessorConfig cfg) {
        return switch (cfg.resizeMode()) {
            case NONE -> new int[] {image.width(), image.height()};
            case EXACT -> new int[] {cfg.resizeWidth(), cfg.resizeHeight()};
            case SHORTEST_EDGE -> {
                int w = image.width();
                int h = image.height();
                int s = cfg.shortestEdge();
                // transformers' get_resize_output_image_size: int(size * long / short), truncated.
                if (w <= h) {
                    yield new int[] {s, (int) ((double) ((long) s * h) / w)};
                }
                yield new int[] {(int) ((double) ((long) s * w) / h), s};
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
