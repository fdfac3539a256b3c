package com.ffs.validator.image;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How image bytes become RGB rasters. */
@ConfigMapping(prefix = "validator.image")
public interface ImageConfig {

    /** Largest image accepted, in pixels (width times height), checked from the header before decoding; Pillow's default cap. */
    @WithDefault("89478485")
    long maxPixels();

    /** Transparent pixels: {@code white} composites onto white, {@code drop} discards alpha as Pillow's convert("RGB"). */
    @WithDefault("white")
    AlphaPolicy alpha();
}
