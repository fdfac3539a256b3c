package com.ffs.validator.validation;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.ffs.validator.image.RasterStatistics;
import com.ffs.validator.image.RgbImage;

/**
 * The quality check: measures an image ({@link RasterStatistics}) and holds it against the marketplace's photo rules
 * ({@code validator.quality.*}), with a reason for every rule it breaks.
 */
@ApplicationScoped
public class QualityCheck {

    private final QualityConfig limits;

    /**
     * @throws IllegalStateException when the limits contradict each other or leave their ranges (start-up fails,
     *         naming the property)
     */
    @Inject
    public QualityCheck(QualityConfig limits) {
        this.limits = limits;
        requireRange("min-sharpness", limits.minSharpness());
        requireRange("min-brightness", limits.minBrightness());
        requireRange("max-brightness", limits.maxBrightness());
        requireRange("min-white-border", limits.minWhiteBorder());
        requireRange("max-white-border", limits.maxWhiteBorder());
        requireOrder("brightness", limits.minBrightness(), limits.maxBrightness());
        requireOrder("white-border", limits.minWhiteBorder(), limits.maxWhiteBorder());
        requireOrder("aspect-ratio", limits.minAspectRatio(), limits.maxAspectRatio());
        if (limits.minAspectRatio() <= 0) {
            throw new IllegalStateException("validator.quality.min-aspect-ratio must be above 0, got "
                    + limits.minAspectRatio());
        }
        if (limits.minLongestSide() < 0 || limits.minWidth() < 0 || limits.minHeight() < 0) {
            throw new IllegalStateException("validator.quality.min-longest-side, min-width and min-height must not be "
                    + "negative");
        }
    }

    /**
     * The verdict on {@code image}; {@code copy} is its {@link com.ffs.validator.image.CheckCopy}, shared with the
     * other raster checks.
     */
    public QualityResult evaluate(RgbImage image, RgbImage copy) {
        return evaluate(image.width(), image.height(), RasterStatistics.measure(copy));
    }

    /** The verdict on a {@code width x height} image that measured {@code stats}. */
    public QualityResult evaluate(int width, int height, RasterStatistics stats) {
        List<QualityReason> reasons = new ArrayList<>();
        if (Math.max(width, height) < limits.minLongestSide() || width < limits.minWidth()
                || height < limits.minHeight()) {
            reasons.add(QualityReason.TOO_SMALL);
        }
        double sharpness = round(stats.sharpness());
        double brightness = round(stats.brightness());
        double whiteBorder = round(stats.whiteBorder());
        // The rules compare the rounded figures, so a result never contradicts the numbers it shows.
        if (sharpness < limits.minSharpness()) {
            reasons.add(QualityReason.BLURRY);
        }
        if (brightness < limits.minBrightness()) {
            reasons.add(QualityReason.TOO_DARK);
        }
        if (brightness > limits.maxBrightness()) {
            reasons.add(QualityReason.TOO_BRIGHT);
        }
        double aspect = (double) width / height;
        if (aspect < limits.minAspectRatio() || aspect > limits.maxAspectRatio()) {
            reasons.add(QualityReason.BAD_ASPECT_RATIO);
        }
        if (whiteBorder > limits.maxWhiteBorder()) {
            reasons.add(QualityReason.WHITE_BORDER);
        }
        if (whiteBorder < limits.minWhiteBorder()) {
            reasons.add(QualityReason.NO_WHITE_BACKGROUND);
        }
        return new QualityResult(width, height, sharpness, brightness, round(stats.contrast()), whiteBorder,
                reasons.isEmpty(), reasons);
    }

    /** Four decimals: finer steps mean nothing for these measures. */
    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    private static void requireRange(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalStateException("validator.quality." + name + " must be between 0 and 1, got " + value);
        }
    }

    private static void requireOrder(String name, double min, double max) {
        if (min > max) {
            throw new IllegalStateException("validator.quality.min-" + name + " (" + min
                    + ") must not be above validator.quality.max-" + name + " (" + max + ")");
        }
    }
}
