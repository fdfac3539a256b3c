package com.ffs.validator.validation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The quality check's limits: a marketplace's photo rules (docs/quality-and-codes.md shows how to set them). */
@ConfigMapping(prefix = "validator.quality")
public interface QualityConfig {

    /** Smallest longer side in pixels; below it the reason is too_small. */
    @WithDefault("500")
    int minLongestSide();

    /** Smallest width in pixels (0: no rule); below it the reason is too_small. */
    @WithDefault("0")
    int minWidth();

    /** Smallest height in pixels (0: no rule); below it the reason is too_small. */
    @WithDefault("0")
    int minHeight();

    /** Lowest sharpness (0..1) accepted; below it the reason is blurry. */
    @WithDefault("0.5")
    double minSharpness();

    /** Lowest brightness (0..1) accepted; below it the reason is too_dark. */
    @WithDefault("0.1")
    double minBrightness();

    /** Highest brightness (0..1) accepted; above it the reason is too_bright. */
    @WithDefault("0.95")
    double maxBrightness();

    /** Lowest width / height accepted; below it the reason is bad_aspect_ratio. */
    @WithDefault("0.333")
    double minAspectRatio();

    /** Highest width / height accepted; above it the reason is bad_aspect_ratio. */
    @WithDefault("3.0")
    double maxAspectRatio();

    /** Highest white_border (0..1) accepted, against framed photos (1: no rule); above it: white_border. */
    @WithDefault("1")
    double maxWhiteBorder();

    /** Lowest white_border (0..1) required, for white backgrounds (0: no rule); below it: no_white_background. */
    @WithDefault("0")
    double minWhiteBorder();
}
