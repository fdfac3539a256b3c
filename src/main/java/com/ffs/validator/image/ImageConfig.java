package com.ffs.validator.image;

import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How image bytes become RGB rasters. */
@ConfigMapping(prefix = "validator.image")
public interface ImageConfig {

    /**
     * Largest image accepted, in pixels (width times height), checked from the header before decoding; Pillow's default cap.
     */
    @WithDefault("89478485")
    long maxPixels();

    /**
     * Memory for images in flight, from decoding until each model has its preprocessed copy, reserved from each header
     * at what the decoder, the RGB result and the preprocessing really use: images wait for each other when it is used
     * up, and one that needs more than all of it is {@code IMAGE_TOO_LARGE} (default: half the JVM's maximum heap).
     */
    Optional<MemorySize> rasterMemory();

    /** Transparent pixels: {@code white} composites onto white, {@code drop} discards alpha as Pillow's convert("RGB"). */
    @WithDefault("white")
    AlphaPolicy alpha();

    /** Apply the EXIF orientation tag (rotate or flip) as Hugging Face's load_image does with ImageOps.exif_transpose. */
    @WithDefault("true")
    boolean exifOrientation();

    /**
     * JPEG decoder: {@code auto} uses libjpeg-turbo (as Pillow) when installed and ImageIO otherwise; {@code imageio} forces
     * ImageIO.
     */
    @WithDefault("auto")
    JpegDecoder jpegDecoder();

    /**
     * JPEGs twice the largest model input or more: {@code exact} decodes them whole, {@code fast} at 1/2, 1/4 or 1/8
     * (libjpeg-turbo's DCT scaling, as Pillow's draft()) before the exact resize.
     */
    @WithDefault("exact")
    DecodeScaling decodeScaling();

    /** How large JPEGs are decoded. */
    enum DecodeScaling {
        /** At full size, as the Python processors do. */
        EXACT,
        /** At the smallest DCT scale (1/2, 1/4, 1/8) that keeps both sides at least the largest model input. */
        FAST
    }

    /** The JPEG decoders the service can use. */
    enum JpegDecoder {
        /** libjpeg-turbo when its library loads, ImageIO otherwise. */
        AUTO,
        /** libjpeg-turbo, refusing to start without it. */
        TURBOJPEG,
        /** The JDK's ImageIO with TwelveMonkeys' JPEG plugin. */
        IMAGEIO
    }
}
