package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The resizes behind the raster checks and the shared copy. */
class SampledResizeTest {

    @Test
    void halvingShouldBeTheExactTwoByTwoMean() {
        RgbImage in = random(64, 48, 1);
        RgbImage out = SampledResize.resize(in, 32, 24);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                for (int c = 0; c < 3; c++) {
                    int sum = in.sample(2 * x, 2 * y, c) + in.sample(2 * x + 1, 2 * y, c)
                            + in.sample(2 * x, 2 * y + 1, c) + in.sample(2 * x + 1, 2 * y + 1, c);
                    assertThat(out.sample(x, y, c)).isEqualTo((sum + 2) / 4);
                }
            }
        }
    }

    @Test
    void flatImagesShouldStayFlatWhetherShrunkOrEnlarged() {
        RgbImage flat = flat(301, 199, 17, 130, 250);
        for (int[] size : new int[][] { { 100, 66 }, { 37, 25 }, { 1, 1 }, { 602, 398 }, { 900, 10 } }) {
            RgbImage out = SampledResize.resize(flat, size[0], size[1]);
            assertThat(out.width()).isEqualTo(size[0]);
            assertThat(out.height()).isEqualTo(size[1]);
            for (int i = 0; i < out.width() * out.height(); i++) {
                assertThat(out.pixels()[3 * i] & 0xFF).isEqualTo(17);
                assertThat(out.pixels()[3 * i + 1] & 0xFF).isEqualTo(130);
                assertThat(out.pixels()[3 * i + 2] & 0xFF).isEqualTo(250);
            }
        }
    }

    @Test
    void aRegionShouldEqualTheSameResizeOfTheRegionCutOut() {
        RgbImage in = random(200, 150, 2);
        int left = 37;
        int top = 21;
        int w = 101;
        int h = 77;
        byte[] cut = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(in.pixels(), ((top + y) * in.width() + left) * 3, cut, y * w * 3, w * 3);
        }
        RgbImage region = new RgbImage(w, h, cut);
        for (int[] size : new int[][] { { 40, 30 }, { 101, 77 }, { 250, 190 } }) {
            assertThat(SampledResize.crop(in, left, top, w, h, size[0], size[1]).pixels())
                    .isEqualTo(SampledResize.crop(region, 0, 0, w, h, size[0], size[1]).pixels());
        }
        assertThatThrownBy(() -> SampledResize.crop(in, 150, 0, 60, 10, 10, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void enlargingShouldInterpolateBetweenPixelCentres() {
        // Two columns, black and white: doubled, the inner columns are a quarter and three quarters of the way.
        RgbImage in = new RgbImage(2, 1, new byte[] { 0, 0, 0, (byte) 255, (byte) 255, (byte) 255 });
        RgbImage out = SampledResize.resize(in, 4, 1);
        assertThat(new int[] { out.sample(0, 0, 0), out.sample(1, 0, 0), out.sample(2, 0, 0), out.sample(3, 0, 0) })
                .containsExactly(0, 64, 191, 255);
    }

    @Test
    void aTurnedSquareShouldFollowItsAngleAndFillWhatLiesOutsideWithWhite() {
        RgbImage in = random(40, 30, 3);
        // Not turned and at scale 1: the square cut out as it is.
        RgbImage straight = SampledResize.turned(in, 20, 15, 10, 10, 0);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                assertThat(straight.sample(x, y, 1)).isEqualTo(in.sample(15 + x, 10 + y, 1));
            }
        }
        // A quarter turn (clockwise, as y points down): the square's first row is the source's column on the right,
        // read downwards.
        RgbImage quarter = SampledResize.turned(in, 20, 15, 10, 10, 90);
        for (int x = 0; x < 10; x++) {
            assertThat(quarter.sample(x, 0, 2)).isEqualTo(in.sample(24, 10 + x, 2));
        }
        // Beyond the source's edges, white.
        RgbImage outside = SampledResize.turned(in, 0, 0, 20, 20, 45);
        assertThat(outside.sample(0, 0, 0)).isEqualTo(255);
        assertThat(outside.sample(0, 0, 2)).isEqualTo(255);
    }

    @Test
    void theCheckCopyShouldKeepSmallImagesAndFitLargeOnesIntoItsSide() {
        RgbImage small = flat(1024, 700, 1, 2, 3);
        assertThat(CheckCopy.of(small)).isSameAs(small);
        assertThat(CheckCopy.workingBytes(1024, 700)).isZero();
        RgbImage wide = flat(4000, 30, 1, 2, 3);
        RgbImage copy = CheckCopy.of(wide);
        assertThat(new int[] { copy.width(), copy.height() }).containsExactly(1024, 8);
        assertThat(CheckCopy.size(4000, 30)).containsExactly(1024, 8);
        // A sliver keeps one row however extreme its shape.
        assertThat(CheckCopy.size(1_785_714, 1)).containsExactly(1024, 1);
        assertThat(CheckCopy.size(3000, 4000)).containsExactly(768, 1024);
        assertThat(CheckCopy.workingBytes(3000, 4000)).isGreaterThanOrEqualTo(3L * 768 * 1024)
                .isLessThan(4L * 768 * 1024);
    }

    static RgbImage random(int w, int h, long seed) {
        byte[] px = new byte[w * h * 3];
        new Random(seed).nextBytes(px);
        return new RgbImage(w, h, px);
    }

    static RgbImage flat(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[3 * i] = (byte) r;
            px[3 * i + 1] = (byte) g;
            px[3 * i + 2] = (byte) b;
        }
        return new RgbImage(w, h, px);
    }
}
