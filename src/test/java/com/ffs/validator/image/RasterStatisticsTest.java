package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.awt.Color;
import java.awt.image.BufferedImage;

import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ProductPhotos;

/** The raster statistics behind the quality check, on images whose answers are known. */
class RasterStatisticsTest {

    @Test
    void flatImagesShouldHaveNoSharpnessNoContrastAndTheirOwnBrightness() {
        RasterStatistics black = RasterStatistics.measure(SampledResizeTest.flat(800, 600, 0, 0, 0));
        assertThat(black.brightness()).isZero();
        assertThat(black.contrast()).isZero();
        assertThat(black.sharpness()).isZero();
        assertThat(black.whiteBorder()).isZero();
        RasterStatistics white = RasterStatistics.measure(SampledResizeTest.flat(800, 600, 255, 255, 255));
        assertThat(white.brightness()).isEqualTo(1.0);
        assertThat(white.whiteBorder()).isEqualTo(1.0);
        // Pale yellow is bright but not white: one channel is below the near-white level.
        assertThat(RasterStatistics.measure(SampledResizeTest.flat(800, 600, 255, 255, 200)).whiteBorder()).isZero();
    }

    @Test
    void halfBlackHalfWhiteShouldHaveFullContrastAndMidBrightness() {
        BufferedImage image = new BufferedImage(400, 400, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 200, 400);
        g.dispose();
        RasterStatistics s = RasterStatistics.measure(ProductPhotos.rgb(image));
        assertThat(s.brightness()).isCloseTo(0.5, offset(0.01));
        assertThat(s.contrast()).isCloseTo(1.0, offset(0.01));
    }

    @Test
    void theWhiteBorderShouldBeTheShareOfNearWhitePixelsInTheOuterStrip() {
        BufferedImage photo = ProductPhotos.exposed(ProductPhotos.shirt(600, 800, 3), 0.8);
        assertThat(RasterStatistics.measure(ProductPhotos.rgb(photo)).whiteBorder()).isZero();
        // A frame as wide as the strip whitens all of it; one a quarter as wide, about a quarter of it.
        BufferedImage framed = ProductPhotos.framed(photo, 0.04, Color.WHITE);
        assertThat(RasterStatistics.measure(ProductPhotos.rgb(framed)).whiteBorder()).isCloseTo(1.0, offset(0.02));
        BufferedImage thin = ProductPhotos.framed(photo, 0.01, Color.WHITE);
        assertThat(RasterStatistics.measure(ProductPhotos.rgb(thin)).whiteBorder()).isCloseTo(0.25, offset(0.05));
    }

    @Test
    void sharpnessShouldFallStrictlyAsBlurGrows() {
        BufferedImage shirt = ProductPhotos.shirt(900, 1200, 5);
        double previous = 2;
        for (double sigma : new double[] { 0, 1.5, 3, 5, 8, 12 }) {
            double sharpness = RasterStatistics.measure(ProductPhotos.rgb(ProductPhotos.blur(shirt, sigma)))
                    .sharpness();
            assertThat(sharpness).as("sharpness at blur %s", sigma).isLessThan(previous).isBetween(0.0, 1.0);
            previous = sharpness;
        }
    }

    @Test
    void statisticsShouldNotDependOnTheResolutionTheSamePictureComesIn() {
        RasterStatistics small = RasterStatistics.measure(ProductPhotos.rgb(ProductPhotos.shirt(768, 1024, 9)));
        RasterStatistics large = RasterStatistics.measure(ProductPhotos.rgb(ProductPhotos.shirt(2304, 3072, 9)));
        assertThat(large.sharpness()).isCloseTo(small.sharpness(), offset(0.05));
        assertThat(large.brightness()).isCloseTo(small.brightness(), offset(0.01));
        assertThat(large.contrast()).isCloseTo(small.contrast(), offset(0.02));
        assertThat(large.whiteBorder()).isCloseTo(small.whiteBorder(), offset(0.02));
    }

    @Test
    void aProductInFocusOnAPlainBackgroundShouldCountAsSharp() {
        // The shirt fills a third of the frame's width: a variance over the whole picture would be diluted by the
        // studio background; the sharpest tiles are not.
        BufferedImage small = ProductPhotos.framed(ProductPhotos.shirt(1200, 1600, 4), 0.3, new Color(248, 248, 248));
        RasterStatistics s = RasterStatistics.measure(ProductPhotos.rgb(small));
        assertThat(s.sharpness()).isGreaterThan(0.9);
        assertThat(s.laplacianVariance()).isGreaterThan(1000);
    }

    @Test
    void theCopyAndTheFullImageShouldMeasureTheSame() {
        RgbImage full = ProductPhotos.rgb(ProductPhotos.shirt(1500, 2000, 2));
        assertThat(RasterStatistics.measure(CheckCopy.of(full))).isEqualTo(RasterStatistics.measure(full));
    }

    @Test
    void tinyImagesShouldBeMeasuredWithoutFailing() {
        for (int[] size : new int[][] { { 1, 1 }, { 2, 700 }, { 700, 2 }, { 3, 3 } }) {
            RasterStatistics s = RasterStatistics.measure(SampledResizeTest.random(size[0], size[1], 4));
            assertThat(s.sharpness()).isBetween(0.0, 1.0);
            assertThat(s.brightness()).isBetween(0.0, 1.0);
            assertThat(s.contrast()).isBetween(0.0, 1.0);
            assertThat(s.whiteBorder()).isBetween(0.0, 1.0);
        }
    }
}
