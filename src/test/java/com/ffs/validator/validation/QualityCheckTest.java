package com.ffs.validator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.image.AlphaPolicy;
import com.ffs.validator.image.CheckCopy;
import com.ffs.validator.image.ImageDecoder;
import com.ffs.validator.image.RasterStatistics;
import com.ffs.validator.image.RgbImage;
import com.ffs.validator.testing.ProductPhotos;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The quality verdict on generated product photos and their degraded copies, under the default limits. */
class QualityCheckTest {

    private static final ImageDecoder DECODER = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE);
    private static final BufferedImage SHIRT = ProductPhotos.shirt(1200, 1600, 11);

    @Test
    void aSharpProductPhotoShouldPass() {
        QualityResult r = evaluate(check(Map.of()), SHIRT);
        assertThat(r.passes()).isTrue();
        assertThat(r.reasons()).isEmpty();
        assertThat(r.width()).isEqualTo(1200);
        assertThat(r.height()).isEqualTo(1600);
        assertThat(r.sharpness()).isGreaterThan(0.9);
        assertThat(r.brightness()).isBetween(0.6, 0.9);
        assertThat(r.contrast()).isBetween(0.2, 1.0);
    }

    @Test
    void blurringMoreShouldLowerSharpnessUntilItCrossesTheLimitOnce() {
        QualityCheck check = check(Map.of());
        List<Boolean> blurry = new ArrayList<>();
        double previous = 2;
        // Blur radii as seen on the 512-px copy: 0, 0.5, 1, 1.5, 2, 3, 4 px (the photo is 3.125 times as large).
        for (double sigma : new double[] { 0, 1.6, 3.1, 4.7, 6.3, 9.4, 12.5 }) {
            QualityResult r = evaluate(check, ProductPhotos.blur(SHIRT, sigma));
            assertThat(r.sharpness()).as("sharpness at blur %s", sigma).isLessThan(previous);
            previous = r.sharpness();
            blurry.add(r.reasons().contains(QualityReason.BLURRY));
            assertThat(r.passes()).isEqualTo(!r.reasons().contains(QualityReason.BLURRY));
        }
        // Sharp first, blurry from some strength on, and never sharp again.
        assertThat(blurry.getFirst()).isFalse();
        assertThat(blurry.getLast()).isTrue();
        assertThat(blurry.subList(blurry.indexOf(true), blurry.size())).containsOnly(true);
    }

    @Test
    void aSmallPhotoShouldFailAsTooSmall() {
        QualityResult r = evaluate(check(Map.of()), ProductPhotos.shirt(360, 480, 11));
        assertThat(r.reasons()).containsExactly(QualityReason.TOO_SMALL);
        assertThat(r.passes()).isFalse();
    }

    @Test
    void anUnderExposedPhotoShouldFailAsTooDarkAndAWashedOutOneAsTooBright() {
        QualityResult dark = evaluate(check(Map.of()), ProductPhotos.exposed(SHIRT, 0.1));
        assertThat(dark.reasons()).contains(QualityReason.TOO_DARK);
        assertThat(dark.brightness()).isLessThan(0.1);
        QualityResult bright = evaluate(check(Map.of()), ProductPhotos.exposed(SHIRT, 4));
        assertThat(bright.reasons()).contains(QualityReason.TOO_BRIGHT);
    }

    @Test
    void aFramedPhotoShouldFailWhereTheMarketplaceRefusesBorders() {
        BufferedImage framed = ProductPhotos.framed(ProductPhotos.exposed(SHIRT, 0.85), 0.06, Color.WHITE);
        // By default a white border is measured, not judged: studio photos on white have one too.
        QualityResult measured = evaluate(check(Map.of()), framed);
        assertThat(measured.whiteBorder()).isGreaterThan(0.95);
        assertThat(measured.passes()).isTrue();
        QualityCheck noBorders = check(Map.of("validator.quality.max-white-border", "0.5"));
        assertThat(evaluate(noBorders, framed).reasons()).containsExactly(QualityReason.WHITE_BORDER);
        assertThat(evaluate(noBorders, ProductPhotos.exposed(SHIRT, 0.85)).passes()).isTrue();
        // And the other way round: a marketplace that wants white backgrounds.
        QualityCheck whiteBackground = check(Map.of("validator.quality.min-white-border", "0.9"));
        assertThat(evaluate(whiteBackground, ProductPhotos.exposed(SHIRT, 0.85)).reasons())
                .containsExactly(QualityReason.NO_WHITE_BACKGROUND);
        assertThat(evaluate(whiteBackground, framed).passes()).isTrue();
    }

    @Test
    void aPanoramaShouldFailItsAspectRatioAndEveryBrokenRuleShouldBeListed() {
        QualityCheck zalando = check(Map.of("validator.quality.min-width", "762", "validator.quality.min-height",
                "1100"));
        QualityResult r = zalando.evaluate(2000, 500, new RasterStatistics(10, 10 / 110.0, 0.05, 0.1, 0));
        assertThat(r.reasons()).containsExactly(QualityReason.TOO_SMALL, QualityReason.BLURRY, QualityReason.TOO_DARK,
                QualityReason.BAD_ASPECT_RATIO);
        assertThat(zalando.evaluate(762, 1100, new RasterStatistics(500, 500 / 600.0, 0.5, 0.3, 0)).passes())
                .isTrue();
        assertThat(zalando.evaluate(761, 1100, new RasterStatistics(500, 500 / 600.0, 0.5, 0.3, 0)).reasons())
                .containsExactly(QualityReason.TOO_SMALL);
    }

    @Test
    void limitsShouldBeInclusiveOnTheRoundedFigures() {
        QualityCheck check = check(Map.of());
        QualityResult atLimits = check.evaluate(500, 500, new RasterStatistics(100, 0.5, 0.1, 0.2, 0));
        assertThat(atLimits.passes()).isTrue();
        // 0.09999 shows as 0.1 and passes as 0.1.
        assertThat(check.evaluate(500, 500, new RasterStatistics(100, 0.5, 0.099_999, 0.2, 0)).passes()).isTrue();
        assertThat(check.evaluate(499, 300, new RasterStatistics(100, 0.5, 0.5, 0.2, 0)).reasons())
                .containsExactly(QualityReason.TOO_SMALL);
    }

    @Test
    void contradictoryLimitsShouldStopStartUpNamingTheProperty() {
        assertThatThrownBy(() -> check(Map.of("validator.quality.min-brightness", "0.8",
                "validator.quality.max-brightness", "0.5"))).hasMessageContaining("validator.quality.min-brightness");
        assertThatThrownBy(() -> check(Map.of("validator.quality.min-sharpness", "1.5")))
                .hasMessageContaining("validator.quality.min-sharpness");
        assertThatThrownBy(() -> check(Map.of("validator.quality.min-aspect-ratio", "0")))
                .hasMessageContaining("validator.quality.min-aspect-ratio");
    }

    @Test
    void theResultShouldSerialiseInTheSeedsStyle() throws Exception {
        QualityResult r = check(Map.of()).evaluate(400, 300, new RasterStatistics(50, 1 / 3.0, 0.5, 0.25, 0.125));
        assertThat(new ObjectMapper().writeValueAsString(r)).isEqualTo("{\"width\":400,\"height\":300,"
                + "\"sharpness\":0.3333,\"brightness\":0.5,\"contrast\":0.25,\"white_border\":0.125,\"passes\":false,"
                + "\"reasons\":[\"too_small\",\"blurry\"]}");
    }

    /** The check with the mapping's defaults and {@code overrides}, built as Quarkus builds it. */
    static QualityCheck check(Map<String, String> overrides) {
        QualityConfig config = new SmallRyeConfigBuilder().withMapping(QualityConfig.class)
                .withSources(new PropertiesConfigSource(overrides, "test", 500)).build()
                .getConfigMapping(QualityConfig.class);
        return new QualityCheck(config);
    }

    /** The verdict on {@code photo} as the pipeline would reach it: JPEG quality 90, the service's decoder. */
    static QualityResult evaluate(QualityCheck check, BufferedImage photo) {
        RgbImage image = DECODER.decode(ProductPhotos.jpeg(photo, 0.9f));
        return check.evaluate(image, CheckCopy.of(image));
    }
}
