package com.ffs.validator.image;

/** What happens to transparent pixels when an image with alpha becomes RGB. */
public enum AlphaPolicy {
    /** Composite onto white, as a transparent product photo is shown on a white page. */
    WHITE,
    /** Drop the alpha channel as Pillow's {@code convert("RGB")} does, exposing whatever colour hides under it. */
    DROP
}
