package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The optimised resize (transposed horizontal pass, four taps per sweep, region-only output) against the
 * line-by-line port of Pillow's Resample.c, on random images, sizes, regions and every filter. The golden tests
 * tie both to Pillow itself.
 */
class PillowResizeTest {

    @Test
    void shouldEqualTheLineByLinePortOnRandomCases() {
        Random random = new Random(42);
        Resample[] filters = {Resample.BILINEAR, Resample.BICUBIC, Resample.LANCZOS, Resample.BOX, Resample.HAMMING};
        for (int i = 0; i < 400; i++) {
            int w = 1 + random.nextInt(i % 10 == 0 ? 700 : 90);
            int h = 1 + random.nextInt(i % 7 == 0 ? 700 : 90);
            byte[] px = new byte[w * h * 3];
            random.nextBytes(px);
            if (i % 3 == 0) {
                // Flat areas with hard edges, where bicubic and Lanczos overshoot and clamping matters.
                for (int p = 0; p < px.length; p++) {
                    px[p] = (byte) (((p / 3 / 5) % 2) == 0 ? 0 : 255);
                }
            }
            RgbImage image = new RgbImage(w, h, px);
            int tw = 1 + random.nextInt(i % 2 == 0 ? 240 : 2 * w + 1);
            int th = 1 + random.nextInt(i % 2 == 0 ? 240 : 2 * h + 1);
            Resample filter = filters[random.nextInt(filters.length)];
            RgbImage expected = ReferenceResize.resize(image, tw, th, filter);
            String what = w + "x" + h + " -> " + tw + "x" + th + " " + filter;

            PillowResize.Coefficients horizontal = PillowResize.Coefficients.compute(w, tw, filter);
            assertThat(PillowResize.horizontalPassPacked(image, 0, h, horizontal, 0, tw)).as(what + " packed")
                    .isEqualTo(PillowResize.horizontalPassPlain(image, 0, h, horizontal, 0, tw));

            RgbImage full = PillowResize.resize(image, tw, th, filter);
            assertThat(full.pixels()).as(what).isEqualTo(expected.pixels());

            int rw = 1 + random.nextInt(tw);
            int rh = 1 + random.nextInt(th);
            int left = random.nextInt(tw - rw + 1);
            int top = random.nextInt(th - rh + 1);
            RgbImage region = PillowResize.resizeRegion(image, tw, th, filter, left, top, rw, rh);
            for (int y = 0; y < rh; y++) {
                for (int x = 0; x < rw; x++) {
                    for (int c = 0; c < 3; c++) {
                        if (region.sample(x, y, c) != expected.sample(x + left, y + top, c)) {
                            throw new AssertionError(what + " region " + rw + "x" + rh + "+" + left + "+" + top
                                    + " differs at " + x + "," + y);
                        }
                    }
                }
            }
        }
    }
}
