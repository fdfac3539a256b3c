package com.ffs.validator.validation;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why an image fails the quality check; the lower-case name is what results carry. */
public enum QualityReason {
    /** Smaller than {@code validator.quality.min-longest-side}, {@code min-width} or {@code min-height}. */
    TOO_SMALL,
    /** Sharpness below {@code validator.quality.min-sharpness}. */
    BLURRY,
    /** Brightness below {@code validator.quality.min-brightness}. */
    TOO_DARK,
    /** Brightness above {@code validator.quality.max-brightness}. */
    TOO_BRIGHT,
    /** Width / height outside {@code validator.quality.min-aspect-ratio} .. {@code max-aspect-ratio}. */
    BAD_ASPECT_RATIO,
    /** White border above {@code validator.quality.max-white-border} (off by default). */
    WHITE_BORDER,
    /** White border below {@code validator.quality.min-white-border} (off by default). */
    NO_WHITE_BACKGROUND;

    /** The name in results, e.g. {@code too_small}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
