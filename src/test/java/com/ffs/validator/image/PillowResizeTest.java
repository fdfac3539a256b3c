package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The optimised resize (region-only output, windowed and evaluated coefficients, ring or accumulated vertical pass,
 * distinct columns, packed and two-row horizontal passes) against the line-by-line port of Pillow's Resample.c, on
 * random images, sizes, regions and every filter. The golden tests tie both to Pillow itself.
 */
class PillowResizeTest {

    private static final Resample[] FILTERS = { Resample.BILINEAR, Resample.BICUBIC, Resample.LANCZOS, Resample.BOX,
            Resample.HAMMING };

    /** The SIMD kernels where the JVM has them (the build's test JVMs do), and the scalar ones. */
    private static final List<ResizeKernels> KERNELS = List.of(ResizeKernels.instance(), ResizeKernels.scalar());

    /** The defaults, and limits small enough that random small images take every other path. */
    private static final List<PillowResize.Limits> LIMITS = List.of(PillowResize.Limits.DEFAULT,
            new PillowResize.Limits(0, 0, 3, 5, 0),
            new PillowResize.Limits(0, 1 << 20, 2, 7, 0),
            new PillowResize.Limits(1 << 18, 0, 64, 1024, 1 << 14),
            new PillowResize.Limits(1 << 18, 1 << 20, 64, 1024, 0));

    @Test
    void shouldEqualTheLineByLinePortOnRandomCases() {
        Random random = new Random(42);
        for (int i = 0; i < 400; i++) {
            RgbImage image = randomImage(random, i, 1 + random.nextInt(i % 10 == 0 ? 700 : 90),
                    1 + random.nextInt(i % 7 == 0 ? 700 : 90));
            int w = image.width();
            int h = image.height();
            int tw = 1 + random.nextInt(i % 2 == 0 ? 240 : 2 * w + 1);
            int th = 1 + random.nextInt(i % 2 == 0 ? 240 : 2 * h + 1);
            Resample filter = FILTERS[random.nextInt(FILTERS.length)];
            RgbImage expected = ReferenceResize.resize(image, tw, th, filter);
            String what = w + "x" + h + " -> " + tw + "x" + th + " " + filter;

            assertThat(PillowResize.resize(image, tw, th, filter).pixels()).as(what).isEqualTo(expected.pixels());

            int rw = 1 + random.nextInt(tw);
            int rh = 1 + random.nextInt(th);
            int left = random.nextInt(tw - rw + 1);
            int top = random.nextInt(th - rh + 1);
            for (ResizeKernels kernels : KERNELS) {
                for (PillowResize.Limits limits : LIMITS) {
                    PillowResize.Work work = new PillowResize.Work();
                    RgbImage region = PillowResize.resizeRegion(image, tw, th, filter, left, top, rw, rh, limits,
                            work, kernels);
                    assertRegion(region, expected, left, top, what + " region " + rw + "x" + rh + "+" + left + "+"
                            + top + " " + limits + " " + kernels.describe());
                    PillowResize.Shape shape = new PillowResize.Shape(w, h, tw, th, filter, left, top, rw, rh,
                            limits);
                    assertThat(work.total()).as(what + " work within the shape's bound")
                            .isLessThanOrEqualTo(shape.work());
                }
            }
        }
    }

    @Test
    void shouldEqualTheLineByLinePortOnExtremeAspectRatios() {
        Random random = new Random(7);
        int[][] sizes = { { 1, 3000 }, { 3000, 1 }, { 2, 2500 }, { 2500, 2 }, { 1, 1 }, { 3, 1 }, { 1, 3 } };
        int[][] targets = { { 224, 224 }, { 1, 1 }, { 5, 300 }, { 300, 5 }, { 2, 224 }, { 224, 2 } };
        for (int[] size : sizes) {
            RgbImage image = randomImage(random, 1, size[0], size[1]);
            for (int[] target : targets) {
                for (Resample filter : FILTERS) {
                    RgbImage expected = ReferenceResize.resize(image, target[0], target[1], filter);
                    for (ResizeKernels kernels : KERNELS) {
                        for (PillowResize.Limits limits : LIMITS) {
                            RgbImage actual = PillowResize.resizeRegion(image, target[0], target[1], filter, 0, 0,
                                    target[0], target[1], limits, null, kernels);
                            assertThat(actual.pixels()).as(size[0] + "x" + size[1] + " -> " + target[0] + "x"
                                    + target[1] + " " + filter + " " + limits + " " + kernels.describe())
                                    .isEqualTo(expected.pixels());
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldGiveEachWindowItsOwnResultWhenWindowsShareTheHorizontalPass() {
        Random random = new Random(21);
        for (int i = 0; i < 120; i++) {
            RgbImage image = randomImage(random, i, 1 + random.nextInt(300), 1 + random.nextInt(i % 4 == 0 ? 900 : 300));
            int tw = 1 + random.nextInt(120);
            Resample filter = FILTERS[random.nextInt(FILTERS.length)];
            for (PillowResize.Limits limits : LIMITS) {
                // Same width, filter and columns; different heights and rows: one horizontal pass for all.
                int rw = 1 + random.nextInt(tw);
                int left = random.nextInt(tw - rw + 1);
                List<PillowResize.Shape> shapes = new ArrayList<>();
                List<RgbImage> expected = new ArrayList<>();
                for (int k = 0; k < 3; k++) {
                    int th = 1 + random.nextInt(k == 2 ? 3 * image.height() + 1 : 200);
                    int rh = 1 + random.nextInt(th);
                    int top = random.nextInt(th - rh + 1);
                    Resample f = k == 2 && i % 3 == 0 ? Resample.BILINEAR : filter;
                    shapes.add(new PillowResize.Shape(image.width(), image.height(), tw, th, f, left, top, rw, rh,
                            limits));
                    expected.add(PillowResize.resizeRegion(image, tw, th, f, left, top, rw, rh, limits, null,
                            ResizeKernels.scalar()));
                }
                for (ResizeKernels kernels : KERNELS) {
                    PillowResize.Work work = new PillowResize.Work();
                    List<RgbImage> actual = PillowResize.resizeRegions(image, shapes, work, kernels);
                    for (int k = 0; k < 3; k++) {
                        assertThat(actual.get(k).pixels()).as("%dx%d window %d %s %s", image.width(),
                                image.height(), k, limits, kernels.describe()).isEqualTo(expected.get(k).pixels());
                    }
                    long separately = shapes.stream().mapToLong(PillowResize.Shape::work).sum();
                    assertThat(work.total()).isLessThanOrEqualTo(separately);
                }
            }
        }
    }

    @Test
    void shouldRunTheSimdKernelsInTheBuildsTestJvm() {
        // The surefire and failsafe JVMs add jdk.incubator.vector, as every documented launch does.
        assertThat(ResizeKernels.instance()).isInstanceOf(VectorResizeKernels.class);
    }

    @Test
    void shouldAgreeOnThePackedAndTheTwoRowHorizontalPasses() {
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            RgbImage image = randomImage(random, i, 1 + random.nextInt(400), 2);
            int tw = 1 + random.nextInt(image.width() + 10);
            Resample filter = FILTERS[random.nextInt(FILTERS.length)];
            PillowResize.Coefficients c = PillowResize.Coefficients.compute(image.width(), tw, filter);
            int[] columns = new int[tw];
            Arrays.setAll(columns, x -> x);
            byte[] plain = new byte[tw * 6];
            ResizeKernels.horizontalPlain2(image.pixels(), 0, image.width() * 3, c, columns, 0, tw, plain, 0, tw * 3);
            byte[] single = new byte[tw * 6];
            ResizeKernels.horizontalPlain(image.pixels(), 0, c, columns, 0, tw, single, 0);
            ResizeKernels.horizontalPlain(image.pixels(), image.width() * 3, c, columns, 0, tw, single, tw * 3);
            byte[] packed = new byte[tw * 6];
            long[] redBlue = new long[image.width()];
            int[] green = new int[image.width()];
            ResizeKernels.horizontalPacked(image.pixels(), 0, c, columns, redBlue, green, 0, packed, 0);
            ResizeKernels.horizontalPacked(image.pixels(), image.width() * 3, c, columns, redBlue, green, 0, packed,
                    tw * 3);
            String what = image.width() + " -> " + tw + " " + filter;
            assertThat(single).as(what + " one row at a time").isEqualTo(plain);
            assertThat(packed).as(what + " packed").isEqualTo(plain);
        }
    }

    @Test
    void shouldComputeThePerPixelReferenceAsTheWholeResize() {
        Random random = new Random(11);
        for (int i = 0; i < 60; i++) {
            RgbImage image = randomImage(random, i, 1 + random.nextInt(60), 1 + random.nextInt(60));
            int tw = 1 + random.nextInt(80);
            int th = 1 + random.nextInt(80);
            Resample filter = FILTERS[random.nextInt(FILTERS.length)];
            RgbImage expected = ReferenceResize.resize(image, tw, th, filter);
            for (int y = 0; y < th; y++) {
                for (int x = 0; x < tw; x++) {
                    int[] px = ReferenceResize.pixel(image, tw, th, filter, x, y);
                    for (int c = 0; c < 3; c++) {
                        assertThat(px[c]).as("%dx%d -> %dx%d %s at %d,%d", image.width(), image.height(), tw, th,
                                filter, x, y).isEqualTo(expected.sample(x, y, c));
                    }
                }
            }
        }
    }

    static RgbImage randomImage(Random random, int i, int w, int h) {
        byte[] px = new byte[w * h * 3];
        random.nextBytes(px);
        if (i % 3 == 0) {
            // Flat areas with hard edges, where bicubic and Lanczos overshoot and clamping matters.
            for (int p = 0; p < px.length; p++) {
                px[p] = (byte) (((p / 3 / 5) % 2) == 0 ? 0 : 255);
            }
        }
        return new RgbImage(w, h, px);
    }

    static void assertRegion(RgbImage region, RgbImage expected, int left, int top, String what) {
        for (int y = 0; y < region.height(); y++) {
            for (int x = 0; x < region.width(); x++) {
                for (int c = 0; c < 3; c++) {
                    if (region.sample(x, y, c) != expected.sample(x + left, y + top, c)) {
                        throw new AssertionError(what + " differs at " + x + "," + y);
                    }
                }
            }
        }
    }
}
