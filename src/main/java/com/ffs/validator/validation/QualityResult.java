package com.ffs.validator.validation;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The quality check's verdict on one image: its size, the raster statistics (each 0..1, four decimals) and whether it
 * meets the configured limits.
 *
 * @param width width in pixels, as decoded (after EXIF orientation)
 * @param height height in pixels
 * @param sharpness how crisp the sharpest part of the picture is, 0..1
 * @param brightness mean grey level, 0 (black) to 1 (white)
 * @param contrast spread of the grey levels, 0 (flat) to 1
 * @param whiteBorder share of near-white pixels in the outer 4 % of each side
 * @param passes true when no limit is broken
 * @param reasons the limits broken, in a fixed order; empty when it passes
 */
@JsonPropertyOrder({ "width", "height", "sharpness", "brightness", "contrast", "white_border", "passes", "reasons" })
@Schema(name = "QualityResult", description = "Size, sharpness, exposure and border of the image against the "
        + "configured photo rules")
public record QualityResult(
        int width,
        int height,
        @Schema(description = "0..1; 0.5 where the sharpest twentieth of a 512-px copy has a Laplacian variance of "
                + "100") double sharpness,
        @Schema(description = "Mean grey level, 0..1") double brightness,
        @Schema(description = "Standard deviation of the grey levels over 127.5, 0..1") double contrast,
        @JsonProperty("white_border") @Schema(description = "Share of near-white pixels in the outer 4 % of each "
                + "side, 0..1") double whiteBorder,
        boolean passes,
        @Schema(description = "Limits broken", enumeration = {
                "too_small", "blurry", "too_dark", "too_bright",
                "bad_aspect_ratio", "white_border", "no_white_background" }) List<QualityReason> reasons){

    public QualityResult {
        reasons = List.copyOf(reasons);
    }
}
