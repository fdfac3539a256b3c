package com.ffs.validator.image;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Hugging Face image processor's settings, read from {@code preprocessor_config.json} with Hugging Face's keys and
 * the defaults of the processor class it names. Nothing about a model's preprocessing lives in code.
 *
 * @param resizeMode how {@code size} is interpreted
 * @param resizeHeight target height for {@link ResizeMode#EXACT}
 * @param resizeWidth target width for {@link ResizeMode#EXACT}
 * @param shortestEdge target shortest edge for {@link ResizeMode#SHORTEST_EDGE}
 * @param resample Pillow filter used by the resize
 * @param centerCrop whether a centre crop follows the resize
 * @param cropHeight crop height
 * @param cropWidth crop width
 * @param rescale whether pixel values are multiplied by {@code rescaleFactor}
 * @param rescaleFactor usually 1/255
 * @param normalize whether {@code (x - mean) / std} is applied
 * @param mean per-channel mean, RGB order
 * @param std per-channel standard deviation, RGB order
 * @param convertRgb whether the processor converts to RGB first (always true here: every image is decoded to RGB)
 */
public record PreprocessorConfig(
        ResizeMode resizeMode,
        int resizeHeight,
        int resizeWidth,
        int shortestEdge,
        Resample resample,
        boolean centerCrop,
        int cropHeight,
        int cropWidth,
        boolean rescale,
        double rescaleFactor,
        boolean normalize,
        float[] mean,
        float[] std,
        boolean convertRgb) {

    /** How the processor's {@code size} is applied. */
    public enum ResizeMode {
        /** No resize ({@code do_resize: false}). */
        NONE,
        /** Squash to {@code {height, width}}, aspect ratio not kept. */
        EXACT,
        /** Shortest edge to {@code shortest_edge}, the other edge truncated to keep the aspect ratio. */
        SHORTEST_EDGE
    }

    private static final float[] IMAGENET_STANDARD = { 0.5f, 0.5f, 0.5f };
    private static final float[] OPENAI_CLIP_MEAN = { 0.48145466f, 0.4578275f, 0.40821073f };
    private static final float[] OPENAI_CLIP_STD = { 0.26862954f, 0.26130258f, 0.27577711f };

    /** Height of the tensor this configuration produces. */
    public int outputHeight() {
        return centerCrop ? cropHeight : resizeHeight;
    }

    /** Width of the tensor this configuration produces. */
    public int outputWidth() {
        return centerCrop ? cropWidth : resizeWidth;
    }

    /** Floats per image in the CHW tensor. */
    public int tensorSize() {
        return 3 * outputHeight() * outputWidth();
    }

    /**
     * Parses a {@code preprocessor_config.json} object. The processor class ({@code image_processor_type} or
     * {@code feature_extractor_type}) supplies the defaults Hugging Face would use for missing keys.
     *
     * @throws IllegalArgumentException naming the key that is missing or malformed
     */
    public static PreprocessorConfig parse(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        Defaults defaults = Defaults.of(text(json, "image_processor_type", text(json, "feature_extractor_type", "")));

        boolean doResize = bool(json, "do_resize", true);
        ResizeMode mode = ResizeMode.NONE;
        int height = 0;
        int width = 0;
        int shortest = 0;
        if (doResize) {
            JsonNode size = json.get("size");
            if (size == null || size.isNull()) {
                throw new IllegalArgumentException("'size' is required when do_resize is true");
            }
            if (size.isInt()) {
                // A bare int means {shortest_edge: n} for processors that crop (CLIP), a square otherwise.
                if (defaults.bareSizeIsShortestEdge) {
                    mode = ResizeMode.SHORTEST_EDGE;
                    shortest = positive(size.asInt(), "size");
                } else {
                    mode = ResizeMode.EXACT;
                    height = width = positive(size.asInt(), "size");
                }
            } else if (size.has("shortest_edge")) {
                if (size.has("longest_edge")) {
                    throw new IllegalArgumentException("'size' with both shortest_edge and longest_edge is not supported");
                }
                mode = ResizeMode.SHORTEST_EDGE;
                shortest = positive(intValue(size, "shortest_edge"), "size.shortest_edge");
            } else if (size.has("height") && size.has("width")) {
                mode = ResizeMode.EXACT;
                height = positive(intValue(size, "height"), "size.height");
                width = positive(intValue(size, "width"), "size.width");
            } else {
                throw new IllegalArgumentException("'size' must be an int, {shortest_edge} or {height, width}, got " + size);
            }
        }

        Resample resample = json.has("resample") ? Resample.fromPillowCode(intValue(json, "resample")) : defaults.resample;

        boolean doCrop = bool(json, "do_center_crop", defaults.centerCrop);
        int cropH = 0;
        int cropW = 0;
        if (doCrop) {
            JsonNode crop = json.get("crop_size");
            if (crop == null || crop.isNull()) {
                throw new IllegalArgumentException("'crop_size' is required when do_center_crop is true");
            }
            if (crop.isInt()) {
                cropH = cropW = positive(crop.asInt(), "crop_size");
            } else if (crop.has("height") && crop.has("width")) {
                cropH = positive(intValue(crop, "height"), "crop_size.height");
                cropW = positive(intValue(crop, "width"), "crop_size.width");
            } else {
                throw new IllegalArgumentException("'crop_size' must be an int or {height, width}, got " + crop);
            }
        } else if (mode != ResizeMode.EXACT) {
            throw new IllegalArgumentException("without a centre crop the resize must give a fixed {height, width}, "
                    + "otherwise images of different shapes cannot share a batch");
        }

        boolean doRescale = bool(json, "do_rescale", true);
        double rescaleFactor = json.has("rescale_factor") ? number(json, "rescale_factor") : 1.0 / 255.0;
        boolean doNormalize = bool(json, "do_normalize", true);
        float[] mean = json.has("image_mean") ? triple(json, "image_mean") : defaults.mean;
        float[] std = json.has("image_std") ? triple(json, "image_std") : defaults.std;
        for (float s : std) {
            if (s == 0f) {
                throw new IllegalArgumentException("'image_std' must not contain 0");
            }
        }
        return new PreprocessorConfig(mode, height, width, shortest, resample, doCrop, cropH, cropW, doRescale,
                rescaleFactor, doNormalize, mean, std, bool(json, "do_convert_rgb", true));
    }

    /** Hugging Face defaults per processor class, for keys a config leaves out. */
    private record Defaults(Resample resample, boolean centerCrop, boolean bareSizeIsShortestEdge, float[] mean,
            float[] std) {

        static Defaults of(String processorType) {
            String type = processorType.toLowerCase(Locale.ROOT);
            if (type.startsWith("clip") || type.startsWith("chineseclip")) {
                return new Defaults(Resample.BICUBIC, true, true, OPENAI_CLIP_MEAN, OPENAI_CLIP_STD);
            }
            if (type.startsWith("siglip")) {
                return new Defaults(Resample.BICUBIC, false, false, IMAGENET_STANDARD, IMAGENET_STANDARD);
            }
            // ViTImageProcessor and the generic BaseImageProcessor behave alike.
            return new Defaults(Resample.BILINEAR, false, false, IMAGENET_STANDARD, IMAGENET_STANDARD);
        }
    }

    private static String text(JsonNode json, String key, String fallback) {
        JsonNode v = json.get(key);
        return v != null && v.isTextual() ? v.asText() : fallback;
    }

    private static boolean bool(JsonNode json, String key, boolean fallback) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("'" + key + "' must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static int intValue(JsonNode json, String key) {
        JsonNode v = json.get(key);
        if (v == null || !v.canConvertToExactIntegral()) {
            throw new IllegalArgumentException("'" + key + "' must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static double number(JsonNode json, String key) {
        JsonNode v = json.get(key);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("'" + key + "' must be a number, got " + v);
        }
        return v.asDouble();
    }

    private static float[] triple(JsonNode json, String key) {
        JsonNode v = json.get(key);
        if (v != null && v.isNumber()) {
            float f = (float) v.asDouble();
            return new float[] { f, f, f };
        }
        if (v == null || !v.isArray() || v.size() != 3) {
            throw new IllegalArgumentException("'" + key + "' must be a list of 3 numbers, got " + v);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!v.get(i).isNumber()) {
                throw new IllegalArgumentException("'" + key + "' must be a list of 3 numbers, got " + v);
            }
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }

    private static int positive(int value, String key) {
        if (value <= 0) {
            throw new IllegalArgumentException("'" + key + "' must be positive, got " + value);
        }
        return value;
    }
}
